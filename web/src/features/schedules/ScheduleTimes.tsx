import { Group, Stack, Text } from '@mantine/core';
import type { Schedule } from '../../api/types';
import { formatInZone, formatLateness } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { describeNextRun, runStatusAt, runWhen } from './scheduleText';
import { RunStatusBadge } from './StateBadge';
import classes from './ScheduleTimes.module.css';

interface Props {
  schedule: Schedule;
  viewerZone: string;
}

/** The next run in the viewer's zone, in the schedule's own zone when that differs, and how soon. */
export function NextRun({ schedule, viewerZone }: Props) {
  const now = useNow();
  const when = describeNextRun(schedule, now);
  if (!schedule.runAt || when === null) {
    return (
      <Text size="sm" data-testid="next-run-local">
        none
      </Text>
    );
  }
  const ownZone =
    schedule.timezone === viewerZone
      ? ''
      : `${formatInZone(schedule.runAt, schedule.timezone)} ${schedule.timezone} · `;
  return (
    <Stack gap={0} data-testid="next-run">
      <Text size="sm" className={classes.time} data-testid="next-run-local">
        {formatInZone(schedule.runAt, viewerZone)}
      </Text>
      <Text className={classes.secondary} data-testid="next-run-zone">
        {ownZone}
        {when}
      </Text>
    </Stack>
  );
}

/** The last run: its status at this moment, when it was due, how late it became visible, and its attempts. */
export function LastRun({ schedule }: Pick<Props, 'schedule'>) {
  const now = useNow();
  const run = schedule.lastRun;
  if (!run) {
    return (
      <Text size="sm" c="dimmed" data-testid="last-run">
        never run
      </Text>
    );
  }
  const status = runStatusAt(run, now);
  const lateness = status === 'DELIVERED' && run.latenessMs !== null ? ` · late ${formatLateness(run.latenessMs)}` : '';
  const attempts = run.attempts != null && run.attempts > 1 ? ` · ${run.attempts} attempts` : '';
  return (
    <Group gap={6} wrap="wrap" align="center">
      <RunStatusBadge status={status} />
      <Text className={classes.secondary} data-testid="last-run">
        {runWhen(run, now)}
        {lateness}
        {attempts}
      </Text>
    </Group>
  );
}
