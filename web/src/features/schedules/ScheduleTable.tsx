import { Stack, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { memo } from 'react';
import type { Schedule } from '../../api/types';
import { browserTimeZone, formatInZone, formatLateness, relativeTo } from '../../lib/time';
import { describeRule } from './recurrenceText';
import { RowActions } from './RowActions';
import { RunStatusBadge, StateBadge } from './StateBadge';
import classes from './ScheduleTable.module.css';

interface Props {
  schedules: Schedule[];
  now: Date;
  onOpen: (schedule: Schedule) => void;
  onEdit: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
}

const PREVIEW_CHARS = 80;

function payloadPreview(payload: string): string {
  const flat = payload.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}

function NextRun({ schedule, now, viewerZone }: { schedule: Schedule; now: Date; viewerZone: string }) {
  if (!schedule.runAt || schedule.state === 'COMPLETED') return <Text size="sm">—</Text>;
  return (
    <Stack gap={0} data-testid="next-run">
      <Text size="sm" data-testid="next-run-local">
        {formatInZone(schedule.runAt, viewerZone)}
      </Text>
      <Text className={classes.secondary} data-testid="next-run-zone">
        {schedule.timezone === viewerZone
          ? relativeTo(schedule.runAt, now)
          : `${formatInZone(schedule.runAt, schedule.timezone)} ${schedule.timezone} · ${relativeTo(schedule.runAt, now)}`}
      </Text>
    </Stack>
  );
}

function LastRun({ schedule, now }: { schedule: Schedule; now: Date }) {
  const run = schedule.lastRun;
  if (!run)
    return (
      <Text size="sm" c="dimmed">
        never
      </Text>
    );
  return (
    <Stack gap={2} align="flex-start">
      <RunStatusBadge status={run.status} />
      <Text className={classes.secondary}>
        {relativeTo(run.scheduledFor, now)} · late {formatLateness(run.latenessMs)}
      </Text>
    </Stack>
  );
}

const Row = memo(function Row({
  schedule,
  now,
  viewerZone,
  onOpen,
  onEdit,
  onDelete,
}: Omit<Props, 'schedules'> & {
  schedule: Schedule;
  viewerZone: string;
}) {
  const preview = payloadPreview(schedule.payload);
  return (
    <Table.Tr data-testid="schedule-row" data-job-id={schedule.jobId}>
      <Table.Td>
        <UnstyledButton
          className={classes.payload}
          onClick={() => onOpen(schedule)}
          // The visible text leads the name, so speech input can say what it sees (WCAG 2.5.3).
          aria-label={`${preview}, details`}
          title={`Details of schedule ${schedule.jobId}`}
          data-testid="payload-preview"
        >
          {preview}
        </UnstyledButton>
      </Table.Td>
      <Table.Td data-testid="rule">{describeRule(schedule)}</Table.Td>
      <Table.Td>
        <NextRun schedule={schedule} now={now} viewerZone={viewerZone} />
      </Table.Td>
      <Table.Td>
        <StateBadge state={schedule.state} />
      </Table.Td>
      <Table.Td>
        <LastRun schedule={schedule} now={now} />
      </Table.Td>
      <Table.Td>
        <RowActions schedule={schedule} onEdit={onEdit} onDelete={onDelete} />
      </Table.Td>
    </Table.Tr>
  );
});

export function ScheduleTable({ schedules, ...rest }: Props) {
  const viewerZone = browserTimeZone();
  return (
    <Table.ScrollContainer minWidth={960} className={classes.scroll}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Schedules" data-testid="schedule-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Payload</Table.Th>
            <Table.Th>Rule</Table.Th>
            <Table.Th>Next run ({viewerZone})</Table.Th>
            <Table.Th w={120}>State</Table.Th>
            <Table.Th w={170}>Last run</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {schedules.map((schedule) => (
            <Row key={schedule.jobId} schedule={schedule} viewerZone={viewerZone} {...rest} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
