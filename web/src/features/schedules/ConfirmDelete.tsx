import { Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { useDeleteScheduleMutation } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { notifyFailure, notifySuccess } from '../../lib/notify';

interface Props {
  schedule: Schedule | null;
  onClose: () => void;
}

export function ConfirmDelete({ schedule, onClose }: Props) {
  const [remove, { isLoading }] = useDeleteScheduleMutation();
  const confirm = async () => {
    if (!schedule) return;
    try {
      await remove(schedule.jobId).unwrap();
      notifySuccess('Schedule deleted');
      onClose();
    } catch (error) {
      notifyFailure('delete the schedule', error);
    }
  };
  return (
    <Modal
      opened={schedule !== null}
      onClose={onClose}
      title="Delete this schedule?"
      closeButtonProps={{ 'aria-label': 'Cancel' }}
      centered
    >
      <Stack>
        <Text size="sm">
          Schedule <Code>{schedule?.jobId}</Code> and its run history will be deleted. Runs that have not happened yet
          will not be delivered.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={isLoading} onClick={confirm} data-testid="confirm-delete">
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
