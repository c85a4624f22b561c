import { useDebouncedValue } from '@mantine/hooks';
import { skipToken } from '@reduxjs/toolkit/query/react';
import { useMemo } from 'react';
import { usePreviewScheduleQuery } from '../../api/schedulerApi';
import type { ApiError, Preview } from '../../api/types';
import {
  needsCron,
  problemsByField,
  timingErrors,
  toScheduleInput,
  validate,
  type FormErrors,
  type FormValues,
} from './formModel';

const PREVIEW_DELAY_MS = 400;
const PREVIEW_COUNT = 5;

export interface RunPreviewState {
  preview: Preview | undefined;
  error: ApiError | null;
  loading: boolean;
  /** Why there is nothing to preview, or null when there is. */
  idleText: string | null;
  /** An immediate schedule's one run, at the moment it is saved: nothing to ask the API. */
  immediate: boolean;
  /** The API's problems with the timing fields, to show beside them before saving. */
  problems: FormErrors;
}

/** What the form needs before the next runs can be shown. */
function idleReason(values: FormValues): string {
  const errors = timingErrors(validate(values));
  if (needsCron(values)) return 'Enter a cron expression to see the next runs.';
  if (errors.date || errors.time) return 'Pick a date and time to see the next runs.';
  if (errors.interval) return 'Say how often it runs to see the next runs.';
  return 'Correct the fields marked above to see the next runs.';
}

/**
 * The next runs of the definition being edited, asked of the API a moment after the last change.
 * Only the timing is sent: the payload (up to 256 KiB) plays no part in when a schedule runs.
 */
export function useRunPreview(values: FormValues): RunPreviewState {
  const [debounced] = useDebouncedValue(values, PREVIEW_DELAY_MS);
  const input = useMemo(() => {
    if (debounced.when === 'immediate') return null;
    if (Object.keys(timingErrors(validate(debounced))).length) return null;
    // Nor the target, name, description or labels: they play no part in when, and a change
    // to them asks nothing again.
    const {
      target: _target,
      name: _name,
      description: _description,
      labels: _labels,
      ...timing
    } = toScheduleInput(debounced);
    return { ...timing, payload: 'preview' };
  }, [debounced]);
  const query = usePreviewScheduleQuery(input ? { input, count: PREVIEW_COUNT } : skipToken);
  const error = input ? ((query.error as ApiError | undefined) ?? null) : null;

  let idleText: string | null = null;
  if (values.when !== 'immediate' && !input) idleText = idleReason(debounced);

  return {
    preview: input ? query.data : undefined,
    error,
    loading: query.isFetching,
    idleText,
    immediate: values.when === 'immediate',
    problems: error?.kind === 'result' ? timingErrors(problemsByField(error.problems).fields) : {},
  };
}
