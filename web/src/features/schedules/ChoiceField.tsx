import { SegmentedControl, Stack, Text } from '@mantine/core';
import { useId } from 'react';

interface Props<T extends string> {
  label: string;
  options: { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  error?: string;
  testId: string;
}

/** A labelled segmented choice (a radio group to assistive technology), with its error below. */
export function ChoiceField<T extends string>({ label, options, value, onChange, error, testId }: Props<T>) {
  const labelId = useId();
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={labelId}>
        {label}
      </Text>
      <SegmentedControl
        aria-labelledby={labelId}
        data={options}
        value={value}
        onChange={(next) => onChange(next as T)}
        data-testid={testId}
        fullWidth
      />
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
    </Stack>
  );
}
