import { Badge } from '@mantine/core';
import type { RunStatus, ScheduleState } from '../../api/types';

const STATE_COLOR: Record<ScheduleState, string> = { ACTIVE: 'teal', PAUSED: 'yellow', COMPLETED: 'gray' };
const RUN_COLOR: Record<RunStatus, string> = { DELIVERED: 'teal', MISSED: 'orange' };

export function StateBadge({ state }: { state: ScheduleState }) {
  return (
    <Badge color={STATE_COLOR[state]} variant="light" data-testid="state-badge">
      {state.toLowerCase()}
    </Badge>
  );
}

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge color={RUN_COLOR[status]} variant="dot" data-testid="run-status">
      {status.toLowerCase()}
    </Badge>
  );
}
