import '@mantine/dates/styles.css';
import { Alert, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  useCreateScheduleMutation,
  useTargetsQuery,
  useTimeZonesQuery,
  useUpdateScheduleMutation,
} from '../../api/schedulerApi';
import { isApiError, type Schedule } from '../../api/types';
import { errorMessage, notifySuccess } from '../../lib/notify';
import { browserTimeZone, canonicalZone, zoneChoices } from '../../lib/time';
import {
  emptyValues,
  needsCron,
  needsRunAt,
  payloadSizeError,
  problemsByField,
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
import { RunTimeFields } from './RunTimeFields';
import { DEFAULT_CHOICE, targetChoices, targetError, targetUrl } from './targetText';
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

// A date or time typed in full is judged at once; a part-typed one when its field is left.
const COMPLETE: Partial<Record<FieldName, RegExp>> = {
  date: /^\s*\d{4}-\d{2}-\d{2}\s*$/,
  time: /^\s*\d{1,2}:\d{2}:\d{2}\s*$/,
};

export function ScheduleForm({ schedule, onDone }: ScheduleFormProps) {
  const [values, setValues] = useState<FormValues>(() =>
    schedule ? valuesFromSchedule(schedule) : emptyValues(browserTimeZone()),
  );
  const [attempted, setAttempted] = useState(false);
  const [left, setLeft] = useState<Set<FieldName>>(() => new Set());
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const [create, creating] = useCreateScheduleMutation();
  const [update, updating] = useUpdateScheduleMutation();
  const { data: acceptedZones } = useTimeZonesQuery();
  const zones = useMemo(() => zoneChoices(acceptedZones, values.timezone), [acceptedZones, values.timezone]);
  const { data: targets } = useTargetsQuery();
  const targetOptions = useMemo(() => targetChoices(targets, values.target), [targets, values.target]);
  const targetQueue = targetUrl(values.target, targets);

  const set = <K extends keyof FormValues>(field: K, value: FormValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setServerErrors(({ [field as FieldName]: _dropped, ...rest }) => rest);
  };
  const leave = (field: FieldName) => setLeft((current) => new Set(current).add(field));

  // The browser's zone, or an old schedule's, may be an alias the API refuses: offer its canonical name.
  useEffect(() => {
    if (acceptedZones)
      setValues((current) => ({ ...current, timezone: canonicalZone(current.timezone, acceptedZones) }));
  }, [acceptedZones]);

  const clientErrors: FormErrors = { ...validate(values) };
  const targetProblem = targetError(values.target, targets);
  if (targetProblem) clientErrors.target = targetProblem;
  const preview = useRunPreview(values);

  const judged = (field: FieldName) =>
    attempted || left.has(field) || (COMPLETE[field]?.test(String(values[field as keyof FormValues])) ?? false);
  const early: FormErrors = {};
  for (const field of ['date', 'time'] as const)
    if (judged(field) && clientErrors[field]) early[field] = clientErrors[field];
  const tooLarge = payloadSizeError(values.payload);
  if (tooLarge) early.payload = tooLarge;

  const shown: FormErrors = {
    ...preview.problems,
    ...(attempted ? clientErrors : early),
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
      // A rejected key signs the user out, which says why; anything else is told here, beside the form.
      if (isApiError(error) && error.kind === 'unauthorized') return;
      setGeneralErrors([`Could not ${schedule ? 'save' : 'create'} the schedule: ${errorMessage(error)}`]);
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
          <RunTimeFields
            values={values}
            dateError={shown.date}
            timeError={shown.time}
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
        <Select
          label="Target"
          description={targetQueue ? `Runs go to ${targetQueue}` : "Where the runs go, among your namespace's targets."}
          data={targetOptions}
          value={values.target ?? DEFAULT_CHOICE}
          onChange={(value) => value && set('target', value === DEFAULT_CHOICE ? null : value)}
          allowDeselect={false}
          error={shown.target}
          data-testid="target-select"
        />
        <PayloadField value={values.payload} onChange={(text) => set('payload', text)} error={shown.payload} />
        <RunPreview {...preview} />
        <div className={classes.actions} data-testid="form-actions">
          {generalErrors.length > 0 && (
            <Alert color="red" icon={<IconAlertCircle />} mb="sm" data-testid="form-errors">
              {generalErrors.map((text) => (
                <div key={text}>{text}</div>
              ))}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onDone(null)}>
              Cancel
            </Button>
            <Button type="submit" loading={creating.isLoading || updating.isLoading} data-testid="save-schedule">
              {schedule ? 'Save changes' : 'Create schedule'}
            </Button>
          </Group>
        </div>
      </Stack>
    </form>
  );
}

export default ScheduleForm;
