/**
 * Intervals as the API takes them, ISO-8601 durations of weeks, days, hours, minutes and whole
 * seconds from one minute to 366 days, and as the form edits them: an amount of one unit.
 */
export type IntervalUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks';

export const MIN_INTERVAL_SECONDS = 60;
export const MAX_INTERVAL_SECONDS = 366 * 86_400;

const SECONDS: Record<IntervalUnit, number> = {
  seconds: 1,
  minutes: 60,
  hours: 3_600,
  days: 86_400,
  weeks: 604_800,
};
const LARGEST_FIRST: IntervalUnit[] = ['weeks', 'days', 'hours', 'minutes', 'seconds'];
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** The seconds of a duration such as `PT1H30M` or `P7D`; null for what the API would not send. */
export function durationSeconds(duration: string): number | null {
  const match = DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) return null;
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return weeks * 604_800 + days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
}

/** A duration of `amount` units, as the API reads it: `PT15M`, `P2D`, `P1W`. */
export function toDuration(amount: number, unit: IntervalUnit): string {
  switch (unit) {
    case 'weeks':
      return `P${amount}W`;
    case 'days':
      return `P${amount}D`;
    case 'hours':
      return `PT${amount}H`;
    case 'minutes':
      return `PT${amount}M`;
    default:
      return `PT${amount}S`;
  }
}

/** An interval as the form shows it: in the largest unit that counts it whole (`PT1H30M`: 90 minutes). */
export function toAmount(duration: string): { amount: number; unit: IntervalUnit } | null {
  const seconds = durationSeconds(duration);
  if (!seconds) return null;
  const unit = LARGEST_FIRST.find((candidate) => seconds % SECONDS[candidate] === 0) ?? 'seconds';
  return { amount: seconds / SECONDS[unit], unit };
}

/** Why `amount` units cannot be an interval, or undefined when they can. */
export function intervalError(amount: string, unit: IntervalUnit): string | undefined {
  const typed = amount.trim();
  if (!typed) return 'Enter how often it runs';
  if (!/^\d+$/.test(typed) || Number(typed) < 1) return `"${typed}" is not a whole number of ${unit}`;
  const seconds = Number(typed) * SECONDS[unit];
  if (seconds < MIN_INTERVAL_SECONDS) return 'An interval is at least one minute';
  if (seconds > MAX_INTERVAL_SECONDS) return 'An interval is at most 366 days';
  return undefined;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A duration in words, largest part first: `PT1H30M` is "1 hour 30 minutes", `P7D` "1 week". */
export function describeDuration(duration: string): string {
  let left = durationSeconds(duration);
  if (left === null) return duration;
  const parts: string[] = [];
  for (const unit of LARGEST_FIRST) {
    const count = Math.floor(left / SECONDS[unit]);
    if (count) parts.push(plural(count, unit.slice(0, -1)));
    left -= count * SECONDS[unit];
  }
  return parts.join(' ') || '0 seconds';
}
