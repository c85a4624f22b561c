import type { Run, Schedule } from '../../api/types';

/** How often a view reads its schedules again: every second while one of them has a run on
 * its way (queued, or due within the next minute or so), so that a run is seen delivered
 * once it is; every 30 s otherwise. */
export const QUICK_REFRESH_MS = 1_000;
export const CALM_REFRESH_MS = 30_000;
const SOON_MS = 75_000;

function onItsWay(run: Run | null | undefined): boolean {
  return run?.status === 'QUEUED';
}

export function refreshInterval(schedules: readonly Schedule[], now: number, runs: readonly Run[] = []): number {
  const busy =
    runs.some(onItsWay) ||
    schedules.some((schedule) => {
      if (onItsWay(schedule.lastRun)) return true;
      if (schedule.state !== 'ACTIVE' || !schedule.runAt) return false;
      return Date.parse(schedule.runAt) - now < SOON_MS;
    });
  return busy ? QUICK_REFRESH_MS : CALM_REFRESH_MS;
}
