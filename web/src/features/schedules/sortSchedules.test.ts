import { describe, expect, it } from 'vitest';
import { aSchedule } from '../../test/builders';
import { sortSchedules, type SortOrder } from './sortSchedules';

const later = aSchedule({ payload: 'later', runAt: '2030-03-01T00:00:00Z' });
const sooner = aSchedule({ payload: 'sooner', runAt: '2030-02-01T00:00:00Z' });
const paused = aSchedule({ payload: 'paused', runAt: '2030-01-01T00:00:00Z', state: 'PAUSED' });
const done = aSchedule({ payload: 'done', runAt: '2029-01-01T00:00:00Z', state: 'COMPLETED' });
const titles = (order: SortOrder) =>
  sortSchedules([done, later, paused, sooner], order).map((schedule) => schedule.payload);

describe('sortSchedules', () => {
  it('keeps the API order when asked to', () => {
    expect(titles('stored')).toEqual(['done', 'later', 'paused', 'sooner']);
  });

  it('puts the soonest active run first, then paused schedules, then completed ones', () => {
    expect(titles('nextRun')).toEqual(['sooner', 'later', 'paused', 'done']);
  });

  it('orders by the title shown, whatever its case, with numbers in their order', () => {
    const named = [
      aSchedule({ name: 'job 10' }),
      aSchedule({ payload: 'Beta export' }),
      aSchedule({ name: 'job 9' }),
      aSchedule({ name: 'alpha' }),
    ];
    expect(sortSchedules(named, 'name').map((schedule) => schedule.name ?? schedule.payload)).toEqual([
      'alpha',
      'Beta export',
      'job 9',
      'job 10',
    ]);
  });
});
