import { Button, Code, Drawer, Group, Loader, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useGetScheduleQuery } from '../../api/schedulerApi';
import { browserTimeZone, formatInZone, formatLateness, relativeTo } from '../../lib/time';
import { errorMessage } from '../../lib/notify';
import { describeRule } from './recurrenceText';
import { RunStatusBadge, StateBadge } from './StateBadge';

interface Props {
  jobId: string | null;
  onClose: () => void;
}

const RUNS_STEP = 20;
const RUNS_MAX = 100;

/** One schedule in full: its rule, its next runs and its run history. */
export function ScheduleDrawer({ jobId, onClose }: Props) {
  const [runs, setRuns] = useState(RUNS_STEP);
  const { data, error, isLoading } = useGetScheduleQuery(
    { jobId: jobId ?? '', runs },
    { skip: !jobId, pollingInterval: 15_000, skipPollingIfUnfocused: true },
  );
  const viewerZone = browserTimeZone();
  const now = new Date();

  let body;
  if (isLoading) body = <Loader aria-label="Loading schedule" />;
  else if (error) body = <Text c="red">{errorMessage(error)}</Text>;
  else if (!data) body = <Text>This schedule no longer exists.</Text>;
  else
    body = (
      <Stack gap="md">
        <Group gap="xs">
          <StateBadge state={data.state} />
          <Text size="sm" data-testid="drawer-rule">
            {describeRule(data)}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          Id <Code>{data.jobId}</Code> · version {data.version}
        </Text>
        <Stack gap={4}>
          <Title order={3} size="h6">
            Payload
          </Title>
          <ScrollArea.Autosize mah={160}>
            <Code block data-testid="drawer-payload">
              {data.payload}
            </Code>
          </ScrollArea.Autosize>
        </Stack>
        <Stack gap={4}>
          <Title order={3} size="h6">
            Next runs
          </Title>
          {data.nextRuns.length === 0 ? (
            <Text size="sm" c="dimmed">
              None
            </Text>
          ) : (
            <Stack gap={0} component="ol" pl="md" m={0}>
              {data.nextRuns.map((run) => (
                <Text size="sm" component="li" key={run.runAt}>
                  {formatInZone(run.runAt, viewerZone)} ({relativeTo(run.runAt, now)})
                  {data.timezone !== viewerZone && ` · ${formatInZone(run.runAt, data.timezone)} ${data.timezone}`}
                </Text>
              ))}
            </Stack>
          )}
        </Stack>
        <Stack gap={4}>
          <Title order={3} size="h6">
            Run history
          </Title>
          {data.runs.nodes.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="run-history-empty">
              No runs yet
            </Text>
          ) : (
            <Table aria-label="Run history" data-testid="run-history" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Scheduled for</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th>Lateness</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.runs.nodes.map((run) => (
                  <Table.Tr key={`${run.occurrenceId}/${run.recordedAt}`} data-testid="run-row">
                    <Table.Td>
                      <Text size="sm">{formatInZone(run.scheduledFor, viewerZone)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <RunStatusBadge status={run.status} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{run.trigger.toLowerCase()}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatLateness(run.latenessMs)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {data.runs.pageInfo.hasNextPage && runs < RUNS_MAX && (
            <Button variant="subtle" size="xs" onClick={() => setRuns(runs + RUNS_STEP)}>
              Show older runs
            </Button>
          )}
        </Stack>
      </Stack>
    );

  return (
    <Drawer
      opened={jobId !== null}
      onClose={onClose}
      position="right"
      closeButtonProps={{ 'aria-label': 'Close the details' }}
      size="lg"
      title="Schedule"
      styles={{ title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-lg)' } }}
      data-testid="schedule-drawer"
    >
      {body}
    </Drawer>
  );
}
