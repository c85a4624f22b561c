import { Alert, Button, Code, Group, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPause } from '@tabler/icons-react';
import type { Schedule, ScheduleDetail } from '../../api/types';
import { NotificationRegion } from '../../lib/NotificationRegion';
import type { NotificationsStore } from '../../lib/notify';
import { browserTimeZone, formatInZone, relativeTo } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { describeRule } from './recurrenceText';
import { PausePopover } from './PausePopover';
import { RunHistory } from './RunHistory';
import { LabelList } from './ScheduleAbout';
import { ScheduleActions } from './ScheduleActions';
import { ScheduleBounds } from './ScheduleBounds';
import { TargetDetail } from './ScheduleTarget';
import { StateBadge } from './StateBadge';

interface Props {
  schedule: ScheduleDetail;
  notifications: NotificationsStore;
  onEdit: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
  onShowMoreRuns: (() => void) | null;
}

function NextRuns({ schedule, viewerZone }: { schedule: ScheduleDetail; viewerZone: string }) {
  const now = useNow();
  if (schedule.nextRuns.length === 0 || schedule.state === 'COMPLETED') {
    return (
      <Text size="sm" c="dimmed">
        None
      </Text>
    );
  }
  return (
    <Stack gap={0} component="ol" pl="md" m={0} data-testid="drawer-next-runs">
      {schedule.nextRuns.map((run) => (
        <Text size="sm" component="li" key={run.runAt}>
          {formatInZone(run.runAt, viewerZone)} ({relativeTo(run.runAt, now)})
          {schedule.timezone !== viewerZone && ` · ${formatInZone(run.runAt, schedule.timezone)} ${schedule.timezone}`}
        </Text>
      ))}
    </Stack>
  );
}

/** Why it is paused, as whoever paused it said, with a way to change what it says. */
function PauseNote({ schedule, notifications }: { schedule: ScheduleDetail; notifications: NotificationsStore }) {
  if (schedule.state !== 'PAUSED') return null;
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconPlayerPause />}
      role="note"
      aria-label="Why it is paused"
      data-testid="drawer-pause-note"
    >
      <Stack gap={6} align="flex-start">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="pause-note-text">
          <strong>Paused: </strong>
          {schedule.pauseNote ?? 'no note says why.'}
        </Text>
        <PausePopover schedule={schedule} notifications={notifications}>
          <Button variant="default" size="compact-xs" data-testid="change-pause-note">
            {schedule.pauseNote ? 'Change the note' : 'Add a note'}
          </Button>
        </PausePopover>
      </Stack>
    </Alert>
  );
}

/**
 * The drawer's content for one schedule: its rule, description and labels, actions, next
 * runs, bounds, target, payload and run history.
 */
export function ScheduleDetails({ schedule, notifications, onEdit, onDelete, onShowMoreRuns }: Props) {
  const viewerZone = browserTimeZone();
  return (
    <Stack gap="md">
      <Group gap="xs">
        <StateBadge state={schedule.state} />
        <Text size="sm" data-testid="drawer-rule">
          {describeRule(schedule)}
        </Text>
      </Group>
      {schedule.description && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="drawer-description">
          {schedule.description}
        </Text>
      )}
      <LabelList labels={schedule.labels} />
      <PauseNote schedule={schedule} notifications={notifications} />
      <div>
        <ScheduleActions
          schedule={schedule}
          onEdit={onEdit}
          onDelete={onDelete}
          layout="buttons"
          notifications={notifications}
        />
        <NotificationRegion label="Messages about this schedule" store={notifications} />
      </div>
      <Stack gap={4}>
        <Title order={3} size="h6">
          Next runs{schedule.state === 'PAUSED' && ' (once resumed)'}
        </Title>
        <NextRuns schedule={schedule} viewerZone={viewerZone} />
      </Stack>
      <ScheduleBounds schedule={schedule} viewerZone={viewerZone} />
      <Stack gap={4}>
        <Title order={3} size="h6">
          Target
        </Title>
        <TargetDetail schedule={schedule} />
      </Stack>
      <Stack gap={4}>
        <Title order={3} size="h6">
          Payload
        </Title>
        <ScrollArea.Autosize mah={160}>
          <Code block data-testid="drawer-payload">
            {schedule.payload}
          </Code>
        </ScrollArea.Autosize>
      </Stack>
      <Text size="xs" c="dimmed">
        Id <Code>{schedule.jobId}</Code> · version {schedule.version} · created{' '}
        {formatInZone(schedule.createdAt, viewerZone)} · changed {formatInZone(schedule.updatedAt, viewerZone)}
      </Text>
      <RunHistory
        jobId={schedule.jobId}
        notifications={notifications}
        runs={schedule.runs.nodes}
        hasMore={schedule.runs.pageInfo.hasNextPage}
        onShowMore={onShowMoreRuns}
        viewerZone={viewerZone}
        scheduleZone={schedule.timezone}
      />
    </Stack>
  );
}
