import { dayjs } from '../../lib/time';

/** A field's text read as a value, or the reason it cannot be one. */
export type Parsed = { value: string; error?: undefined } | { value?: undefined; error: string };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * A time of day on the 24-hour clock, as typed: "9:05", "09:05" or "09:05:30" becomes
 * "09:05:00" or "09:05:30". Anything else is refused with what is wrong, never dropped.
 */
export function parseTime(text: string): Parsed {
  const typed = text.trim();
  if (!typed) return { error: 'Enter a time' };
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(typed);
  if (!match) return { error: `"${typed}" is not a time: write it as HH:mm:ss on the 24-hour clock, e.g. 14:30:00` };
  const [hours, minutes, seconds = '00'] = match.slice(1);
  if (Number(hours) > 23) return { error: `${typed} is not a time of day: hours run from 00 to 23` };
  if (Number(minutes) > 59) return { error: `${typed} is not a time of day: minutes run from 00 to 59` };
  if (Number(seconds) > 59) return { error: `${typed} is not a time of day: seconds run from 00 to 59` };
  return { value: `${hours.padStart(2, '0')}:${minutes}:${seconds}` };
}

/** A calendar date as typed or picked, YYYY-MM-DD; a day the month does not have is refused. */
export function parseDate(text: string): Parsed {
  const typed = text.trim();
  if (!typed) return { error: 'Pick a date' };
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typed);
  if (!match) return { error: `"${typed}" is not a date: write it as YYYY-MM-DD, e.g. 2030-01-31` };
  const [year, month, day] = match.slice(1).map(Number);
  if (month < 1 || month > 12) return { error: `${typed} is not a date: months run from 01 to 12` };
  const days = dayjs(`${match[1]}-${match[2]}-01`).daysInMonth();
  if (day < 1 || day > days) return { error: `${typed} is not a date: ${MONTHS[month - 1]} ${year} has ${days} days` };
  return { value: typed };
}
