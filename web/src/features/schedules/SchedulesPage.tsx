import {
  ActionIcon,
  AppShell,
  Button,
  Center,
  Container,
  Group,
  Loader,
  Modal,
  Title,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { IconClockHour4, IconLogout, IconMoon, IconPlus, IconSun } from '@tabler/icons-react';
import { lazy, Suspense, useCallback, useState } from 'react';
import type { Schedule } from '../../api/types';
import { useAppDispatch } from '../../app/hooks';
import { signedOut } from '../auth/authSlice';
import { ConfirmDelete } from './ConfirmDelete';
import { ScheduleDrawer } from './ScheduleDrawer';
import { ScheduleList } from './ScheduleList';

// The form brings the date pickers; it loads when first opened.
const ScheduleForm = lazy(() => import('./ScheduleForm'));

type Editing = { schedule?: Schedule } | null;

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light', { getInitialValueInEffect: true });
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} theme`}
        onClick={() => setColorScheme(next)}
        data-testid="theme-toggle"
      >
        {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}

export function SchedulesPage() {
  const dispatch = useAppDispatch();
  const [editing, setEditing] = useState<Editing>(null);
  const [detailsOf, setDetailsOf] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);

  const openCreate = useCallback(() => setEditing({}), []);
  const openEdit = useCallback((schedule: Schedule) => setEditing({ schedule }), []);
  const openDetails = useCallback((schedule: Schedule) => setDetailsOf(schedule.jobId), []);
  const askDelete = useCallback((schedule: Schedule) => setDeleting(schedule), []);

  return (
    <AppShell header={{ height: 60 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <IconClockHour4 size={26} aria-hidden />
            <Title order={1} size="h3">
              Scheduler
            </Title>
          </Group>
          <Group gap="xs">
            <Button leftSection={<IconPlus size={16} />} onClick={openCreate} data-testid="new-schedule">
              New schedule
            </Button>
            <ThemeToggle />
            <Tooltip label="Sign out">
              <ActionIcon
                variant="default"
                size="lg"
                aria-label="Sign out"
                onClick={() => dispatch(signedOut())}
                data-testid="sign-out"
              >
                <IconLogout size={18} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Container size="xl" component="section" aria-label="Schedules">
          <ScheduleList onCreate={openCreate} onEdit={openEdit} onOpen={openDetails} onDelete={askDelete} />
        </Container>
      </AppShell.Main>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.schedule ? 'Edit schedule' : 'New schedule'}
        closeButtonProps={{ 'aria-label': 'Close the form' }}
        size="lg"
      >
        {editing !== null && (
          <Suspense
            fallback={
              <Center py="xl">
                <Loader aria-label="Loading form" />
              </Center>
            }
          >
            <ScheduleForm schedule={editing.schedule} onDone={() => setEditing(null)} />
          </Suspense>
        )}
      </Modal>
      <ScheduleDrawer jobId={detailsOf} onClose={() => setDetailsOf(null)} />
      <ConfirmDelete schedule={deleting} onClose={() => setDeleting(null)} />
    </AppShell>
  );
}
