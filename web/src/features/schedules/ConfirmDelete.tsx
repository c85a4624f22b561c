import { Alert, Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useDeleteScheduleMutation } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { errorMessage, notifySuccess } from '../../lib/notify';
import { browserTimeZone, formatInZone } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { describeRule } from './recurrenceText';
import { deletionOutcome } from './deletionOutcome';
import { describeNextRun, scheduleTitle } from './scheduleText';

interface Props {
  schedule: Schedule | null;
  onClose: () => void;
  onDeleted?: (jobId: string) => void;
}

function Consequences({ schedule }: { schedule: Schedule }) {
  const now = useNow();
  const outcome = deletionOutcome(schedule, now);
  return (
    <Stack gap="xs" data-testid="delete-consequences">
      {outcome.warning && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle />} data-testid="delete-warning">
          {outcome.warning}
        </Alert>
      )}
      {outcome.lines.map((line) => (
        <Text size="sm" key={line}>
          {line}
        </Text>
      ))}
    </Stack>
  );
}

function Summary({ schedule }: { schedule: Schedule }) {
  const now = useNow();
  const viewerZone = browserTimeZone();
  const when = describeNextRun(schedule, now);
  return (
    <Paper withBorder p="sm" data-testid="delete-summary">
      <Stack gap={4}>
        <Text ff="monospace" size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
          {scheduleTitle(schedule)}
        </Text>
        <Text size="sm">{describeRule(schedule)}</Text>
        <Text size="sm">
          Next run:{' '}
          {schedule.runAt && when ? `${formatInZone(schedule.runAt, viewerZone)} ${viewerZone} (${when})` : 'none'}
        </Text>
      </Stack>
    </Paper>
  );
}

/** Asks before deleting, naming the schedule and saying what happens to its runs. */
export function ConfirmDelete({ schedule, onClose, onDeleted }: Props) {
  const [remove, { isLoading }] = useDeleteScheduleMutation();
  const [failure, setFailure] = useState<string | null>(null);
  const close = () => {
    setFailure(null);
    onClose();
  };
  const confirm = async () => {
    if (!schedule) return;
    setFailure(null);
    try {
      await remove(schedule.jobId).unwrap();
      notifySuccess('Schedule deleted');
      onDeleted?.(schedule.jobId);
      close();
    } catch (error) {
      setFailure(errorMessage(error));
    }
  };
  return (
    <Modal
      opened={schedule !== null}
      onClose={close}
      title="Delete this schedule?"
      closeButtonProps={{ 'aria-label': 'Close without deleting' }}
      centered
      data-testid="delete-dialog"
    >
      {schedule && (
        <Stack>
          <Summary schedule={schedule} />
          <Consequences schedule={schedule} />
          {failure && (
            <Alert color="red" title="Could not delete the schedule" data-testid="delete-failure">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red.9" loading={isLoading} onClick={confirm} data-testid="confirm-delete">
              Delete
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
