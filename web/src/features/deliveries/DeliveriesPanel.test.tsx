import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { DeliveriesPanel } from './DeliveriesPanel';

const hour = (start: string, delivered: number, failed = 0) => ({
  start,
  delivered,
  failed,
  missed: 0,
  canceled: 0,
  late: 0,
});

describe('DeliveriesPanel', () => {
  it("asks the API for the last day's hours and says in words what the chart draws", async () => {
    const api = fakeGraphql({
      DeliveryStats: () => ({
        deliveryStats: { hours: [hour('2030-01-15T08:00:00Z', 3), hour('2030-01-15T09:00:00Z', 5, 1)] },
      }),
    });
    renderWithStore(<DeliveriesPanel />);

    const figure = screen.getByRole('figure', { name: 'Deliveries per hour, last 24 hours' });
    expect(await screen.findByTestId('deliveries-summary')).toHaveTextContent(
      'Last 2 hours: 8 delivered (0 late), 1 failed, 0 missed, 0 canceled; the busiest hour 09:00 with 6.',
    );
    expect(figure).toContainElement(screen.getByTestId('deliveries-summary'));
    expect(api.callsOf('DeliveryStats')[0].variables).toEqual({ hours: 24 });
  });

  it('says why when the figures cannot be loaded', async () => {
    fakeGraphql({ DeliveryStats: () => Response.json({ error: 'internal_error' }, { status: 500 }) });
    renderWithStore(<DeliveriesPanel />);

    expect(await screen.findByTestId('deliveries-failed')).toHaveTextContent(
      'The delivery figures could not be loaded: internal_error',
    );
  });
});
