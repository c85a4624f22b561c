import { ActionIcon, Box, Button, Tooltip } from '@mantine/core';
import { IconEdit, IconPlayerPause, IconPlayerPlay, IconSend, IconTrash } from '@tabler/icons-react';
import { forwardRef, type ReactNode } from 'react';
import { useResumeScheduleMutation, useRunScheduleNowMutation } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { notifyFailure, notifySuccess, pageNotifications, type NotificationsStore } from '../../lib/notify';
import { PausePopover } from './PausePopover';
import classes from './ScheduleActions.module.css';

interface Props {
  schedule: Schedule;
  onEdit: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
  /** `icons` for table rows (names in tooltips), `buttons` where there is room for words or no hover. */
  layout: 'icons' | 'buttons';
  /** Where the outcome of an action is told. */
  notifications?: NotificationsStore;
}

interface ActionProps {
  label: string;
  testId: string;
  icon: ReactNode;
  color?: string;
  loading?: boolean;
  /** None when a popover opens it. */
  onClick?: () => void;
}

// Both forward their ref and props, so that a popover can open from them.
const IconAction = forwardRef<HTMLButtonElement, ActionProps>(function IconAction(
  { label, testId, icon, color, loading, onClick, ...popoverProps },
  ref,
) {
  return (
    <Tooltip label={label}>
      <ActionIcon
        ref={ref}
        variant="subtle"
        color={color}
        aria-label={label}
        data-testid={testId}
        loading={loading}
        onClick={onClick}
        {...popoverProps}
      >
        {icon}
      </ActionIcon>
    </Tooltip>
  );
});

const ButtonAction = forwardRef<HTMLButtonElement, ActionProps>(function ButtonAction(
  { label, testId, icon, color, loading, onClick, ...popoverProps },
  ref,
) {
  return (
    <Button
      ref={ref}
      {...popoverProps}
      variant="default"
      size="xs"
      justify="flex-start"
      leftSection={
        <Box component="span" c={color} display="flex" aria-hidden>
          {icon}
        </Box>
      }
      data-testid={testId}
      loading={loading}
      onClick={onClick}
    >
      {label}
    </Button>
  );
});

/**
 * What can be done to a schedule: edit, pause (with a note) or resume, run now, delete. A
 * completed schedule has nothing left to run, so only deleting it is offered.
 */
export function ScheduleActions({ schedule, onEdit, onDelete, layout, notifications = pageNotifications }: Props) {
  const [resume, resuming] = useResumeScheduleMutation();
  const [runNow, running] = useRunScheduleNowMutation();
  const { jobId, state } = schedule;
  const Action = layout === 'icons' ? IconAction : ButtonAction;
  const size = layout === 'icons' ? 18 : 16;

  const perform = async (verb: string, call: () => Promise<unknown>, done: string) => {
    try {
      await call();
      notifySuccess(done, notifications);
    } catch (error) {
      notifyFailure(verb, error, notifications);
    }
  };

  const live = state !== 'COMPLETED';
  return (
    <div className={classes[layout]} data-testid="actions">
      {live && (
        <Action label="Edit" testId="action-edit" icon={<IconEdit size={size} />} onClick={() => onEdit(schedule)} />
      )}
      {live &&
        (state === 'PAUSED' ? (
          <Action
            label="Resume"
            testId="action-resume"
            color="teal"
            icon={<IconPlayerPlay size={size} />}
            loading={resuming.isLoading}
            onClick={() => perform('resume the schedule', () => resume(jobId).unwrap(), 'Schedule resumed')}
          />
        ) : (
          <PausePopover schedule={schedule} notifications={notifications}>
            <Action label="Pause" testId="action-pause" color="yellow" icon={<IconPlayerPause size={size} />} />
          </PausePopover>
        ))}
      {live && (
        <Action
          label="Run now"
          testId="action-run-now"
          icon={<IconSend size={size} />}
          loading={running.isLoading}
          onClick={() => perform('run the schedule', () => runNow(jobId).unwrap(), 'Payload sent')}
        />
      )}
      <Action
        label="Delete"
        testId="action-delete"
        color="red"
        icon={<IconTrash size={size} />}
        onClick={() => onDelete(schedule)}
      />
    </div>
  );
}
