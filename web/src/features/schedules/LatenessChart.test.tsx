import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/types';
import { renderWithStore } from '../../test/render';
import { LatenessChart } from './LatenessChart';

const now = new Date('2030-01-15T09:00:00Z');
const run = (scheduledFor: string, status: Run['status'], latenessMs: number | null): Run => ({
  occurrenceId: `job/${scheduledFor}`,
  scheduledFor,
  status,
  trigger: 'SCHEDULE',
  recordedAt: scheduledFor,
  messageId: null,
  latenessMs,
});

describe('LatenessChart', () => {
  it('is a figure whose caption says what it draws', () => {
    renderWithStore(
      <LatenessChart
        runs={[run('2030-01-15T08:00:00Z', 'DELIVERED', 800), run('2030-01-15T07:00:00Z', 'MISSED', null)]}
        now={now}
        viewerZone="UTC"
      />,
    );

    const figure = screen.getByRole('figure', { name: 'Lateness of recent runs' });
    expect(figure).toHaveTextContent('2 runs: median lateness 800 ms, worst 800 ms; 1 missed.');
  });

  it('draws nothing before any run has happened', () => {
    renderWithStore(<LatenessChart runs={[run('2030-01-15T09:00:30Z', 'DELIVERED', 0)]} now={now} viewerZone="UTC" />);
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });
});
