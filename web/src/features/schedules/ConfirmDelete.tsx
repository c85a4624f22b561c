import { Alert, Modal, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useDeleteScheduleMutation } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { errorMessage, notifySuccess } from '../../lib/notify';
import { browserTimeZone, formatInZone } from '../../lib/time';
import { DeleteFooter } from '../../lib/DeleteFooter';
import { useConfirmation } from '../../lib/useConfirmation';
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
  const { failure, close, confirm: attempt } = useConfirmation(onClose, errorMessage);
  const confirm = () =>
    schedule &&
    attempt(async () => {
      await remove(schedule.jobId).unwrap();
      notifySuccess('Schedule deleted');
      onDeleted?.(schedule.jobId);
    });
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
          <DeleteFooter
            failure={failure}
            failureTitle="Could not delete the schedule"
            testId="confirm-delete"
            failureTestId="delete-failure"
            loading={isLoading}
            onCancel={close}
            onConfirm={confirm}
          />
        </Stack>
      )}
    </Modal>
  );
}
