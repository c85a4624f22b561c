import { Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useId } from 'react';
import type { IntervalUnit } from './intervalText';

const UNITS: { value: IntervalUnit; label: string }[] = [
  { value: 'minutes', label: 'minutes' },
  { value: 'hours', label: 'hours' },
  { value: 'days', label: 'days' },
  { value: 'weeks', label: 'weeks' },
  { value: 'seconds', label: 'seconds' },
];

interface Props {
  every: string;
  unit: IntervalUnit;
  error?: string;
  onEvery: (text: string) => void;
  onUnit: (unit: IntervalUnit) => void;
}

/** An interval rule's period: a whole number of one unit, from one minute to 366 days. */
export function IntervalField({ every, unit, error, onEvery, onUnit }: Props) {
  const hint = useId();
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          label="Every"
          value={every}
          onChange={(event) => onEvery(event.currentTarget.value)}
          inputMode="numeric"
          autoComplete="off"
          error={error}
          aria-describedby={hint}
          required
          style={{ flex: '1 1 6rem', minWidth: 0 }}
          data-testid="interval-amount"
        />
        <NativeSelect
          label="Unit"
          data={UNITS}
          value={unit}
          onChange={(event) => onUnit(event.currentTarget.value as IntervalUnit)}
          style={{ flex: '1 1 8rem', minWidth: 0 }}
          data-testid="interval-unit"
        />
      </Group>
      <Text size="xs" c="dimmed" id={hint}>
        Counted from the first run in absolute time: across a DST change the wall-clock time moves by the hour the
        clocks move. For a time of day, use daily, weekly or cron.
      </Text>
    </Stack>
  );
}
