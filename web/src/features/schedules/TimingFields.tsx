import { Select, TextInput } from '@mantine/core';
import { BoundsFields } from './BoundsFields';
import { ChoiceField } from './ChoiceField';
import type { LifecycleValues } from './formLifecycle';
import {
  needsCron,
  needsInterval,
  needsRunAt,
  type FieldName,
  type FormErrors,
  type FormValues,
  type Repeat,
  type When,
} from './formModel';
import { IntervalField } from './IntervalField';
import { describeCron } from './recurrenceText';
import { RunTimeFields } from './RunTimeFields';
import classes from './ScheduleForm.module.css';

const WHEN_OPTIONS: { value: When; label: string }[] = [
  { value: 'immediate', label: 'Immediate' },
  { value: 'future', label: 'Future' },
  { value: 'recurring', label: 'Recurring' },
];
const REPEAT_OPTIONS: { value: Repeat; label: string }[] = [
  { value: 'DAILY', label: 'Daily' },
  { value: 'WEEKLY', label: 'Weekly' },
  { value: 'INTERVAL', label: 'Interval' },
  { value: 'CRON', label: 'Cron' },
];

interface Props {
  values: FormValues;
  errors: FormErrors;
  zones: string[];
  /** Runs the schedule being edited has delivered towards its maxRuns. */
  counted?: number | null;
  set: <K extends keyof FormValues>(field: K, value: FormValues[K]) => void;
  leave: (field: FieldName) => void;
}

/** When the schedule runs: once now, once later, or by a rule, in a zone, within its bounds. */
export function TimingFields({ values, errors, zones, counted, set, leave }: Props) {
  const cronWords = needsCron(values) && values.cron.trim() ? describeCron(values.cron.trim()) : null;
  return (
    <>
      <ChoiceField
        label="When"
        options={WHEN_OPTIONS}
        value={values.when}
        onChange={(v) => set('when', v)}
        testId="when"
      />
      {values.when === 'recurring' && (
        <ChoiceField
          label="Repeat"
          options={REPEAT_OPTIONS}
          value={values.repeat}
          onChange={(v) => set('repeat', v)}
          error={errors.repeat}
          testId="repeat"
        />
      )}
      {needsInterval(values) && (
        <IntervalField
          every={values.every}
          unit={values.unit}
          error={errors.interval}
          onEvery={(text) => set('every', text)}
          onUnit={(unit) => set('unit', unit)}
        />
      )}
      {needsRunAt(values) && (
        <RunTimeFields
          values={values}
          dateError={errors.date}
          timeError={errors.time}
          onDate={(text) => set('date', text)}
          onTime={(text) => set('time', text)}
          onBlur={leave}
        />
      )}
      {needsCron(values) && (
        <TextInput
          label="Cron expression"
          description={cronWords ?? 'Five fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5'}
          placeholder="0 9 * * 1-5"
          value={values.cron}
          onChange={(event) => set('cron', event.currentTarget.value)}
          error={errors.cron}
          required
          classNames={{ input: classes.code }}
          data-testid="cron-input"
        />
      )}
      {values.when !== 'immediate' && (
        <Select
          label="Time zone"
          description={
            values.when === 'recurring'
              ? needsInterval(values)
                ? 'The zone the first run and the bounds are read in.'
                : 'Runs keep their wall-clock time in this zone across DST changes.'
              : undefined
          }
          data={zones}
          value={values.timezone}
          onChange={(value) => value && set('timezone', value)}
          searchable
          allowDeselect={false}
          nothingFoundMessage="No such zone"
          limit={100}
          error={errors.timezone}
          data-testid="timezone-select"
        />
      )}
      {values.when === 'recurring' && (
        <BoundsFields
          values={values}
          timezone={values.timezone}
          errors={errors}
          counted={counted}
          onChange={<K extends keyof LifecycleValues>(field: K, value: LifecycleValues[K]) =>
            set(field, value as FormValues[K])
          }
          onBlur={leave}
        />
      )}
    </>
  );
}
