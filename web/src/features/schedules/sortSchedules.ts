import type { Schedule, ScheduleState } from '../../api/types';

/** `stored`: the API's order (by id, so by creation); `nextRun`: the soonest next run first. */
export type SortOrder = 'stored' | 'nextRun';

// Paused schedules wait on a resume and completed ones have no next run: both go after the active.
const STATE_RANK: Record<ScheduleState, number> = { ACTIVE: 0, PAUSED: 1, COMPLETED: 2 };

function nextRunKey(schedule: Schedule): number {
  if (schedule.state === 'COMPLETED' || !schedule.runAt) return Number.POSITIVE_INFINITY;
  return Date.parse(schedule.runAt);
}

/** The schedules of one loaded page in the chosen order (the API sorts only by id). */
export function sortSchedules(schedules: Schedule[], order: SortOrder): Schedule[] {
  if (order === 'stored') return schedules;
  return [...schedules].sort((a, b) => {
    const byState = STATE_RANK[a.state] - STATE_RANK[b.state];
    if (byState !== 0) return byState;
    const [first, second] = [nextRunKey(a), nextRunKey(b)];
    return first === second ? 0 : first < second ? -1 : 1;
  });
}
