import { describe, expect, it } from 'vitest';

import type { Run, Schedule } from '../../api/types';
import { aSchedule } from '../../test/builders';
import { CALM_REFRESH_MS, QUICK_REFRESH_MS, refreshInterval } from './liveRefresh';

const NOW = Date.parse('2027-01-04T12:00:00Z');

function schedule(changes: Partial<Schedule> = {}): Schedule {
  return aSchedule({ jobId: 'job', runAt: '2027-01-05T12:00:00Z', ...changes });
}

function run(status: Run['status']): Run {
  return {
    occurrenceId: 'job/2027-01-04T12:00:00Z',
    scheduledFor: '2027-01-04T12:00:00Z',
    status,
    trigger: 'MANUAL',
    recordedAt: '2027-01-04T12:00:00Z',
    messageId: null,
    latenessMs: null,
  };
}

describe('refreshInterval', () => {
  it('reads again every 30 s when nothing is on its way', () => {
    expect(refreshInterval([schedule()], NOW)).toBe(CALM_REFRESH_MS);
  });

  it('reads again every second while a last run is queued', () => {
    expect(refreshInterval([schedule({ lastRun: run('QUEUED') })], NOW)).toBe(QUICK_REFRESH_MS);
  });

  it('reads again every second when an active schedule is due within the minute, or overdue', () => {
    expect(refreshInterval([schedule({ runAt: '2027-01-04T12:00:40Z' })], NOW)).toBe(QUICK_REFRESH_MS);
    expect(refreshInterval([schedule({ runAt: '2027-01-04T11:59:00Z' })], NOW)).toBe(QUICK_REFRESH_MS);
  });

  it('leaves a paused schedule due soon alone', () => {
    expect(refreshInterval([schedule({ runAt: '2027-01-04T12:00:40Z', state: 'PAUSED' })], NOW)).toBe(CALM_REFRESH_MS);
  });

  it('reads again every second while a run of the history is queued', () => {
    expect(refreshInterval([schedule()], NOW, [run('DELIVERED'), run('QUEUED')])).toBe(QUICK_REFRESH_MS);
  });
});
