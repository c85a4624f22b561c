import { describe, expect, it } from 'vitest';
import type { DeliveryHour } from '../../api/types';
import { deliveryBars, describeDeliveries } from './deliverySeries';

const hour = (start: string, counts: Partial<DeliveryHour> = {}): DeliveryHour => ({
  start,
  delivered: 0,
  failed: 0,
  missed: 0,
  canceled: 0,
  late: 0,
  ...counts,
});

describe('deliveryBars', () => {
  it('splits the delivered runs into on time and late, in the viewer\u2019s hours', () => {
    const bars = deliveryBars([hour('2030-01-15T13:00:00Z', { delivered: 10, late: 3, failed: 1 })], 'Europe/Berlin');
    expect(bars).toEqual([{ hour: '14:00', onTime: 7, late: 3, failed: 1, missed: 0, canceled: 0 }]);
  });

  it('keeps the hours in the order the API gives them, oldest first', () => {
    const bars = deliveryBars([hour('2030-01-15T22:00:00Z'), hour('2030-01-15T23:00:00Z')], 'UTC');
    expect(bars.map((bar) => bar.hour)).toEqual(['22:00', '23:00']);
  });
});

describe('describeDeliveries', () => {
  it('sums every outcome and names the busiest hour', () => {
    const text = describeDeliveries(
      [
        hour('2030-01-15T12:00:00Z', { delivered: 2 }),
        hour('2030-01-15T13:00:00Z', { delivered: 40, late: 4, failed: 2, missed: 1 }),
      ],
      'UTC',
    );
    expect(text).toBe(
      'Last 2 hours: 42 delivered (4 late), 2 failed, 1 missed, 0 canceled; the busiest hour 13:00 with 43.',
    );
  });

  it('says so when nothing ran', () => {
    expect(describeDeliveries([hour('2030-01-15T12:00:00Z')], 'UTC')).toBe('Last 1 hour: no runs.');
  });
});
