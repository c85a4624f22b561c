import { Button, Group, Popover, Stack, Text, TextInput } from '@mantine/core';
import { cloneElement, useState, type FormEvent, type ReactElement } from 'react';
import { usePauseScheduleMutation } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { notifyFailure, notifySuccess, type NotificationsStore } from '../../lib/notify';

// The API keeps a note of up to 500 characters (service/domain/about.py, MAX_PAUSE_NOTE).
const MAX_NOTE = 500;

interface Props {
  schedule: Pick<Schedule, 'jobId' | 'state' | 'pauseNote'>;
  /** The button that opens it. */
  children: ReactElement<{ onClick?: () => void }>;
  notifications: NotificationsStore;
}

/**
 * Pausing asks, in a small box by the button, why (optional: the note is shown with the
 * schedule until it is resumed). On a paused schedule the same box changes the note.
 */
export function PausePopover({ schedule, children, notifications }: Props) {
  const [opened, setOpened] = useState(false);
  const [note, setNote] = useState('');
  const [pause, pausing] = usePauseScheduleMutation();
  const changing = schedule.state === 'PAUSED';

  const open = (next: boolean) => {
    if (next) setNote(schedule.pauseNote ?? '');
    setOpened(next);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await pause({ jobId: schedule.jobId, note: note.trim() || null }).unwrap();
      setOpened(false);
      notifySuccess(changing ? 'Note changed' : 'Schedule paused', notifications);
    } catch (error) {
      setOpened(false);
      notifyFailure(changing ? 'change the note' : 'pause the schedule', error, notifications);
    }
  };

  const title = changing ? 'Why is it paused?' : 'Pause this schedule';
  return (
    <Popover
      opened={opened}
      onChange={open}
      trapFocus
      returnFocus
      position="bottom-end"
      withArrow
      shadow="md"
      width={300}
    >
      {/* A controlled popover leaves its button's clicks to it. */}
      <Popover.Target>{cloneElement(children, { onClick: () => open(!opened) })}</Popover.Target>
      {/* Named by the button that opened it (Pause, Change the note). */}
      <Popover.Dropdown data-testid="pause-popover">
        <form onSubmit={submit} aria-label={title}>
          <Stack gap="xs">
            {!changing && (
              <Text size="sm">No run goes out until it is resumed; runs due meanwhile are not made up.</Text>
            )}
            <TextInput
              label={changing ? 'Note' : 'Why? (optional)'}
              description="Shown with the schedule until it is resumed"
              value={note}
              onChange={(event) => setNote(event.currentTarget.value)}
              maxLength={MAX_NOTE}
              data-autofocus
              data-testid="pause-note-input"
            />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" size="xs" onClick={() => setOpened(false)}>
                Cancel
              </Button>
              <Button type="submit" size="xs" loading={pausing.isLoading} data-testid="confirm-pause">
                {changing ? 'Save the note' : 'Pause'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}
