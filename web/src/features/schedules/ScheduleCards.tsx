import { Group, Paper, Stack, Text } from '@mantine/core';
import { memo } from 'react';
import type { Schedule } from '../../api/types';
import { describeRule } from './recurrenceText';
import { DescriptionLine, LabelList, PauseNoteLine } from './ScheduleAbout';
import { ScheduleActions } from './ScheduleActions';
import { TitleButton, type ScheduleViewProps } from './ScheduleTable';
import { TargetName } from './ScheduleTarget';
import { LastRun, NextRun } from './ScheduleTimes';
import { StateBadge } from './StateBadge';
import classes from './ScheduleCards.module.css';

type CardProps = Omit<ScheduleViewProps, 'schedules'> & { schedule: Schedule };

function Labelled({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className={classes.field}>
      <Text className={classes.label}>{label}</Text>
      {children}
    </div>
  );
}

const Card = memo(function Card({ schedule, viewerZone, onOpen, onEdit, onDelete, onLabel }: CardProps) {
  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      className={classes.card}
      data-testid="schedule-row"
      data-job-id={schedule.jobId}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
          <TitleButton schedule={schedule} onOpen={onOpen} className={classes.title} />
          <StateBadge state={schedule.state} />
        </Group>
        <DescriptionLine schedule={schedule} />
        <LabelList labels={schedule.labels} onPick={onLabel} />
        <Text size="sm" data-testid="rule">
          {describeRule(schedule)}
        </Text>
        <PauseNoteLine schedule={schedule} />
        <Labelled label={`Next run (${viewerZone})`}>
          <NextRun schedule={schedule} viewerZone={viewerZone} />
        </Labelled>
        <Labelled label="Last run">
          <LastRun schedule={schedule} />
        </Labelled>
        <Labelled label="Target">
          <TargetName schedule={schedule} />
        </Labelled>
        <ScheduleActions schedule={schedule} onEdit={onEdit} onDelete={onDelete} layout="buttons" />
      </Stack>
    </Paper>
  );
});

/** The schedules as cards, one under the other, for narrow screens: nothing needs a sideways scroll. */
export function ScheduleCards({ schedules, ...rest }: ScheduleViewProps) {
  return (
    <ul className={classes.list} aria-label="Schedules" data-testid="schedule-cards">
      {schedules.map((schedule) => (
        <Card key={schedule.jobId} schedule={schedule} {...rest} />
      ))}
    </ul>
  );
}
