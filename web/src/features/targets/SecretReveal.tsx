import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy, IconKey } from '@tabler/icons-react';

export interface Revealed {
  name: string;
  secret: string;
  /** Answered by a rotation: the old secret still signs for a while. */
  rotated: boolean;
}

/**
 * A webhook's signing secret, which the API answers once: kept only in this component's
 * parent until dismissed or the drawer closes, never stored.
 */
export function SecretReveal({ revealed, onDismiss }: { revealed: Revealed; onDismiss: () => void }) {
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconKey />}
      aria-labelledby={undefined}
      aria-label="Signing secret"
      data-testid="secret-reveal"
    >
      <Stack gap="xs">
        <Text size="sm" fw={700}>
          {revealed.rotated ? `The new secret of ${revealed.name}` : `The signing secret of ${revealed.name}`}
        </Text>
        <Text size="sm" fw={600} data-testid="secret-once">
          Copy it now: you will not see it again.
        </Text>
        <Text size="sm">
          Your receiver verifies each request with it (Standard Webhooks).
          {revealed.rotated && ' The old secret keeps working for 24 hours, so switch your receiver over before then.'}
        </Text>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Code style={{ overflowWrap: 'anywhere', whiteSpace: 'normal', minWidth: 0 }} data-testid="secret-value">
            {revealed.secret}
          </Code>
        </Group>
        <Group gap="xs">
          <CopyButton value={revealed.secret}>
            {({ copied, copy }) => (
              <Button
                size="xs"
                color={copied ? 'teal' : undefined}
                leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                onClick={copy}
                data-testid="copy-secret"
              >
                {copied ? 'Copied' : 'Copy the secret'}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="default" onClick={onDismiss} data-testid="dismiss-secret">
            I have saved it
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
