import '@mantine/dates/styles.css';
import { Alert, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { DateInput, TimeInput } from '@mantine/dates';
import { IconAlertCircle } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useCreateScheduleMutation, useTimeZonesQuery, useUpdateScheduleMutation } from '../../api/schedulerApi';
import { isApiError, type Schedule } from '../../api/types';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { browserTimeZone, canonicalZone, dayjs, zoneChoices } from '../../lib/time';
import {
  emptyValues,
  needsCron,
  needsRunAt,
  normaliseTime,
  payloadSizeError,
  problemsByField,
  repeatHint,
  toScheduleInput,
  validate,
  valuesFromSchedule,
  type FieldName,
  type FormErrors,
  type FormValues,
  type Repeat,
  type When,
} from './formModel';
import { describeCron } from './recurrenceText';
import { ChoiceField } from './ChoiceField';
import { PayloadField } from './PayloadField';
import { RunPreview } from './RunPreview';
import { useRunPreview } from './useRunPreview';
import classes from './ScheduleForm.module.css';

export interface ScheduleFormProps {
  /** The schedule to edit; a new one is created when absent. */
  schedule?: Schedule;
  onDone: (saved: Schedule | null) => void;
}

const WHEN_OPTIONS: { value: When; label: string }[] = [
  { value: 'immediate', label: 'Immediate' },
  { value: 'future', label: 'Future' },
  { value: 'recurring', label: 'Recurring' },
];
const REPEAT_OPTIONS: { value: Repeat; label: string }[] = [
  { value: 'DAILY', label: 'Daily' },
  { value: 'WEEKLY', label: 'Weekly' },
  { value: 'CRON', label: 'Cron' },
];

const parseIsoDate = (text: string): string | null => {
  const value = text.trim();
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && dayjs(value).isValid() ? value : null;
};

export function ScheduleForm({ schedule, onDone }: ScheduleFormProps) {
  const [values, setValues] = useState<FormValues>(() =>
    schedule ? valuesFromSchedule(schedule) : emptyValues(browserTimeZone()),
  );
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const [create, creating] = useCreateScheduleMutation();
  const [update, updating] = useUpdateScheduleMutation();
  const { data: acceptedZones } = useTimeZonesQuery();
  const zones = useMemo(() => zoneChoices(acceptedZones, values.timezone), [acceptedZones, values.timezone]);

  const set = <K extends keyof FormValues>(field: K, value: FormValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setServerErrors(({ [field as FieldName]: _dropped, ...rest }) => rest);
  };

  // The browser's zone, or an old schedule's, may be an alias the API refuses: offer its canonical name.
  useEffect(() => {
    if (acceptedZones)
      setValues((current) => ({ ...current, timezone: canonicalZone(current.timezone, acceptedZones) }));
  }, [acceptedZones]);

  const clientErrors = validate(values);
  const tooLarge = payloadSizeError(values.payload);

  const preview = useRunPreview(values);

  const shown: FormErrors = {
    ...preview.problems,
    ...(attempted ? clientErrors : tooLarge ? { payload: tooLarge } : {}),
    ...serverErrors,
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    setGeneralErrors([]);
    if (Object.keys(clientErrors).length) return;
    const input = toScheduleInput(values);
    try {
      const saved = schedule
        ? await update({ jobId: schedule.jobId, input, expectedVersion: schedule.version }).unwrap()
        : await create(input).unwrap();
      notifySuccess(schedule ? 'Schedule saved' : 'Schedule created');
      onDone(saved);
    } catch (error) {
      if (isApiError(error) && error.kind === 'result' && error.typename === 'ValidationError') {
        const { fields, general } = problemsByField(error.problems);
        setServerErrors(fields);
        setGeneralErrors(general);
        return;
      }
      if (isApiError(error) && error.kind === 'result' && error.typename === 'VersionConflictError') {
        setGeneralErrors(['Someone else changed this schedule since you opened it. Close the form and open it again.']);
        return;
      }
      notifyFailure(schedule ? 'save the schedule' : 'create the schedule', error);
    }
  };

  const cronWords = needsCron(values) && values.cron.trim() ? describeCron(values.cron.trim()) : null;
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={schedule ? 'Edit schedule' : 'New schedule'}
      data-testid="schedule-form"
    >
      <Stack gap="md">
        {generalErrors.length > 0 && (
          <Alert color="red" icon={<IconAlertCircle />} data-testid="form-errors">
            {generalErrors.map((text) => (
              <div key={text}>{text}</div>
            ))}
          </Alert>
        )}
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
            error={shown.repeat}
            testId="repeat"
          />
        )}
        {needsRunAt(values) && (
          <Group grow align="flex-start">
            <DateInput
              label={values.when === 'recurring' ? 'First run date' : 'Date'}
              description={repeatHint(values)}
              placeholder="YYYY-MM-DD"
              valueFormat="YYYY-MM-DD"
              dateParser={parseIsoDate}
              value={values.date || null}
              onChange={(value) => set('date', value ?? '')}
              error={shown.date}
              required
              data-testid="date-input"
            />
            <TimeInput
              label="Time"
              withSeconds
              value={values.time}
              onChange={(event) => set('time', normaliseTime(event.currentTarget.value))}
              error={shown.time}
              required
              data-testid="time-input"
            />
          </Group>
        )}
        {needsCron(values) && (
          <TextInput
            label="Cron expression"
            description={cronWords ?? 'Five fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5'}
            placeholder="0 9 * * 1-5"
            value={values.cron}
            onChange={(event) => set('cron', event.currentTarget.value)}
            error={shown.cron}
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
                ? 'Runs keep their wall-clock time in this zone across DST changes.'
                : undefined
            }
            data={zones}
            value={values.timezone}
            onChange={(value) => value && set('timezone', value)}
            searchable
            allowDeselect={false}
            nothingFoundMessage="No such zone"
            limit={100}
            error={shown.timezone}
            data-testid="timezone-select"
          />
        )}
        <PayloadField value={values.payload} onChange={(text) => set('payload', text)} error={shown.payload} />
        <RunPreview {...preview} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onDone(null)}>
            Cancel
          </Button>
          <Button type="submit" loading={creating.isLoading || updating.isLoading} data-testid="save-schedule">
            {schedule ? 'Save changes' : 'Create schedule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default ScheduleForm;
