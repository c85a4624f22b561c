import { Badge, Text } from '@mantine/core';
import type { Label, Schedule } from '../../api/types';
import { formatLabel } from './labelText';
import classes from './ScheduleAbout.module.css';

/** A schedule's labels; with `onPick`, each one finds the schedules that have it too. */
export function LabelList({ labels, onPick }: { labels: Label[]; onPick?: (label: Label) => void }) {
  if (labels.length === 0) return null;
  return (
    <ul className={classes.labels} aria-label="Labels" data-testid="labels">
      {labels.map((label) => {
        const text = formatLabel(label);
        return (
          <li key={label.key}>
            {onPick ? (
              <Badge
                component="button"
                type="button"
                size="sm"
                className={classes.label}
                onClick={() => onPick(label)}
                aria-label={`${text}: show the schedules labelled so`}
                data-testid="label"
              >
                {text}
              </Badge>
            ) : (
              <Badge size="sm" className={classes.label} data-testid="label">
                {text}
              </Badge>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The description's first lines, for a list; the drawer shows it whole. */
export function DescriptionLine({ schedule }: { schedule: Pick<Schedule, 'description'> }) {
  if (!schedule.description) return null;
  return (
    <Text className={classes.description} lineClamp={2} data-testid="description">
      {schedule.description}
    </Text>
  );
}

/** Why a paused schedule is paused, when whoever paused it said. */
export function PauseNoteLine({ schedule }: { schedule: Pick<Schedule, 'state' | 'pauseNote'> }) {
  if (schedule.state !== 'PAUSED' || !schedule.pauseNote) return null;
  return (
    <Text className={classes.pauseNote} data-testid="pause-note">
      Paused: {schedule.pauseNote}
    </Text>
  );
}
