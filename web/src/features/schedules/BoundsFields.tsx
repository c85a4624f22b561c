import { Button, Collapse, NativeSelect, Stack, TextInput } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useId, useState } from 'react';
import type { CatchUp } from '../../api/types';
import { DateTimeInputs } from './DateTimeInputs';
import { hasBounds, type LifecycleValues } from './formLifecycle';
import type { FieldName, FormErrors } from './formModel';

const CATCH_UP: { value: CatchUp; label: string }[] = [
  { value: 'LATEST', label: 'Latest: deliver the latest late run, record the others missed' },
  { value: 'ALL', label: 'All: deliver every late run, oldest first' },
  { value: 'NONE', label: 'None: deliver nothing late, record them missed' },
];

type BoundField = 'startDate' | 'startTime' | 'endDate' | 'endTime' | 'maxRuns' | 'catchUp';
const BOUND_FIELDS: BoundField[] = ['startDate', 'startTime', 'endDate', 'endTime', 'maxRuns', 'catchUp'];

interface Props {
  values: LifecycleValues;
  timezone: string;
  errors: FormErrors;
  /** Runs a stored schedule has delivered towards its maxRuns: they still count after a change. */
  counted?: number | null;
  onChange: <K extends BoundField>(field: K, value: LifecycleValues[K]) => void;
  onBlur: (field: FieldName) => void;
}

/**
 * A recurring rule's bounds (no run before the start or after the end, at most so many
 * runs) and what it does with runs the service was late for. Folded away until asked for,
 * or open when any is set.
 */
export function BoundsFields({ values, timezone, errors, counted, onChange, onBlur }: Props) {
  const [open, setOpen] = useState(() => hasBounds(values));
  const region = useId();
  // A problem with a folded field unfolds it, so that it is never hidden.
  const shownOpen = open || BOUND_FIELDS.some((field) => errors[field]);
  const mostRuns = counted ? `${counted} delivered so far count towards it. ` : '';
  return (
    <Stack gap="xs">
      <Button
        variant="subtle"
        size="compact-sm"
        justify="flex-start"
        leftSection={shownOpen ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
        onClick={() => setOpen(!shownOpen)}
        aria-expanded={shownOpen}
        aria-controls={region}
        data-testid="bounds-toggle"
      >
        Start, end, most runs and catch-up
      </Button>
      <Collapse in={shownOpen} id={region}>
        {shownOpen && (
          <Stack gap="sm" data-testid="bounds-fields">
            <DateTimeInputs
              dateLabel="Start date"
              timeLabel="Start time"
              dateDescription={`No run before it (${timezone})`}
              timeDescription="HH:mm:ss; midnight if empty"
              date={values.startDate}
              time={values.startTime}
              dateError={errors.startDate}
              timeError={errors.startTime}
              onDate={(text) => onChange('startDate', text)}
              onTime={(text) => onChange('startTime', text)}
              onBlurDate={() => onBlur('startDate')}
              onBlurTime={() => onBlur('startTime')}
              required={false}
              testIdPrefix="start"
            />
            <DateTimeInputs
              dateLabel="End date"
              timeLabel="End time"
              dateDescription={`No run after it: it completes (${timezone})`}
              timeDescription="HH:mm:ss; midnight if empty"
              date={values.endDate}
              time={values.endTime}
              dateError={errors.endDate}
              timeError={errors.endTime}
              onDate={(text) => onChange('endDate', text)}
              onTime={(text) => onChange('endTime', text)}
              onBlurDate={() => onBlur('endDate')}
              onBlurTime={() => onBlur('endTime')}
              required={false}
              testIdPrefix="end"
            />
            <TextInput
              label="Most runs"
              description={`${mostRuns}It completes once it has delivered this many; "run now" does not count. Empty: no limit.`}
              value={values.maxRuns}
              onChange={(event) => onChange('maxRuns', event.currentTarget.value)}
              onBlur={() => onBlur('maxRuns')}
              inputMode="numeric"
              autoComplete="off"
              error={errors.maxRuns}
              data-testid="max-runs-input"
            />
            <NativeSelect
              label="Catch-up"
              description="What happens to runs that fell due while the service was late (within 24 h)"
              data={CATCH_UP}
              value={values.catchUp}
              onChange={(event) => onChange('catchUp', event.currentTarget.value as CatchUp)}
              error={errors.catchUp}
              data-testid="catch-up-select"
            />
          </Stack>
        )}
      </Collapse>
    </Stack>
  );
}
