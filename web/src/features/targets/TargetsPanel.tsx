import { ActionIcon, Badge, Button, Code, CopyButton, Group, Loader, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconPlus } from '@tabler/icons-react';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useTargetsQuery } from '../../api/schedulerApi';
import type { Target, TargetWithSecret } from '../../api/types';
import { errorMessage } from '../../lib/notify';
import { browserTimeZone, formatInZone } from '../../lib/time';
import { ConfirmDeleteTarget } from './ConfirmDeleteTarget';
import { SecretReveal, type Revealed } from './SecretReveal';
import { WebhookActions } from './WebhookActions';
import classes from './TargetsPanel.module.css';

// Its number fields' code loads when someone registers a webhook, not with the list.
const WebhookForm = lazy(() => import('./WebhookForm'));

/** A webhook's delivery settings in words: "Times out after 10 s; 8 attempts within 32 h." */
function retryText(timeoutSeconds: number | null | undefined, retry: NonNullable<Target['retry']>): string {
  const { maxAttempts, maxAgeSeconds } = retry;
  const span = maxAgeSeconds % 3600 === 0 ? `${maxAgeSeconds / 3600} h` : `${maxAgeSeconds} s`;
  const attempts = `${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'}`;
  return `Times out after ${timeoutSeconds ?? 10} s; ${attempts} within ${span}.`;
}

interface CardProps {
  target: Target;
  viewerZone: string;
  /** The webhook's own actions; none for an operator's queue. */
  actions: ReactNode;
}

function TargetCard({ target, viewerZone, actions }: CardProps) {
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
          {target.kind === 'SQS' && !target.builtIn && ' Operators change it.'}
          {target.retry && ` ${retryText(target.timeoutSeconds, target.retry)}`}
        </Text>
        {actions}
      </Stack>
    </Paper>
  );
}

/**
 * The namespace's targets: where its schedules' runs can go. A key registers, rotates and
 * removes its own webhooks here; SQS queues are operators' (`scheduler targets add`), shown
 * read-only.
 */
export function TargetsPanel() {
  const { data, error, isLoading } = useTargetsQuery();
  const viewerZone = browserTimeZone();
  const [adding, setAdding] = useState(false);
  // The secret the API answered, shown until dismissed or the drawer closes (it unmounts this).
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [deleting, setDeleting] = useState<Target | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);
  const reveal = ({ target, secret }: TargetWithSecret, rotated: boolean) => {
    setRemoved(null);
    setRevealed({ name: target.name, secret, rotated });
  };
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
        A schedule names one of these as its target, or none for the default. You register webhooks here; operators add
        SQS queues with <Code>scheduler targets add</Code>.
      </Text>
      {revealed && <SecretReveal revealed={revealed} onDismiss={() => setRevealed(null)} />}
      {removed && (
        <Text size="sm" role="status" data-testid="target-removed">
          {removed} was deleted.
        </Text>
      )}
      {adding ? (
        <Paper withBorder p="sm">
          <Suspense fallback={<Loader size="sm" aria-label="Loading the form" />}>
            <WebhookForm
              onCreated={(created) => {
                setAdding(false);
                reveal(created, false);
              }}
              onCancel={() => setAdding(false)}
            />
          </Suspense>
        </Paper>
      ) : (
        <Group>
          <Button
            size="xs"
            leftSection={<IconPlus size={14} aria-hidden />}
            onClick={() => setAdding(true)}
            data-testid="add-webhook"
          >
            Register a webhook
          </Button>
        </Group>
      )}
      {data.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="targets-empty">
          This namespace has no targets yet: register a webhook, or ask an operator to add a queue.
        </Text>
      ) : (
        <Stack component="ul" gap="sm" className={classes.list} aria-label="Targets" data-testid="target-list">
          {data.map((target) => (
            <TargetCard
              key={target.name}
              target={target}
              viewerZone={viewerZone}
              actions={
                target.kind === 'WEBHOOK' && (
                  <WebhookActions
                    target={target}
                    onRotated={(rotated) => reveal(rotated, true)}
                    onDelete={setDeleting}
                  />
                )
              }
            />
          ))}
        </Stack>
      )}
      <ConfirmDeleteTarget
        target={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(name) => {
          setRevealed((shown) => (shown?.name === name ? null : shown));
          setRemoved(name);
        }}
      />
    </Stack>
  );
}
