import '@mantine/dates/styles.css';
import { Alert, Button, Group, Select, Stack } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  schedulerApi,
  useCreateScheduleMutation,
  useTargetsQuery,
  useTimeZonesQuery,
  useUpdateScheduleMutation,
} from '../../api/schedulerApi';
import { isApiError, isResult, type Schedule, type ScheduleInput } from '../../api/types';
import { useAppDispatch } from '../../app/hooks';
import { newIdempotencyKey } from '../../lib/idempotency';
import { errorMessage, notifySuccess } from '../../lib/notify';
import { browserTimeZone, canonicalZone, zoneChoices } from '../../lib/time';
import { AboutFields, NameField } from './AboutFields';
import {
  emptyValues,
  payloadSizeError,
  problemsByField,
  toScheduleInput,
  validate,
  valuesFromSchedule,
  type FieldName,
  type FormErrors,
  type FormValues,
} from './formModel';
import { PayloadField } from './PayloadField';
import { RunPreview } from './RunPreview';
import { DEFAULT_CHOICE, targetChoices, targetError, targetUrl } from './targetText';
import { TimingFields } from './TimingFields';
import { useRunPreview } from './useRunPreview';
import classes from './ScheduleForm.module.css';

export interface ScheduleFormProps {
  /** The schedule to edit; a new one is created when absent. */
  schedule?: Schedule;
  onDone: (saved: Schedule | null) => void;
}

// A date or time typed in full is judged at once; a part-typed one when its field is left.
const DATE = /^\s*\d{4}-\d{2}-\d{2}\s*$/;
const TIME = /^\s*\d{1,2}:\d{2}:\d{2}\s*$/;
const COMPLETE: Partial<Record<FieldName, RegExp>> = {
  date: DATE,
  time: TIME,
  startDate: DATE,
  startTime: TIME,
  endDate: DATE,
  endTime: TIME,
};
const JUDGED_EARLY = Object.keys(COMPLETE).concat('maxRuns') as FieldName[];

// While the first request with a key is still delivering a run due at once, the API asks the
// second to retry shortly (idempotency_key_in_use): the form does, a second apart.
const IN_USE_RETRIES = 5;
const IN_USE_WAIT_MS = 1000;

const KEY_REUSED =
  'An earlier try of this form created the schedule already, with the values it had then; it is in the list. ' +
  'Close the form and open that schedule to change it.';

export function ScheduleForm({ schedule, onDone }: ScheduleFormProps) {
  const dispatch = useAppDispatch();
  const [values, setValues] = useState<FormValues>(() =>
    schedule ? valuesFromSchedule(schedule) : emptyValues(browserTimeZone()),
  );
  // One key for every Save of this form: a retried click never creates a second schedule.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [attempted, setAttempted] = useState(false);
  const [left, setLeft] = useState<Set<FieldName>>(() => new Set());
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const [create, creating] = useCreateScheduleMutation();
  const [update, updating] = useUpdateScheduleMutation();
  const [retrying, setRetrying] = useState(false);
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
  for (const field of JUDGED_EARLY) if (judged(field) && clientErrors[field]) early[field] = clientErrors[field];
  // Labels and the interval are judged as they are entered: a pill or a number is whole at once.
  for (const field of ['labels', 'interval'] as const) if (clientErrors[field]) early[field] = clientErrors[field];
  const tooLarge = payloadSizeError(values.payload);
  if (tooLarge) early.payload = tooLarge;

  const shown: FormErrors = {
    ...preview.problems,
    ...(attempted ? clientErrors : early),
    ...serverErrors,
  };

  const createOnce = async (input: ScheduleInput): Promise<Schedule> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await create({ input, idempotencyKey }).unwrap();
      } catch (error) {
        if (attempt >= IN_USE_RETRIES || !isResult(error, 'IdempotencyError', 'idempotency_key_in_use')) throw error;
        setRetrying(true);
        await new Promise((resolve) => window.setTimeout(resolve, IN_USE_WAIT_MS));
      } finally {
        setRetrying(false);
      }
    }
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
        : await createOnce(input);
      notifySuccess(schedule ? 'Schedule saved' : 'Schedule created');
      onDone(saved);
    } catch (error) {
      if (isResult(error, 'ValidationError') && isApiError(error) && error.kind === 'result') {
        const { fields, general } = problemsByField(error.problems);
        setServerErrors(fields);
        setGeneralErrors(general);
        return;
      }
      if (isResult(error, 'VersionConflictError')) {
        setGeneralErrors(['Someone else changed this schedule since you opened it. Close the form and open it again.']);
        return;
      }
      if (isResult(error, 'IdempotencyError', 'idempotency_key_reused')) {
        dispatch(schedulerApi.util.invalidateTags([{ type: 'Schedule', id: 'LIST' }]));
        setGeneralErrors([KEY_REUSED]);
        return;
      }
      // A rejected key signs the user out, which says why; anything else is told here, beside the form.
      if (isApiError(error) && error.kind === 'unauthorized') return;
      setGeneralErrors([`Could not ${schedule ? 'save' : 'create'} the schedule: ${errorMessage(error)}`]);
    }
  };

  const counted =
    schedule?.maxRuns != null && schedule.remainingRuns != null ? schedule.maxRuns - schedule.remainingRuns : null;
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={schedule ? 'Edit schedule' : 'New schedule'}
      data-testid="schedule-form"
    >
      <Stack gap="md">
        <NameField name={values.name} error={shown.name} onName={(text) => set('name', text)} />
        <TimingFields values={values} errors={shown} zones={zones} counted={counted} set={set} leave={leave} />
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
        <AboutFields
          description={values.description}
          labels={values.labels}
          errors={shown}
          onDescription={(text) => set('description', text)}
          onLabels={(texts) => set('labels', texts)}
        />
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
            <Button
              type="submit"
              loading={creating.isLoading || updating.isLoading || retrying}
              data-testid="save-schedule"
            >
              {schedule ? 'Save changes' : 'Create schedule'}
            </Button>
          </Group>
        </div>
      </Stack>
    </form>
  );
}

export default ScheduleForm;
