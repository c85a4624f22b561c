import { Stack, Table, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { memo } from 'react';
import type { Label, Schedule } from '../../api/types';
import { describeRule } from './recurrenceText';
import { DescriptionLine, LabelList, PauseNoteLine } from './ScheduleAbout';
import { ScheduleActions } from './ScheduleActions';
import { scheduleTitle } from './scheduleText';
import { TargetName } from './ScheduleTarget';
import { LastRun, NextRun } from './ScheduleTimes';
import { StateBadge } from './StateBadge';
import classes from './ScheduleTable.module.css';

export interface ScheduleViewProps {
  schedules: Schedule[];
  viewerZone: string;
  onOpen: (schedule: Schedule) => void;
  onEdit: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
  /** A label picked on a schedule, to find the others that have it. */
  onLabel: (label: Label) => void;
}

type ItemProps = Omit<ScheduleViewProps, 'schedules'> & { schedule: Schedule };

/** The schedule's title as the way into its details. */
export function TitleButton({
  schedule,
  onOpen,
  className,
}: Pick<ItemProps, 'schedule' | 'onOpen'> & { className: string }) {
  const title = scheduleTitle(schedule);
  return (
    <UnstyledButton
      className={className}
      onClick={() => onOpen(schedule)}
      // The visible text leads the name, so speech input can say what it sees (WCAG 2.5.3).
      aria-label={`${title}, details`}
      data-testid="schedule-title"
    >
      {title}
    </UnstyledButton>
  );
}

const Row = memo(function Row({ schedule, viewerZone, onOpen, onEdit, onDelete, onLabel }: ItemProps) {
  return (
    <Table.Tr data-testid="schedule-row" data-job-id={schedule.jobId}>
      <Table.Td>
        <Stack gap={4} className={classes.about}>
          <TitleButton schedule={schedule} onOpen={onOpen} className={classes.title} />
          <DescriptionLine schedule={schedule} />
          <LabelList labels={schedule.labels} onPick={onLabel} />
          <PauseNoteLine schedule={schedule} />
        </Stack>
      </Table.Td>
      <Table.Td data-testid="rule">{describeRule(schedule)}</Table.Td>
      <Table.Td>
        <TargetName schedule={schedule} />
      </Table.Td>
      <Table.Td>
        <NextRun schedule={schedule} viewerZone={viewerZone} />
      </Table.Td>
      <Table.Td>
        <StateBadge state={schedule.state} />
      </Table.Td>
      <Table.Td>
        <LastRun schedule={schedule} />
      </Table.Td>
      <Table.Td>
        <ScheduleActions schedule={schedule} onEdit={onEdit} onDelete={onDelete} layout="icons" />
      </Table.Td>
    </Table.Tr>
  );
});

/** The schedules as table rows, for screens wide enough to show every column. */
export function ScheduleTable({ schedules, ...rest }: ScheduleViewProps) {
  return (
    <Table.ScrollContainer minWidth={880} className={classes.scroll}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Schedules" data-testid="schedule-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Schedule</Table.Th>
            <Table.Th>Rule</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Next run ({rest.viewerZone})</Table.Th>
            <Table.Th w={110}>State</Table.Th>
            <Table.Th w={190}>Last run</Table.Th>
            <Table.Th w={150}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {schedules.map((schedule) => (
            <Row key={schedule.jobId} schedule={schedule} {...rest} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
