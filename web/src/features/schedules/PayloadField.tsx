import { Stack, Text, Textarea } from '@mantine/core';
import { formatByteCount, formatBytes, MAX_PAYLOAD_BYTES, utf8Length } from '../../lib/payload';
import classes from './ScheduleForm.module.css';

interface Props {
  value: string;
  onChange: (value: string) => void;
  error?: string;
}

/** The message body, with its size in UTF-8 bytes against SQS's limit as it is typed. */
export function PayloadField({ value, onChange, error }: Props) {
  const bytes = utf8Length(value);
  const over = bytes > MAX_PAYLOAD_BYTES;
  return (
    <Stack gap={4}>
      <Textarea
        label="Payload"
        description="The SQS message body, sent exactly as written."
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        error={error}
        required
        autosize
        minRows={4}
        maxRows={12}
        classNames={{ input: classes.code }}
        data-testid="payload-input"
      />
      <Text
        size="xs"
        ta="right"
        c={over ? 'red' : 'dimmed'}
        className={classes.counter}
        data-testid="payload-counter"
        data-error={over ? 'true' : undefined}
        aria-live="polite"
      >
        {formatByteCount(bytes)} of {formatBytes(MAX_PAYLOAD_BYTES)}
      </Text>
    </Stack>
  );
}
