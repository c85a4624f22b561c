import type { Problem, Recurring, Schedule, ScheduleInput } from '../../api/types';
import { formatByteCount, MAX_PAYLOAD_BYTES, utf8Length } from '../../lib/payload';
import { dayjs, wallTime } from '../../lib/time';

export type When = 'immediate' | 'future' | 'recurring';
export type Repeat = 'DAILY' | 'WEEKLY' | 'CRON';

/** What the form edits: wall-clock date and time in `timezone`, never an instant. */
export interface FormValues {
  when: When;
  repeat: Repeat;
  date: string; // YYYY-MM-DD
  time: string; // HH:mm:ss
  timezone: string;
  cron: string;
  payload: string;
}

export type FieldName = 'when' | 'repeat' | 'date' | 'time' | 'timezone' | 'cron' | 'payload';
export type FormErrors = Partial<Record<FieldName, string>>;

export function emptyValues(timezone: string): FormValues {
  return { when: 'future', repeat: 'DAILY', date: '', time: '', timezone, cron: '', payload: '' };
}

/** The form's values for an existing schedule, read in the schedule's own zone. */
export function valuesFromSchedule(schedule: Schedule): FormValues {
  const at = schedule.runAt ? wallTime(schedule.runAt, schedule.timezone) : { date: '', time: '' };
  const recurring = schedule.recurring !== 'NONE';
  return {
    when: recurring ? 'recurring' : 'future',
    repeat: recurring ? (schedule.recurring as Repeat) : 'DAILY',
    date: at.date,
    time: at.time,
    timezone: schedule.timezone,
    cron: schedule.cron ?? '',
    payload: schedule.payload,
  };
}

/** Whether the form asks for a date and time (everything but "immediate" and cron rules). */
export function needsRunAt(values: Pick<FormValues, 'when' | 'repeat'>): boolean {
  return values.when === 'future' || (values.when === 'recurring' && values.repeat !== 'CRON');
}

export function needsCron(values: Pick<FormValues, 'when' | 'repeat'>): boolean {
  return values.when === 'recurring' && values.repeat === 'CRON';
}

/** "09:00" from a native time input becomes "09:00:00". */
export function normaliseTime(time: string): string {
  return /^\d{2}:\d{2}$/.test(time) ? `${time}:00` : time;
}

export function payloadSizeError(payload: string): string | undefined {
  const bytes = utf8Length(payload);
  if (bytes > MAX_PAYLOAD_BYTES) {
    return `Payload is ${formatByteCount(bytes)} in UTF-8; the limit is ${formatByteCount(MAX_PAYLOAD_BYTES)} (256 KiB, SQS's message size)`;
  }
  return undefined;
}

/** The rules the browser can check before asking the API. */
export function validate(values: FormValues): FormErrors {
  const errors: FormErrors = {};
  if (values.payload.length === 0) errors.payload = 'Payload is required';
  else {
    const tooLarge = payloadSizeError(values.payload);
    if (tooLarge) errors.payload = tooLarge;
  }
  if (needsRunAt(values)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date)) errors.date = 'Pick a date';
    if (!/^\d{2}:\d{2}(:\d{2})?$/.test(values.time)) errors.time = 'Pick a time';
  }
  if (needsCron(values) && values.cron.trim() === '') {
    errors.cron = 'A cron expression is required for a cron schedule';
  }
  if (values.when !== 'immediate' && !values.timezone) errors.timezone = 'Pick a time zone';
  return errors;
}

/**
 * The API input for the form's values. The run time is sent as local wall time WITHOUT an
 * offset, with the chosen zone: the API reads it in that zone, so DST is its business.
 */
export function toScheduleInput(values: FormValues): ScheduleInput {
  const recurring: Recurring = values.when === 'recurring' ? values.repeat : 'NONE';
  const input: ScheduleInput = { payload: values.payload, recurring, timezone: values.timezone };
  if (values.when === 'immediate') input.immediate = true;
  if (needsRunAt(values)) input.runAt = `${values.date}T${normaliseTime(values.time)}`;
  if (needsCron(values)) input.cron = values.cron.trim();
  return input;
}

const FIELD_OF_PROBLEM: Record<string, FieldName> = {
  payload: 'payload',
  runAt: 'date',
  minute: 'date',
  timezone: 'timezone',
  cron: 'cron',
  recurring: 'repeat',
  immediate: 'when',
};

/** The API's validation problems, placed beside the fields they name; the rest stay general. */
export function problemsByField(problems: Problem[]): { fields: FormErrors; general: string[] } {
  const fields: FormErrors = {};
  const general: string[] = [];
  for (const { field, message } of problems) {
    const name = FIELD_OF_PROBLEM[field];
    const text = `${field} ${message}`;
    if (!name) general.push(text);
    else fields[name] = fields[name] ? `${fields[name]}; ${text}` : text;
  }
  return { fields, general };
}

const TIMING_FIELDS: FieldName[] = ['date', 'time', 'timezone', 'cron', 'repeat'];

/** The errors about when a schedule runs (what a preview depends on), without the payload's. */
export function timingErrors(errors: FormErrors): FormErrors {
  return Object.fromEntries(Object.entries(errors).filter(([field]) => TIMING_FIELDS.includes(field as FieldName)));
}

/** What a daily or weekly rule will do, from its first run's wall time: "Every Monday at 09:00:00". */
export function repeatHint(values: FormValues): string | undefined {
  if (values.when !== 'recurring' || !/^\d{4}-\d{2}-\d{2}$/.test(values.date) || !values.time) return undefined;
  const time = normaliseTime(values.time);
  if (values.repeat === 'DAILY') return `Every day at ${time}`;
  if (values.repeat === 'WEEKLY') return `Every ${dayjs(values.date).format('dddd')} at ${time}`;
  return undefined;
}
