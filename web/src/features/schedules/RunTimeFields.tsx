import { Alert, Group, Stack, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { IconAlertTriangle, IconClock } from '@tabler/icons-react';
import { useNow } from '../../lib/useNow';
import { parseDate } from './clockFields';
import { repeatHint, startsInThePast, type FormValues } from './formModel';

interface Props {
  values: FormValues;
  dateError?: string;
  timeError?: string;
  onDate: (text: string) => void;
  onTime: (text: string) => void;
  onBlur: (field: 'date' | 'time') => void;
}

const strictDate = (text: string): string | null => parseDate(text).value ?? null;

function PastWarning({ values }: { values: FormValues }) {
  const now = useNow();
  if (!startsInThePast(values, now)) return null;
  const text =
    values.when === 'future'
      ? 'This time has passed: the payload is delivered as soon as you save.'
      : 'The first run is in the past: the latest run of the rule so far is delivered as soon as you save, and the rule goes on from there.';
  return (
    <Alert color="yellow" variant="light" icon={<IconAlertTriangle />} data-testid="past-warning">
      {text}
    </Alert>
  );
}

/**
 * The first (or only) run's date and wall-clock time. Both keep what was typed: a date or time
 * that cannot be is refused with a reason, never swapped for the last good one.
 */
export function RunTimeFields({ values, dateError, timeError, onDate, onTime, onBlur }: Props) {
  return (
    <Stack gap="xs">
      <Group grow align="flex-start" wrap="wrap">
        <DateInput
          label={values.when === 'recurring' ? 'First run date' : 'Date'}
          description={repeatHint(values) ?? 'YYYY-MM-DD'}
          placeholder="YYYY-MM-DD"
          valueFormat="YYYY-MM-DD"
          dateParser={strictDate}
          fixOnBlur={false}
          value={strictDate(values.date)}
          onChange={(value) => onDate(value ?? '')}
          onInput={(event) => onDate(event.currentTarget.value)}
          onBlur={() => onBlur('date')}
          error={dateError}
          required
          miw={160}
          data-testid="date-input"
        />
        <TextInput
          label="Time"
          description="24-hour clock, HH:mm:ss"
          placeholder="14:30:00"
          leftSection={<IconClock size={16} aria-hidden />}
          value={values.time}
          onChange={(event) => onTime(event.currentTarget.value)}
          onBlur={() => onBlur('time')}
          error={timeError}
          required
          autoComplete="off"
          spellCheck={false}
          miw={160}
          data-testid="time-input"
        />
      </Group>
      <PastWarning values={values} />
    </Stack>
  );
}
