import { Badge, Tooltip } from '@mantine/core';
import type { ScheduleState } from '../../api/types';
import classes from './StateBadge.module.css';

type Tone = 'ok' | 'info' | 'warn' | 'bad' | 'off';

const STATE_TONE: Record<ScheduleState, Tone> = { ACTIVE: 'ok', PAUSED: 'warn', COMPLETED: 'off' };

// Every run status the service knows or will know; any other string still gets a neutral badge.
const RUN_TONE: Record<string, Tone> = {
  DELIVERED: 'ok',
  QUEUED: 'info',
  MISSED: 'warn',
  FAILED: 'bad',
  CANCELED: 'off',
};

const RUN_MEANING: Record<string, string> = {
  DELIVERED: 'Its target accepted it',
  QUEUED: 'Handed to the delivery stage, which delivers it at its time',
  MISSED: 'Not delivered: its time passed while the service could not send it',
  FAILED: 'The target refused it after every retry',
  CANCELED: 'Withdrawn before its time',
};

export function StateBadge({ state }: { state: ScheduleState }) {
  return (
    <Badge variant="light" className={classes.badge} data-tone={STATE_TONE[state]} data-testid="state-badge">
      {state.toLowerCase()}
    </Badge>
  );
}

/** A run's status, as the `status` string says (see `runStatusAt` for the one the UI reads itself). */
export function RunStatusBadge({ status }: { status: string }) {
  const key = status.toUpperCase();
  const badge = (
    <Badge variant="light" className={classes.badge} data-tone={RUN_TONE[key] ?? 'off'} data-testid="run-status">
      {status.toLowerCase()}
    </Badge>
  );
  const meaning = RUN_MEANING[key];
  return meaning ? (
    <Tooltip label={meaning} multiline maw={260}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
