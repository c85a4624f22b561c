import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconRepeat } from '@tabler/icons-react';
import { useState } from 'react';
import { useRedeliverRunMutation } from '../../api/schedulerApi';
import { isApiError, type Run } from '../../api/types';
import { errorMessage, notifySuccess, type NotificationsStore } from '../../lib/notify';

interface Props {
  jobId: string;
  run: Run;
  /** Where the success is told; a failure is told beside the button. */
  notifications: NotificationsStore;
}

/**
 * Delivers a failed run again, now, with the same occurrence id (so a receiver that saw it
 * can tell); the history then shows it queued, and the schedule's own runs are unchanged.
 */
export function RedeliverRun({ jobId, run, notifications }: Props) {
  const [redeliver, { isLoading }] = useRedeliverRunMutation();
  const [failure, setFailure] = useState<string | null>(null);
  const send = async () => {
    setFailure(null);
    try {
      await redeliver({ jobId, occurrenceId: run.occurrenceId }).unwrap();
      notifySuccess('The run is queued to be delivered again', notifications);
    } catch (error) {
      // A rejected key signs the user out, which says why.
      if (isApiError(error) && error.kind === 'unauthorized') return;
      setFailure(errorMessage(error));
    }
  };
  return (
    <Stack gap={6} align="flex-start" data-testid="redeliver">
      <Text size="xs" c="dimmed">
        Delivered again now, with the same occurrence id; the receiver tells a repeat by its webhook-id.
      </Text>
      <Button
        size="xs"
        variant="default"
        leftSection={<IconRepeat size={14} aria-hidden />}
        loading={isLoading}
        onClick={send}
        data-testid="redeliver-run"
      >
        Redeliver
      </Button>
      {failure && (
        <Alert color="red" title="Could not redeliver the run" data-testid="redeliver-failure">
          {failure}
        </Alert>
      )}
    </Stack>
  );
}
