import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { TimeZoneList } from '../api/types';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(relativeTime);

export { dayjs };

/** The viewer's IANA zone, as the browser reports it. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zones the API accepts, as it lists them; until the list arrives, UTC and `current`. */
export function zoneChoices(accepted: TimeZoneList | undefined, current: string): string[] {
  if (!accepted) return Array.from(new Set(['UTC', current])).sort();
  return [...accepted.names].sort();
}

/**
 * `zone` as the API accepts it: an alias (a browser may report `Asia/Calcutta`, the API takes
 * `Asia/Kolkata`) becomes its canonical name; a name the API does not know becomes UTC.
 */
export function canonicalZone(zone: string, accepted: TimeZoneList): string {
  if (accepted.names.includes(zone)) return zone;
  return accepted.aliases.find((alias) => alias.name === zone)?.canonical ?? 'UTC';
}

/** An instant shown in a zone: "Fri 28 Nov 2026, 09:00:00". */
export function formatInZone(instant: string | number, zone: string): string {
  return dayjs(instant).tz(zone).format('ddd D MMM YYYY, HH:mm:ss');
}

/** An instant as a short axis label in a zone: "28 Nov 09:00". */
export function formatShortInZone(instant: string | number, zone: string): string {
  return dayjs(instant).tz(zone).format('D MMM HH:mm');
}

/**
 * How far `instant` is from `now`, in words that carry their own tense: "in 40 s", "40 s ago",
 * "in 3 minutes", "2 hours ago", "now". Under a minute it counts seconds, since a run that is
 * imminent or just past is what people watch most closely.
 */
export function relativeTo(instant: string, now: Date = new Date()): string {
  const seconds = Math.round(dayjs(instant).diff(now) / 1000);
  if (seconds === 0) return 'now';
  if (Math.abs(seconds) < 60) return seconds > 0 ? `in ${seconds} s` : `${-seconds} s ago`;
  return dayjs(instant).from(now);
}

/** Whether `instant` is later than `now`. */
export function isAfter(instant: string, now: Date): boolean {
  return dayjs(instant).valueOf() > now.getTime();
}

/** The wall-clock parts of an instant in a zone, as the form edits them. */
export function wallTime(instant: string, zone: string): { date: string; time: string } {
  const local = dayjs(instant).tz(zone);
  return { date: local.format('YYYY-MM-DD'), time: local.format('HH:mm:ss') };
}

/** Lateness for people: "120 ms", "2.4 s", "3 min", "5 h", "26 days". */
export function formatLateness(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}
