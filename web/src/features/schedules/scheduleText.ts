import type { Run, Schedule } from '../../api/types';
import { formatLateness, isAfter, relativeTo } from '../../lib/time';

const TITLE_CHARS = 80;

/**
 * What names a schedule in lists and dialogs: its name, or else the first line of its payload
 * that has text, with runs of white space folded into one.
 */
export function scheduleTitle(schedule: Pick<Schedule, 'payload'> & { name?: string | null }): string {
  if (schedule.name) return schedule.name;
  return payloadLine(schedule.payload);
}

/** The first line of a payload that has text, folded and cut to a title's length. */
export function payloadLine(payload: string): string {
  const line = payload
    .split(/\r?\n/)
    .map((text) => text.replace(/\s+/g, ' ').trim())
    .find((text) => text.length > 0);
  if (!line) return '(white space only)';
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS)}…` : line;
}

/**
 * A run's status as it stands at `now`. The API records a run as delivered once SQS holds it,
 * which is up to the dispatcher's lookahead (about a minute) before it is due; until its time
 * the message waits on the queue, so it is shown as queued.
 */
export function runStatusAt(run: Pick<Run, 'status' | 'scheduledFor'>, now: Date): string {
  if (run.status === 'DELIVERED' && isAfter(run.scheduledFor, now)) return 'QUEUED';
  return run.status;
}

/** When a run was or is due, in the tense its time calls for: "2 minutes ago", "due in 40 s". */
export function runWhen(run: Pick<Run, 'scheduledFor'>, now: Date): string {
  const when = relativeTo(run.scheduledFor, now);
  if (isAfter(run.scheduledFor, now)) return `due ${when}`;
  return when === 'now' ? 'just now' : when;
}

/** A run in words: "delivered 2 minutes ago", "queued, due in 40 s", "missed 3 hours ago". */
export function describeRun(run: Pick<Run, 'status' | 'scheduledFor'>, now: Date): string {
  const status = runStatusAt(run, now).toLowerCase();
  const when = runWhen(run, now);
  return when.startsWith('due') ? `${status}, ${when}` : `${status} ${when}`;
}

/** When the next run comes, in words; null when there is none. */
export function describeNextRun(schedule: Pick<Schedule, 'state' | 'runAt'>, now: Date): string | null {
  if (schedule.state === 'COMPLETED' || !schedule.runAt) return null;
  if (schedule.state === 'PAUSED') return 'paused';
  return `due ${relativeTo(schedule.runAt, now)}`;
}

/**
 * What a run's line says beside its status: its trigger, then how late it was (delivered),
 * its attempts and why (failed, or queued for another attempt), or why it was canceled.
 */
export function runNote(run: Run, status: string, now: Date): string {
  const parts = [run.trigger.toLowerCase()];
  if (status === 'DELIVERED' && run.latenessMs !== null) parts.push(`late ${formatLateness(run.latenessMs)}`);
  if (run.attempts != null && (run.attempts > 1 || (run.attempts === 1 && status === 'FAILED')))
    parts.push(`${run.attempts} ${run.attempts === 1 ? 'attempt' : 'attempts'}`);
  if (status === 'QUEUED' && run.nextAttemptAt) parts.push(`next attempt ${relativeTo(run.nextAttemptAt, now)}`);
  const why = run.reason ?? run.lastError;
  if (why && status !== 'DELIVERED') parts.push(why);
  return parts.join(' · ');
}
