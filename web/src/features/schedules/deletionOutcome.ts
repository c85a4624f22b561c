import type { Schedule } from '../../api/types';
import { isAfter, relativeTo } from '../../lib/time';

/**
 * How long before its time the service hands a run to SQS (the dispatcher's lookahead, 70 s
 * by default; README, "Changes close to a run"). A message already handed over waits on the
 * queue for its time and cannot be called back.
 */
export const LOOKAHEAD_SECONDS = 70;

export interface DeletionOutcome {
  /** A run that may still go out despite the delete, when there is one. */
  warning: string | null;
  /** What the delete does, in order. */
  lines: string[];
}

/** What deleting `schedule` at `now` does to its runs, without promising more than the service keeps. */
export function deletionOutcome(schedule: Schedule, now: Date): DeletionOutcome {
  const lines = ['The schedule is removed at once, and its run history can no longer be read.'];
  const queued = schedule.lastRun && isAfter(schedule.lastRun.scheduledFor, now) ? schedule.lastRun : null;
  if (queued) {
    return {
      warning: `A run due ${relativeTo(queued.scheduledFor, now)} is already on the queue: it will still be delivered.`,
      lines: [...lines, schedule.state === 'COMPLETED' ? 'It has no other runs.' : 'No run after that one will be.'],
    };
  }
  if (schedule.state === 'COMPLETED' || !schedule.runAt) {
    return { warning: null, lines: [...lines, 'It has no runs left to deliver.'] };
  }
  const secondsToRun = (Date.parse(schedule.runAt) - now.getTime()) / 1000;
  const recurring = schedule.recurring !== 'NONE';
  // A paused schedule is not handed over; one paused in the last moments before its run may have been.
  const mayBeQueued = schedule.state === 'ACTIVE' || secondsToRun > 0;
  if (mayBeQueued && secondsToRun <= LOOKAHEAD_SECONDS) {
    const when = relativeTo(schedule.runAt, now);
    const due = when === 'now' ? 'is due now' : secondsToRun > 0 ? `is due ${when}` : `was due ${when}`;
    return {
      warning:
        `Its next run ${due}, so it may already be on the queue: a run handed over less than ` +
        `${LOOKAHEAD_SECONDS} s before its time cannot be called back and may still be delivered.`,
      lines: [...lines, recurring ? 'No run after that one will be delivered.' : 'It has no other runs.'],
    };
  }
  return {
    warning: null,
    lines: [...lines, recurring ? 'None of its runs will be delivered.' : 'Its run will not be delivered.'],
  };
}
