import { Alert, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useNow } from '../../lib/useNow';
import { DateTimeInputs } from './DateTimeInputs';
import { repeatHint, startsInThePast, type FormValues } from './formModel';

interface Props {
  values: FormValues;
  dateError?: string;
  timeError?: string;
  onDate: (text: string) => void;
  onTime: (text: string) => void;
  onBlur: (field: 'date' | 'time') => void;
}

function pastText(values: FormValues): string {
  if (values.when === 'future') return 'This time has passed: the payload is delivered as soon as you save.';
  if (values.catchUp === 'NONE')
    return 'The first run is in the past: with catch-up "none", nothing is delivered at once; the rule starts at its next run.';
  return 'The first run is in the past: the latest run of the rule so far is delivered as soon as you save, and the rule goes on from there.';
}

function PastWarning({ values }: { values: FormValues }) {
  const now = useNow();
  if (!startsInThePast(values, now)) return null;
  return (
    <Alert color="yellow" variant="light" icon={<IconAlertTriangle />} data-testid="past-warning">
      {pastText(values)}
    </Alert>
  );
}

/** The first (or only) run's date and wall-clock time, and a warning when it has passed. */
export function RunTimeFields({ values, dateError, timeError, onDate, onTime, onBlur }: Props) {
  return (
    <Stack gap="xs">
      <DateTimeInputs
        dateLabel={values.when === 'recurring' ? 'First run date' : 'Date'}
        timeLabel="Time"
        dateDescription={repeatHint(values)}
        date={values.date}
        time={values.time}
        dateError={dateError}
        timeError={timeError}
        onDate={onDate}
        onTime={onTime}
        onBlurDate={() => onBlur('date')}
        onBlurTime={() => onBlur('time')}
        required
      />
      <PastWarning values={values} />
    </Stack>
  );
}
