import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useNow } from './useNow';

function Clock({ testId }: { testId: string }) {
  return <span data-testid={testId}>{useNow().toISOString()}</span>;
}

describe('useNow', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2030-01-15T09:00:00Z') });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('moves every second, on one clock for everything that shows it', () => {
    render(
      <>
        <Clock testId="a" />
        <Clock testId="b" />
      </>,
    );
    expect(screen.getByTestId('a')).toHaveTextContent('2030-01-15T09:00:00.000Z');

    act(() => vi.advanceTimersByTime(3000));

    expect(screen.getByTestId('a')).toHaveTextContent('2030-01-15T09:00:03.000Z');
    expect(screen.getByTestId('b')).toHaveTextContent('2030-01-15T09:00:03.000Z');
    expect(vi.getTimerCount()).toBe(1);
  });

  it('stops its timer when nothing shows the time', () => {
    const { unmount } = render(<Clock testId="a" />);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
