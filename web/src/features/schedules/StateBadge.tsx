import { Badge } from '@mantine/core';
import type { RunStatus, ScheduleState } from '../../api/types';
import classes from './StateBadge.module.css';

type Tone = 'ok' | 'warn' | 'off';

const STATE_TONE: Record<ScheduleState, Tone> = { ACTIVE: 'ok', PAUSED: 'warn', COMPLETED: 'off' };
const RUN_TONE: Record<RunStatus, Tone> = { DELIVERED: 'ok', MISSED: 'warn' };

export function StateBadge({ state }: { state: ScheduleState }) {
  return (
    <Badge variant="light" className={classes.badge} data-tone={STATE_TONE[state]} data-testid="state-badge">
      {state.toLowerCase()}
    </Badge>
  );
}

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge variant="light" className={classes.badge} data-tone={RUN_TONE[status]} data-testid="run-status">
      {status.toLowerCase()}
    </Badge>
  );
}
