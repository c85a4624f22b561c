import { Code, Modal, Stack, Text } from '@mantine/core';
import { useDeleteTargetMutation } from '../../api/schedulerApi';
import type { Target } from '../../api/types';
import { DeleteFooter } from '../../lib/DeleteFooter';
import { useConfirmation } from '../../lib/useConfirmation';
import { targetFailure } from './targetErrors';

interface Props {
  target: Target | null;
  onClose: () => void;
  onDeleted: (name: string) => void;
}

/** Asks before removing a webhook, saying what becomes of the schedules that name it. */
export function ConfirmDeleteTarget({ target, onClose, onDeleted }: Props) {
  const [remove, { isLoading }] = useDeleteTargetMutation();
  const {
    failure,
    close,
    confirm: attempt,
  } = useConfirmation(onClose, (error) => targetFailure(target?.name ?? '', error));
  const confirm = () =>
    target &&
    attempt(async () => {
      await remove(target.name).unwrap();
      onDeleted(target.name);
    });
  return (
    <Modal
      opened={target !== null}
      onClose={close}
      title="Delete this webhook?"
      closeButtonProps={{ 'aria-label': 'Close without deleting' }}
      centered
      data-testid="delete-target-dialog"
    >
      {target && (
        <Stack>
          <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="delete-target-name">
            {target.name}
          </Text>
          <Code style={{ overflowWrap: 'anywhere', whiteSpace: 'normal' }}>{target.url}</Code>
          <Text size="sm">
            Runs are no longer POSTed to it: those of schedules that still name it fail, until they name another target.
          </Text>
          <DeleteFooter
            failure={failure}
            failureTitle="Could not delete the webhook"
            testId="confirm-delete-target"
            failureTestId="delete-target-failure"
            loading={isLoading}
            onCancel={close}
            onConfirm={confirm}
          />
        </Stack>
      )}
    </Modal>
  );
}
