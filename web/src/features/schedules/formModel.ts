import type { Problem, Recurring, Schedule, ScheduleInput } from '../../api/types';
import { formatByteCount, MAX_PAYLOAD_BYTES, utf8Length } from '../../lib/payload';
import { dayjs, wallTime } from '../../lib/time';
import { placeProblems } from '../../lib/problems';
import { parseDate, parseTime } from './clockFields';
import {
  lifecycleErrors,
  lifecycleInput,
  lifecycleValues,
  NO_LIFECYCLE,
  type LifecycleField,
  type LifecycleValues,
} from './formLifecycle';
import { describeDuration } from './intervalText';

export type When = 'immediate' | 'future' | 'recurring';
export type Repeat = 'DAILY' | 'WEEKLY' | 'CRON' | 'INTERVAL';

/** What the form edits: wall-clock dates and times in `timezone`, never an instant. */
export interface FormValues extends LifecycleValues {
  when: When;
  repeat: Repeat;
  date: string; // YYYY-MM-DD once valid; as typed until then
  time: string; // HH:mm:ss on the 24-hour clock once valid; as typed until then
  timezone: string;
  cron: string;
  payload: string;
  target: string | null; // null: the namespace's default target
}

export type FieldName =
  'when' | 'repeat' | 'date' | 'time' | 'timezone' | 'cron' | 'payload' | 'target' | LifecycleField;
export type FormErrors = Partial<Record<FieldName, string>>;

export function emptyValues(timezone: string): FormValues {
  return {
    when: 'future',
    repeat: 'DAILY',
    date: '',
    time: '',
    timezone,
    cron: '',
    payload: '',
    target: null,
    ...NO_LIFECYCLE,
  };
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
    target: schedule.target,
    ...lifecycleValues(schedule),
  };
}

/** Whether the form asks for a date and time (everything but "immediate" and cron rules; an interval's is its phase). */
export function needsRunAt(values: Pick<FormValues, 'when' | 'repeat'>): boolean {
  return values.when === 'future' || (values.when === 'recurring' && values.repeat !== 'CRON');
}

export function needsCron(values: Pick<FormValues, 'when' | 'repeat'>): boolean {
  return values.when === 'recurring' && values.repeat === 'CRON';
}

export function needsInterval(values: Pick<FormValues, 'when' | 'repeat'>): boolean {
  return values.when === 'recurring' && values.repeat === 'INTERVAL';
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
    const date = parseDate(values.date).error;
    if (date) errors.date = date;
    const time = parseTime(values.time).error;
    if (time) errors.time = time;
  }
  if (needsCron(values) && values.cron.trim() === '') {
    errors.cron = 'A cron expression is required for a cron schedule';
  }
  if (values.when !== 'immediate' && !values.timezone) errors.timezone = 'Pick a time zone';
  return { ...errors, ...lifecycleErrors(values, values.when === 'recurring', needsInterval(values)) };
}

/**
 * The API input for the form's values. The run time is sent as local wall time WITHOUT an
 * offset, with the chosen zone: the API reads it in that zone, so DST is its business.
 */
export function toScheduleInput(values: FormValues): ScheduleInput {
  const recurring: Recurring = values.when === 'recurring' ? values.repeat : 'NONE';
  const input: ScheduleInput = { payload: values.payload, recurring, timezone: values.timezone, target: values.target };
  if (values.when === 'immediate') input.immediate = true;
  if (needsRunAt(values)) input.runAt = `${values.date.trim()}T${parseTime(values.time).value ?? values.time}`;
  if (needsCron(values)) input.cron = values.cron.trim();
  return { ...input, ...lifecycleInput(values, values.when === 'recurring', needsInterval(values)) };
}

const FIELD_OF_PROBLEM: Record<string, FieldName> = {
  payload: 'payload',
  runAt: 'date',
  minute: 'date',
  timezone: 'timezone',
  cron: 'cron',
  recurring: 'repeat',
  immediate: 'when',
  target: 'target',
  name: 'name',
  description: 'description',
  labels: 'labels',
  interval: 'interval',
  startAt: 'startDate',
  endAt: 'endDate',
  maxRuns: 'maxRuns',
  catchUp: 'catchUp',
};

/** The API's validation problems, placed beside the fields they name; the rest stay general. */
export function problemsByField(problems: Problem[]): { fields: FormErrors; general: string[] } {
  // A problem of one label names it: `labels.team`.
  return placeProblems(problems, FIELD_OF_PROBLEM);
}

const TIMING_FIELDS: FieldName[] = [
  'date',
  'time',
  'timezone',
  'cron',
  'repeat',
  'interval',
  'startDate',
  'startTime',
  'endDate',
  'endTime',
  'maxRuns',
  'catchUp',
];

/** The errors about when a schedule runs (what a preview depends on), without the payload's. */
export function timingErrors(errors: FormErrors): FormErrors {
  return Object.fromEntries(Object.entries(errors).filter(([field]) => TIMING_FIELDS.includes(field as FieldName)));
}

/**
 * What a daily, weekly or interval rule will do, from its first run's wall time:
 * "Every Monday at 09:00:00", "Every 15 minutes from then".
 */
export function repeatHint(values: FormValues): string | undefined {
  const time = parseTime(values.time).value;
  if (values.when !== 'recurring' || parseDate(values.date).error || !time) return undefined;
  if (values.repeat === 'DAILY') return `Every day at ${time}`;
  if (values.repeat === 'WEEKLY') return `Every ${dayjs(values.date).format('dddd')} at ${time}`;
  if (values.repeat === 'INTERVAL') {
    const { interval } = lifecycleInput(values, true, true);
    return interval && !lifecycleErrors(values, true, true).interval
      ? `Every ${describeDuration(interval)} from then`
      : undefined;
  }
  return undefined;
}

/**
 * Whether the first run the form asks for is at or before `now`: the API then delivers it
 * at once (a one-time schedule's run, or a daily or weekly rule's latest run so far).
 */
export function startsInThePast(values: FormValues, now: Date): boolean {
  if (!needsRunAt(values) || !values.timezone) return false;
  const date = parseDate(values.date).value;
  const time = parseTime(values.time).value;
  if (!date || !time) return false;
  try {
    return dayjs.tz(`${date}T${time}`, values.timezone).valueOf() <= now.getTime();
  } catch {
    return false; // a zone this browser does not know: the API judges it
  }
}
