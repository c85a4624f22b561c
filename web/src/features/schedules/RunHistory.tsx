import {
  Accordion,
  ActionIcon,
  Button,
  Center,
  Code,
  CopyButton,
  Group,
  Loader,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { lazy, Suspense } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
import type { Run } from '../../api/types';
import type { NotificationsStore } from '../../lib/notify';
import { formatInZone, formatLateness, relativeTo } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { Fact, Facts } from './Facts';
import { RedeliverRun } from './RedeliverRun';
import { runNote, runStatusAt } from './scheduleText';
import { RunStatusBadge } from './StateBadge';
import classes from './RunHistory.module.css';

const LatenessChart = lazy(() => import('./LatenessChart'));

interface Props {
  jobId: string;
  runs: Run[];
  hasMore: boolean;
  onShowMore: (() => void) | null;
  viewerZone: string;
  scheduleZone: string;
  /** Where a redelivery's success is told. */
  notifications: NotificationsStore;
}

function Copyable({ value, label }: { value: string; label: string }) {
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <Code className={classes.id}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy the ${label}`}>
            <ActionIcon variant="subtle" size="sm" onClick={copy} aria-label={`Copy the ${label}`}>
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/** Everything recorded about one run. */
export function RunDetail({ run, viewerZone, scheduleZone }: { run: Run; viewerZone: string; scheduleZone: string }) {
  const now = useNow();
  return (
    <Facts testId="run-detail">
      <Fact label="Occurrence id">
        <Copyable value={run.occurrenceId} label="occurrence id" />
      </Fact>
      <Fact label="Message id">{run.messageId ? <Copyable value={run.messageId} label="message id" /> : 'none'}</Fact>
      <Fact label="Due">
        {formatInZone(run.scheduledFor, viewerZone)}
        {scheduleZone !== viewerZone && ` (${formatInZone(run.scheduledFor, scheduleZone)} ${scheduleZone})`}
      </Fact>
      <Fact label="Recorded">{formatInZone(run.recordedAt, viewerZone)}</Fact>
      <Fact label="Lateness">{formatLateness(run.latenessMs)}</Fact>
      <Fact label="Trigger">{run.trigger.toLowerCase()}</Fact>
      {run.attempts != null && <Fact label="Attempts">{run.attempts}</Fact>}
      {run.reason != null && <Fact label="Reason">{run.reason}</Fact>}
      {run.lastError != null && <Fact label="Last error">{run.lastError}</Fact>}
      {run.nextAttemptAt != null && (
        <Fact label="Next attempt">
          {formatInZone(run.nextAttemptAt, viewerZone)} ({relativeTo(run.nextAttemptAt, now)})
        </Fact>
      )}
    </Facts>
  );
}

/**
 * The schedule's recent runs: a chart of their lateness, then each run with its details, a
 * failed one with a way to deliver it again.
 */
export function RunHistory({ jobId, runs, hasMore, onShowMore, viewerZone, scheduleZone, notifications }: Props) {
  const now = useNow();
  return (
    <Stack gap="xs" component="section" aria-labelledby="run-history-title">
      <Title order={3} size="h6" id="run-history-title">
        Run history
      </Title>
      {runs.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="run-history-empty">
          No runs yet
        </Text>
      ) : (
        <>
          <ErrorBoundary
            fallback={
              <Text size="sm" c="dimmed" data-testid="lateness-chart-failed">
                The lateness chart could not be drawn; the runs are listed below.
              </Text>
            }
          >
            <Suspense
              fallback={
                <Center h={180}>
                  <Loader size="sm" aria-label="Loading the chart" />
                </Center>
              }
            >
              <LatenessChart runs={runs} now={now} viewerZone={viewerZone} />
            </Suspense>
          </ErrorBoundary>
          <Accordion variant="separated" chevronPosition="right" data-testid="run-history">
            {runs.map((run) => {
              const status = runStatusAt(run, now);
              return (
                <Accordion.Item
                  key={`${run.occurrenceId}/${run.recordedAt}`}
                  value={`${run.occurrenceId}/${run.recordedAt}`}
                  data-testid="run-row"
                >
                  <Accordion.Control>
                    <Group gap="xs" wrap="wrap">
                      <Text size="sm" className={classes.time}>
                        {formatInZone(run.scheduledFor, viewerZone)}
                      </Text>
                      <RunStatusBadge status={status} />
                      <Text size="xs" c="dimmed" className={classes.note} data-testid="run-note">
                        {runNote(run, status, now)}
                      </Text>
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    <Stack gap="sm">
                      <RunDetail run={run} viewerZone={viewerZone} scheduleZone={scheduleZone} />
                      {run.status === 'FAILED' && (
                        <RedeliverRun jobId={jobId} run={run} notifications={notifications} />
                      )}
                    </Stack>
                  </Accordion.Panel>
                </Accordion.Item>
              );
            })}
          </Accordion>
        </>
      )}
      {hasMore && onShowMore && (
        <Button variant="subtle" size="xs" onClick={onShowMore}>
          Show older runs
        </Button>
      )}
    </Stack>
  );
}
