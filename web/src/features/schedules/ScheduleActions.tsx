import { ActionIcon, Box, Button, Tooltip } from '@mantine/core';
import { IconEdit, IconPlayerPause, IconPlayerPlay, IconSend, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { usePauseScheduleMutation, useResumeScheduleMutation, useRunScheduleNowMutation } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { notifyFailure, notifySuccess, pageNotifications, type NotificationsStore } from '../../lib/notify';
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
  onClick: () => void;
}

function IconAction({ label, testId, icon, color, loading, onClick }: ActionProps) {
  return (
    <Tooltip label={label}>
      <ActionIcon
        variant="subtle"
        color={color}
        aria-label={label}
        data-testid={testId}
        loading={loading}
        onClick={onClick}
      >
        {icon}
      </ActionIcon>
    </Tooltip>
  );
}

function ButtonAction({ label, testId, icon, color, loading, onClick }: ActionProps) {
  return (
    <Button
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
}

/**
 * What can be done to a schedule: edit, pause or resume, run now, delete. A completed schedule
 * has nothing left to run, so only deleting it is offered.
 */
export function ScheduleActions({ schedule, onEdit, onDelete, layout, notifications = pageNotifications }: Props) {
  const [pause, pausing] = usePauseScheduleMutation();
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
          <Action
            label="Pause"
            testId="action-pause"
            color="yellow"
            icon={<IconPlayerPause size={size} />}
            loading={pausing.isLoading}
            onClick={() => perform('pause the schedule', () => pause(jobId).unwrap(), 'Schedule paused')}
          />
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
