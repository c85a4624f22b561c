import type { Schedule, ScheduleState } from '../../api/types';
import { scheduleTitle } from './scheduleText';

/** `stored`: the API's order (by id, so by creation; by name when searching by name);
 * `nextRun`: the soonest next run first; `name`: by the title shown, A to Z. */
export type SortOrder = 'stored' | 'nextRun' | 'name';

// Paused schedules wait on a resume and completed ones have no next run: both go after the active.
const STATE_RANK: Record<ScheduleState, number> = { ACTIVE: 0, PAUSED: 1, COMPLETED: 2 };
// Case and accents do not count, and "job 9" comes before "job 10".
const byTitle = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function nextRunKey(schedule: Schedule): number {
  if (schedule.state === 'COMPLETED' || !schedule.runAt) return Number.POSITIVE_INFINITY;
  return Date.parse(schedule.runAt);
}

function byNextRun(a: Schedule, b: Schedule): number {
  const byState = STATE_RANK[a.state] - STATE_RANK[b.state];
  if (byState !== 0) return byState;
  const [first, second] = [nextRunKey(a), nextRunKey(b)];
  return first === second ? 0 : first < second ? -1 : 1;
}

/** The schedules of one loaded page in the chosen order (the API sorts only by id, or by name). */
export function sortSchedules(schedules: Schedule[], order: SortOrder): Schedule[] {
  if (order === 'stored') return schedules;
  if (order === 'name') return [...schedules].sort((a, b) => byTitle.compare(scheduleTitle(a), scheduleTitle(b)));
  return [...schedules].sort(byNextRun);
}
