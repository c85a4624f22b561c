import { Alert, Button, Group, Stack } from '@mantine/core';
import { IconKey, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useRotateTargetSecretMutation } from '../../api/schedulerApi';
import type { Target, TargetWithSecret } from '../../api/types';
import { targetFailure } from './targetErrors';

interface Props {
  target: Target;
  onRotated: (rotated: TargetWithSecret) => void;
  onDelete: (target: Target) => void;
}

/** What a key may do to one of its namespace's webhooks: a new secret, or removing it. */
export function WebhookActions({ target, onRotated, onDelete }: Props) {
  const [rotate, { isLoading }] = useRotateTargetSecretMutation();
  const [failure, setFailure] = useState<string | null>(null);
  const rotateSecret = async () => {
    setFailure(null);
    try {
      const request = rotate(target.name);
      const rotated = await request.unwrap();
      // The secret lives in the reveal only, not in the store's record of the request.
      request.reset();
      onRotated(rotated);
    } catch (error) {
      setFailure(targetFailure(target.name, error));
    }
  };
  return (
    <Stack gap={6}>
      <Group gap="xs">
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconKey size={14} aria-hidden />}
          loading={isLoading}
          onClick={rotateSecret}
          aria-label={`Rotate secret of ${target.name}`}
          data-testid="rotate-secret"
        >
          Rotate secret
        </Button>
        <Button
          size="compact-sm"
          variant="default"
          leftSection={<IconTrash size={14} aria-hidden />}
          onClick={() => onDelete(target)}
          aria-label={`Delete ${target.name}`}
          data-testid="delete-target"
        >
          Delete
        </Button>
      </Group>
      {failure && (
        <Alert color="red" title="Could not rotate the secret" data-testid="rotate-failure">
          {failure}
        </Alert>
      )}
    </Stack>
  );
}
