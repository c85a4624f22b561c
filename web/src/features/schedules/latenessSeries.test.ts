import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/types';
import { describeSeries, latenessSeries } from './latenessSeries';

const now = new Date('2030-01-15T09:00:00Z');
const run = (scheduledFor: string, status: string, latenessMs: number | null): Run => ({
  occurrenceId: `job/${scheduledFor}`,
  scheduledFor,
  status: status as Run['status'],
  trigger: 'SCHEDULE',
  recordedAt: scheduledFor,
  messageId: status === 'DELIVERED' ? 'm' : null,
  latenessMs,
});

// Newest first, as the API lists them.
const history = [
  run('2030-01-15T09:00:30Z', 'DELIVERED', 0), // handed over, not yet due
  run('2030-01-15T08:00:00Z', 'DELIVERED', 2_400),
  run('2030-01-15T07:00:00Z', 'MISSED', null),
  run('2030-01-15T06:00:00Z', 'DELIVERED', 120),
  run('2030-01-15T05:00:00Z', 'FAILED', null),
  run('2030-01-15T04:00:00Z', 'DELIVERED', 300),
];

describe('latenessSeries', () => {
  it('draws the runs that have happened, oldest first, leaving a gap at each one not delivered', () => {
    const { points } = latenessSeries(history, now);
    expect(points).toEqual([
      { at: Date.parse('2030-01-15T04:00:00Z'), lateness: 300 },
      { at: Date.parse('2030-01-15T05:00:00Z'), lateness: null },
      { at: Date.parse('2030-01-15T06:00:00Z'), lateness: 120 },
      { at: Date.parse('2030-01-15T07:00:00Z'), lateness: null },
      { at: Date.parse('2030-01-15T08:00:00Z'), lateness: 2_400 },
    ]);
  });

  it('marks each run not delivered by its status', () => {
    expect(latenessSeries(history, now).marked).toEqual([
      { at: Date.parse('2030-01-15T05:00:00Z'), status: 'failed' },
      { at: Date.parse('2030-01-15T07:00:00Z'), status: 'missed' },
    ]);
  });
});

describe('describeSeries', () => {
  it('says the chart in one sentence', () => {
    expect(describeSeries(latenessSeries(history, now))).toBe(
      '5 runs: median lateness 300 ms, worst 2.4 s; 1 failed, 1 missed.',
    );
  });

  it('has no lateness to tell when nothing was delivered', () => {
    expect(describeSeries(latenessSeries([run('2030-01-15T07:00:00Z', 'MISSED', null)], now))).toBe('1 run; 1 missed.');
  });
});
