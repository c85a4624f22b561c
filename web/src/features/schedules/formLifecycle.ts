import type { CatchUp, Schedule, ScheduleInput } from '../../api/types';
import { wallTime } from '../../lib/time';
import { parseDate, parseTime } from './clockFields';
import { intervalError, toAmount, toDuration, type IntervalUnit } from './intervalText';
import { formatLabel, parseLabels } from './labelText';

/**
 * The form's fields beyond when and what: what people call the schedule (name, description,
 * labels), and a recurring rule's interval, bounds (start, end, most runs) and catch-up policy.
 * As typed, so that nothing typed is lost while it cannot be read yet.
 */
export interface LifecycleValues {
  name: string;
  description: string;
  /** `key=value`, as typed. */
  labels: string[];
  /** An interval rule's period: a whole number of `unit`. */
  every: string;
  unit: IntervalUnit;
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  maxRuns: string;
  catchUp: CatchUp;
}

export type LifecycleField =
  | 'name'
  | 'description'
  | 'labels'
  | 'interval'
  | 'startDate'
  | 'startTime'
  | 'endDate'
  | 'endTime'
  | 'maxRuns'
  | 'catchUp';
type Errors = Partial<Record<LifecycleField, string>>;

// The API's bound (service/domain/lifecycle.py, MAX_RUNS).
const MAX_RUNS = 1_000_000_000;

export const NO_LIFECYCLE: LifecycleValues = {
  name: '',
  description: '',
  labels: [],
  every: '15',
  unit: 'minutes',
  startDate: '',
  startTime: '',
  endDate: '',
  endTime: '',
  maxRuns: '',
  catchUp: 'LATEST',
};

/** The lifecycle fields of a stored schedule, its instants read in its own zone. */
export function lifecycleValues(schedule: Schedule): LifecycleValues {
  const start = schedule.startAt ? wallTime(schedule.startAt, schedule.timezone) : { date: '', time: '' };
  const end = schedule.endAt ? wallTime(schedule.endAt, schedule.timezone) : { date: '', time: '' };
  const interval = schedule.interval ? toAmount(schedule.interval) : null;
  return {
    name: schedule.name ?? '',
    description: schedule.description ?? '',
    labels: schedule.labels.map(formatLabel),
    every: interval ? String(interval.amount) : NO_LIFECYCLE.every,
    unit: interval?.unit ?? NO_LIFECYCLE.unit,
    startDate: start.date,
    startTime: start.time,
    endDate: end.date,
    endTime: end.time,
    maxRuns: schedule.maxRuns === null ? '' : String(schedule.maxRuns),
    catchUp: schedule.catchUp,
  };
}

/** A bound's wall time, `YYYY-MM-DDTHH:mm:ss`; midnight when only the date is given. */
function boundAt(date: string, time: string): string | undefined {
  const day = parseDate(date).value;
  const clock = time.trim() ? parseTime(time).value : '00:00:00';
  return day && clock ? `${day}T${clock}` : undefined;
}

function boundErrors(values: LifecycleValues, which: 'start' | 'end'): Errors {
  const [date, time] = which === 'start' ? [values.startDate, values.startTime] : [values.endDate, values.endTime];
  const errors: Errors = {};
  if (!date.trim() && !time.trim()) return errors;
  const dateError = parseDate(date).error;
  if (dateError) errors[`${which}Date`] = dateError;
  const timeError = time.trim() ? parseTime(time).error : undefined;
  if (timeError) errors[`${which}Time`] = timeError;
  return errors;
}

/**
 * What the browser can tell is wrong with these fields. `recurring`: whether the rule repeats
 * (bounds and catch-up belong to recurring rules only); `interval`: whether it is an interval rule.
 */
export function lifecycleErrors(values: LifecycleValues, recurring: boolean, interval: boolean): Errors {
  const errors: Errors = {};
  const labels = parseLabels(values.labels).error;
  if (labels) errors.labels = labels;
  if (interval) {
    const problem = intervalError(values.every, values.unit);
    if (problem) errors.interval = problem;
  }
  if (!recurring) return errors;
  Object.assign(errors, boundErrors(values, 'start'), boundErrors(values, 'end'));
  const start = boundAt(values.startDate, values.startTime);
  const end = boundAt(values.endDate, values.endTime);
  // Both are wall times in the same zone, so their text orders them.
  if (start && end && end <= start) errors.endDate = 'The end must be after the start';
  const most = values.maxRuns.trim();
  if (most && !(/^\d+$/.test(most) && Number(most) >= 1 && Number(most) <= MAX_RUNS))
    errors.maxRuns = `"${most}" is not a number of runs: a whole number from 1 to ${MAX_RUNS.toLocaleString('en')}`;
  return errors;
}

/** The input's lifecycle fields; what is empty or the default is left out (the API's default). */
export function lifecycleInput(values: LifecycleValues, recurring: boolean, interval: boolean): Partial<ScheduleInput> {
  const input: Partial<ScheduleInput> = {};
  const name = values.name.trim();
  if (name) input.name = name;
  if (values.description.trim()) input.description = values.description;
  const { labels } = parseLabels(values.labels);
  if (labels.length) input.labels = labels;
  if (interval) input.interval = toDuration(Number(values.every.trim()), values.unit);
  if (!recurring) return input;
  const start = boundAt(values.startDate, values.startTime);
  if (start) input.startAt = start;
  const end = boundAt(values.endDate, values.endTime);
  if (end) input.endAt = end;
  if (values.maxRuns.trim()) input.maxRuns = Number(values.maxRuns.trim());
  if (values.catchUp !== 'LATEST') input.catchUp = values.catchUp;
  return input;
}

/** Whether any bound or a catch-up other than the default is set: the form then shows them open. */
export function hasBounds(values: LifecycleValues): boolean {
  return Boolean(
    values.startDate ||
    values.startTime ||
    values.endDate ||
    values.endTime ||
    values.maxRuns.trim() ||
    values.catchUp !== 'LATEST',
  );
}
