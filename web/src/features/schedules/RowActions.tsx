import { ActionIcon, Group, Tooltip } from '@mantine/core';
import { IconEdit, IconPlayerPause, IconPlayerPlay, IconSend, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { usePauseScheduleMutation, useResumeScheduleMutation, useRunScheduleNowMutation } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { notifyFailure, notifySuccess } from '../../lib/notify';

interface Props {
  schedule: Schedule;
  onEdit: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
}

interface ActionProps {
  label: string;
  testId: string;
  icon: ReactNode;
  color?: string;
  loading?: boolean;
  disabled?: boolean;
  onClick: () => void;
}

function Action({ label, testId, icon, color, loading, disabled, onClick }: ActionProps) {
  return (
    <Tooltip label={label}>
      <ActionIcon
        variant="subtle"
        color={color}
        aria-label={label}
        data-testid={testId}
        loading={loading}
        disabled={disabled}
        onClick={onClick}
      >
        {icon}
      </ActionIcon>
    </Tooltip>
  );
}

async function perform(verb: string, call: () => Promise<unknown>, done: string) {
  try {
    await call();
    notifySuccess(done);
  } catch (error) {
    notifyFailure(verb, error);
  }
}

export function RowActions({ schedule, onEdit, onDelete }: Props) {
  const [pause, pausing] = usePauseScheduleMutation();
  const [resume, resuming] = useResumeScheduleMutation();
  const [runNow, running] = useRunScheduleNowMutation();
  const { jobId, state } = schedule;

  return (
    <Group gap={4} wrap="nowrap">
      <Action label="Edit" testId="action-edit" icon={<IconEdit size={18} />} onClick={() => onEdit(schedule)} />
      {state === 'PAUSED' ? (
        <Action
          label="Resume"
          testId="action-resume"
          color="teal"
          icon={<IconPlayerPlay size={18} />}
          loading={resuming.isLoading}
          onClick={() => perform('resume the schedule', () => resume(jobId).unwrap(), 'Schedule resumed')}
        />
      ) : (
        <Action
          label="Pause"
          testId="action-pause"
          color="yellow"
          icon={<IconPlayerPause size={18} />}
          disabled={state === 'COMPLETED'}
          loading={pausing.isLoading}
          onClick={() => perform('pause the schedule', () => pause(jobId).unwrap(), 'Schedule paused')}
        />
      )}
      <Action
        label="Run now"
        testId="action-run-now"
        icon={<IconSend size={18} />}
        loading={running.isLoading}
        onClick={() => perform('run the schedule', () => runNow(jobId).unwrap(), 'Payload sent')}
      />
      <Action
        label="Delete"
        testId="action-delete"
        color="red"
        icon={<IconTrash size={18} />}
        onClick={() => onDelete(schedule)}
      />
    </Group>
  );
}
