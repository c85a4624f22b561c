import { describe, expect, it } from 'vitest';
import { aSchedule } from '../../test/builders';
import { sortSchedules } from './sortSchedules';

const later = aSchedule({ payload: 'later', runAt: '2030-03-01T00:00:00Z' });
const sooner = aSchedule({ payload: 'sooner', runAt: '2030-02-01T00:00:00Z' });
const paused = aSchedule({ payload: 'paused', runAt: '2030-01-01T00:00:00Z', state: 'PAUSED' });
const done = aSchedule({ payload: 'done', runAt: '2029-01-01T00:00:00Z', state: 'COMPLETED' });
const titles = (order: 'stored' | 'nextRun') =>
  sortSchedules([done, later, paused, sooner], order).map((schedule) => schedule.payload);

describe('sortSchedules', () => {
  it('keeps the API order when asked to', () => {
    expect(titles('stored')).toEqual(['done', 'later', 'paused', 'sooner']);
  });

  it('puts the soonest active run first, then paused schedules, then completed ones', () => {
    expect(titles('nextRun')).toEqual(['sooner', 'later', 'paused', 'done']);
  });
});
