import type { Run } from '../../api/types';
import { formatLateness, isAfter } from '../../lib/time';

/** One run on the lateness chart: its instant (ms since the epoch) and lateness, null when it was not delivered. */
export interface LatenessPoint {
  at: number;
  lateness: number | null;
}

/** A run that did not go out (missed, and later failed or canceled), marked on the chart by its status. */
export interface MarkedRun {
  at: number;
  status: string;
}

export interface LatenessSeries {
  points: LatenessPoint[];
  marked: MarkedRun[];
}

// Runs still waiting for their time have no lateness yet, and queued ones are on their way.
const NOT_YET = new Set(['QUEUED']);

/** The runs that have happened by `now`, oldest first, as the chart draws them. */
export function latenessSeries(runs: Run[], now: Date): LatenessSeries {
  const happened = runs
    .filter((run) => !NOT_YET.has(run.status) && !isAfter(run.scheduledFor, now))
    .map((run) => ({ run, at: Date.parse(run.scheduledFor) }))
    .sort((a, b) => a.at - b.at);
  const points: LatenessPoint[] = [];
  const marked: MarkedRun[] = [];
  for (const { run, at } of happened) {
    const delivered = run.status === 'DELIVERED';
    points.push({ at, lateness: delivered ? run.latenessMs : null });
    if (!delivered) marked.push({ at, status: run.status.toLowerCase() });
  }
  return { points, marked };
}

function median(sorted: number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}

/** The chart in one sentence, for those who cannot see it: "12 runs: median lateness 240 ms, worst 2.4 s; 1 missed." */
export function describeSeries({ points, marked }: LatenessSeries): string {
  const late = points
    .map((point) => point.lateness)
    .filter((value): value is number => value !== null)
    .sort((a, b) => a - b);
  let text = `${points.length} ${points.length === 1 ? 'run' : 'runs'}`;
  if (late.length) {
    text += `: median lateness ${formatLateness(median(late))}, worst ${formatLateness(late[late.length - 1])}`;
  }
  const counts = new Map<string, number>();
  for (const { status } of marked) counts.set(status, (counts.get(status) ?? 0) + 1);
  const notDelivered = [...counts].map(([status, count]) => `${count} ${status}`);
  return notDelivered.length ? `${text}; ${notDelivered.join(', ')}.` : `${text}.`;
}
