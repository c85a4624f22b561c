import { Group, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { IconClock } from '@tabler/icons-react';
import { parseDate } from './clockFields';

export interface DateTimeInputsProps {
  dateLabel: string;
  timeLabel: string;
  dateDescription?: string;
  timeDescription?: string;
  date: string;
  time: string;
  dateError?: string;
  timeError?: string;
  onDate: (text: string) => void;
  onTime: (text: string) => void;
  onBlurDate: () => void;
  onBlurTime: () => void;
  required: boolean;
  /** `date-input` and `time-input` with an optional prefix: `start-date-input`. */
  testIdPrefix?: string;
}

const strictDate = (text: string): string | null => parseDate(text).value ?? null;

/**
 * A calendar date (typed as YYYY-MM-DD or picked) and a wall-clock time on the 24-hour clock
 * with seconds. Both keep what was typed: a date or time that cannot be is refused with a
 * reason, never swapped for the last good one.
 */
export function DateTimeInputs(props: DateTimeInputsProps) {
  const prefix = props.testIdPrefix ? `${props.testIdPrefix}-` : '';
  return (
    <Group grow align="flex-start" wrap="wrap">
      <DateInput
        label={props.dateLabel}
        description={props.dateDescription ?? 'YYYY-MM-DD'}
        placeholder="YYYY-MM-DD"
        valueFormat="YYYY-MM-DD"
        dateParser={strictDate}
        fixOnBlur={false}
        value={strictDate(props.date)}
        onChange={(value) => props.onDate(value ?? '')}
        onInput={(event) => props.onDate(event.currentTarget.value)}
        onBlur={props.onBlurDate}
        error={props.dateError}
        required={props.required}
        clearable={!props.required}
        clearButtonProps={{ 'aria-label': `Clear the ${props.dateLabel.toLowerCase()}` }}
        miw={160}
        data-testid={`${prefix}date-input`}
      />
      <TextInput
        label={props.timeLabel}
        description={props.timeDescription ?? '24-hour clock, HH:mm:ss'}
        placeholder="14:30:00"
        leftSection={<IconClock size={16} aria-hidden />}
        value={props.time}
        onChange={(event) => props.onTime(event.currentTarget.value)}
        onBlur={props.onBlurTime}
        error={props.timeError}
        required={props.required}
        autoComplete="off"
        spellCheck={false}
        miw={160}
        data-testid={`${prefix}time-input`}
      />
    </Group>
  );
}
