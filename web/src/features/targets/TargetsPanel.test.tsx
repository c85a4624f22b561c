import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { aTarget } from '../../test/builders';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { TargetsPanel } from './TargetsPanel';

describe('TargetsPanel', () => {
  it('lists each target with its kind and address, and says which is the default', async () => {
    fakeGraphql({
      Targets: () => ({
        targets: [
          aTarget({ name: 'default', default: true, builtIn: true, createdAt: null }),
          aTarget({ name: 'orders' }),
        ],
      }),
    });
    renderWithStore(<TargetsPanel />);

    const cards = within(await screen.findByRole('list', { name: 'Targets' })).getAllByTestId('target-card');
    expect(cards.map((card) => card.dataset.name)).toEqual(['default', 'orders']);
    expect(within(cards[0]).getByTestId('target-default')).toHaveTextContent('default');
    expect(cards[0]).toHaveTextContent("The stack's own queue.");
    expect(within(cards[1]).queryByTestId('target-default')).not.toBeInTheDocument();
    expect(within(cards[1]).getByTestId('target-kind')).toHaveTextContent('SQS queue');
    expect(within(cards[1]).getByTestId('target-url')).toHaveTextContent(aTarget().url);
  });

  it('says so when the namespace has no targets', async () => {
    fakeGraphql({ Targets: () => ({ targets: [] }) });
    renderWithStore(<TargetsPanel />);

    expect(await screen.findByTestId('targets-empty')).toHaveTextContent('This namespace has no targets yet');
  });
});
