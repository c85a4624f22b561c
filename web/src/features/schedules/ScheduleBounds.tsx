import type { CatchUp, Schedule } from '../../api/types';
import { formatInZone } from '../../lib/time';
import { Fact, Facts } from './Facts';

const CATCH_UP_TEXT: Record<CatchUp, string> = {
  LATEST: 'latest: the latest late run is delivered, the others recorded missed',
  ALL: 'all: every late run is delivered, oldest first',
  NONE: 'none: nothing is delivered late; late runs are recorded missed',
};

function runsText({ maxRuns, remainingRuns }: Pick<Schedule, 'maxRuns' | 'remainingRuns'>): string {
  if (maxRuns === null) return 'no limit';
  return remainingRuns === null ? `at most ${maxRuns}` : `${remainingRuns} of ${maxRuns} left`;
}

/** A recurring schedule's bounds and catch-up policy, in the viewer's zone and its own. */
export function ScheduleBounds({ schedule, viewerZone }: { schedule: Schedule; viewerZone: string }) {
  if (schedule.recurring === 'NONE') return null;
  const at = (instant: string) =>
    formatInZone(instant, viewerZone) +
    (schedule.timezone === viewerZone ? '' : ` (${formatInZone(instant, schedule.timezone)} ${schedule.timezone})`);
  return (
    <Facts testId="drawer-bounds">
      <Fact label="Starts">{schedule.startAt ? at(schedule.startAt) : 'with its first run'}</Fact>
      <Fact label="Ends">{schedule.endAt ? at(schedule.endAt) : 'never'}</Fact>
      <Fact label="Runs">{runsText(schedule)}</Fact>
      <Fact label="Catch-up">{CATCH_UP_TEXT[schedule.catchUp]}</Fact>
    </Facts>
  );
}
