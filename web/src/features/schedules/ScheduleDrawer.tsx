import { Drawer, Loader, Text } from '@mantine/core';
import { cleanNotifications, createNotificationsStore } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useGetScheduleQuery } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { errorMessage } from '../../lib/notify';
import { useScreenAtLeast } from '../../lib/useScreenAtLeast';
import { CALM_REFRESH_MS, refreshInterval } from './liveRefresh';
import { ScheduleDetails } from './ScheduleDetails';
import { scheduleTitle } from './scheduleText';

interface Props {
  jobId: string | null;
  onClose: () => void;
  onEdit: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
}

const RUNS_STEP = 20;
const RUNS_MAX = 100;

/** One schedule in full, with its own actions, over the list. */
export function ScheduleDrawer({ jobId, onClose, onEdit, onDelete }: Props) {
  const [runs, setRuns] = useState(RUNS_STEP);
  // The drawer covers the page's message strip, so its actions report inside it.
  const [notifications] = useState(createNotificationsStore);
  const roomy = useScreenAtLeast('sm');
  const [pollingInterval, setPollingInterval] = useState(CALM_REFRESH_MS);
  const { data, error, isLoading } = useGetScheduleQuery(
    { jobId: jobId ?? '', runs },
    { skip: !jobId, pollingInterval, skipPollingIfUnfocused: true },
  );
  useEffect(() => {
    setPollingInterval(data ? refreshInterval([data], Date.now(), data.runs.nodes) : CALM_REFRESH_MS);
  }, [data]);
  useEffect(() => {
    setRuns(RUNS_STEP);
    cleanNotifications(notifications);
  }, [jobId, notifications]);

  let body;
  if (isLoading) body = <Loader aria-label="Loading schedule" />;
  else if (error) body = <Text c="red">{errorMessage(error)}</Text>;
  else if (!data) body = <Text>This schedule no longer exists.</Text>;
  else
    body = (
      <ScheduleDetails
        schedule={data}
        notifications={notifications}
        onEdit={onEdit}
        onDelete={onDelete}
        onShowMoreRuns={runs < RUNS_MAX ? () => setRuns(runs + RUNS_STEP) : null}
      />
    );

  return (
    <Drawer
      opened={jobId !== null}
      onClose={onClose}
      position="right"
      closeButtonProps={{ 'aria-label': 'Close the details' }}
      size={roomy ? 'lg' : '100%'}
      title={data ? scheduleTitle(data) : 'Schedule'}
      styles={{
        title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-lg)', overflowWrap: 'anywhere', minWidth: 0 },
      }}
      data-testid="schedule-drawer"
    >
      {body}
    </Drawer>
  );
}
