import { Code, Text } from '@mantine/core';
import { useTargetsQuery } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { targetLabel, targetOf } from './targetText';

/** The schedule's target by name, or the namespace's default and which one it is. */
export function TargetName({ schedule }: { schedule: Schedule }) {
  const { data: targets } = useTargetsQuery();
  return (
    <Text size="sm" span data-testid="target">
      {targetLabel(schedule.target, targets)}
    </Text>
  );
}

/** The drawer's line: the target, and the queue its runs go to. */
export function TargetDetail({ schedule }: { schedule: Schedule }) {
  const { data: targets } = useTargetsQuery();
  const target = targetOf(schedule.target, targets);
  const gone = targets !== undefined && schedule.target !== null && target === undefined;
  return (
    <Text size="sm" data-testid="drawer-target">
      {targetLabel(schedule.target, targets)}
      {target?.builtIn && ", the stack's own queue"}
      {gone && ' (no longer a target of this namespace)'}
      {target && (
        <>
          {' · '}
          <Code>{target.url}</Code>
        </>
      )}
    </Text>
  );
}
