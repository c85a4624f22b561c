import { ActionIcon, Badge, Code, CopyButton, Group, Loader, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTargetsQuery } from '../../api/schedulerApi';
import type { Target } from '../../api/types';
import { errorMessage } from '../../lib/notify';
import { browserTimeZone, formatInZone } from '../../lib/time';
import classes from './TargetsPanel.module.css';

function TargetCard({ target, viewerZone }: { target: Target; viewerZone: string }) {
  return (
    <Paper component="li" withBorder p="sm" className={classes.card} data-testid="target-card" data-name={target.name}>
      <Stack gap={6}>
        <Group gap="xs" wrap="wrap">
          <Text fw={600} className={classes.name}>
            {target.name}
          </Text>
          <Badge size="sm" className={classes.badge} data-testid="target-kind">
            {target.kind === 'SQS' ? 'SQS queue' : 'webhook'}
          </Badge>
          {target.default && (
            <Badge size="sm" className={classes.badge} data-testid="target-default">
              default
            </Badge>
          )}
        </Group>
        <Group gap={4} wrap="nowrap" align="flex-start">
          <Code className={classes.url} data-testid="target-url">
            {target.url}
          </Code>
          <CopyButton value={target.url}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy the URL'}>
                <ActionIcon variant="subtle" size="sm" onClick={copy} aria-label={`Copy the URL of ${target.name}`}>
                  {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Text size="xs" c="dimmed">
          {target.default && 'Runs of schedules that name no target go here. '}
          {target.builtIn
            ? "The stack's own queue."
            : target.createdAt
              ? `Added ${formatInZone(target.createdAt, viewerZone)}.`
              : null}
        </Text>
      </Stack>
    </Paper>
  );
}

/**
 * The namespace's targets: where its schedules' runs can go. Operators add SQS queues
 * (`scheduler targets add`); the API offers no way to add one from here.
 */
export function TargetsPanel() {
  const { data, error, isLoading } = useTargetsQuery();
  const viewerZone = browserTimeZone();
  if (isLoading) return <Loader size="sm" aria-label="Loading the targets" />;
  if (error || !data)
    return (
      <Text size="sm" c="red" data-testid="targets-failed">
        The targets could not be loaded{error ? `: ${errorMessage(error)}` : '.'}
      </Text>
    );
  return (
    <Stack gap="sm">
      <Text size="sm">
        A schedule names one of these as its target, or none for the default. Operators add SQS queues with{' '}
        <Code>scheduler targets add</Code>.
      </Text>
      {data.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="targets-empty">
          This namespace has no targets yet: ask an operator to add one.
        </Text>
      ) : (
        <Stack component="ul" gap="sm" className={classes.list} aria-label="Targets" data-testid="target-list">
          {data.map((target) => (
            <TargetCard key={target.name} target={target} viewerZone={viewerZone} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
