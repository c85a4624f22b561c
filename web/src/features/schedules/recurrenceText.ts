import cronstrue from 'cronstrue';
import type { Recurring } from '../../api/types';
import { dayjs } from '../../lib/time';
import { describeDuration } from './intervalText';

export interface RuleParts {
  recurring: Recurring;
  /** The (next or first) run instant, UTC; the rule's wall time is read from it in `timezone`. */
  runAt: string | null;
  timezone: string;
  cron: string | null;
  /** Of an interval rule: its ISO-8601 duration. */
  interval?: string | null;
}

function clock(local: dayjs.Dayjs): string {
  return local.second() === 0 ? local.format('HH:mm') : local.format('HH:mm:ss');
}

/** A cron expression in words, or null when it cannot be read. */
export function describeCron(expression: string): string | null {
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return null;
  }
}

/**
 * The rule of a schedule in words: "daily at 09:00 Europe/Berlin",
 * "weekly on Monday at 09:00 America/New_York", "At 09:00, Monday through Friday (UTC)",
 * "every 15 minutes", "once at 28 Nov 2026 09:00 Europe/Berlin".
 */
export function describeRule({ recurring, runAt, timezone, cron, interval }: RuleParts): string {
  // An interval counts in absolute time, so no zone belongs to it.
  if (recurring === 'INTERVAL') return interval ? `every ${describeDuration(interval)}` : 'at an interval';
  if (recurring === 'CRON') {
    const expression = cron ?? '';
    const words = describeCron(expression);
    return words ? `${words} (${timezone})` : `cron "${expression}" (${timezone})`;
  }
  if (!runAt) {
    return recurring === 'NONE' ? 'once, immediately' : `${recurring.toLowerCase()} (${timezone})`;
  }
  const local = dayjs(runAt).tz(timezone);
  switch (recurring) {
    case 'DAILY':
      return `daily at ${clock(local)} ${timezone}`;
    case 'WEEKLY':
      return `weekly on ${local.format('dddd')} at ${clock(local)} ${timezone}`;
    default:
      return `once at ${local.format('D MMM YYYY')} ${clock(local)} ${timezone}`;
  }
}
