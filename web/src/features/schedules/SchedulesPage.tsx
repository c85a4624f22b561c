import {
  ActionIcon,
  Button,
  Center,
  Container,
  Drawer,
  Group,
  Loader,
  Modal,
  Title,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { IconClockHour4, IconLogout, IconMoon, IconPlus, IconSun, IconTargetArrow } from '@tabler/icons-react';
import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import type { Schedule } from '../../api/types';
import { useAppDispatch } from '../../app/hooks';
import { NotificationRegion } from '../../lib/NotificationRegion';
import { useScreenAtLeast } from '../../lib/useScreenAtLeast';
import { signedOut } from '../auth/authSlice';
import { DeliveriesPanel } from '../deliveries/DeliveriesPanel';
import { TargetsPanel } from '../targets/TargetsPanel';
import { ConfirmDelete } from './ConfirmDelete';
import { ScheduleDrawer } from './ScheduleDrawer';
import { ScheduleList } from './ScheduleList';
import classes from './SchedulesPage.module.css';

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

/**
 * The page: a header, the list, and a message strip below it. Only the list scrolls, so the
 * header and the messages take their own room and never lie over a row.
 */
export function SchedulesPage() {
  const dispatch = useAppDispatch();
  const [editing, setEditing] = useState<Editing>(null);
  const [detailsOf, setDetailsOf] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [showTargets, setShowTargets] = useState(false);
  const main = useRef<HTMLElement>(null);
  const roomy = useScreenAtLeast('sm');

  const openCreate = useCallback(() => setEditing({}), []);
  const openEdit = useCallback((schedule: Schedule) => setEditing({ schedule }), []);
  const openDetails = useCallback((schedule: Schedule) => setDetailsOf(schedule.jobId), []);
  const askDelete = useCallback((schedule: Schedule) => setDeleting(schedule), []);
  const toTop = useCallback(() => main.current?.scrollTo?.({ top: 0 }), []);

  return (
    <div className={classes.page}>
      <header className={classes.header}>
        <Group gap="xs" wrap="nowrap">
          {/* On a phone the four buttons need the room the clock takes. */}
          <IconClockHour4 size={26} aria-hidden className={classes.wideOnly} />
          <Title order={1} size="h3">
            Scheduler
          </Title>
        </Group>
        <Group gap={roomy ? 'xs' : 6} wrap="nowrap">
          <Button
            leftSection={<IconPlus size={16} />}
            onClick={openCreate}
            aria-label="New schedule"
            data-testid="new-schedule"
          >
            New<span className={classes.wideOnly}>&nbsp;schedule</span>
          </Button>
          <Tooltip label="Targets">
            <ActionIcon
              variant="default"
              size="lg"
              aria-label="Targets"
              onClick={() => setShowTargets(true)}
              data-testid="show-targets"
            >
              <IconTargetArrow size={18} />
            </ActionIcon>
          </Tooltip>
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
      </header>
      <main className={classes.main} ref={main}>
        <Container size="xl" py="md" px={{ base: 'sm', sm: 'md' }} component="section" aria-label="Schedules">
          <div className={classes.deliveries}>
            <DeliveriesPanel />
          </div>
          <ScheduleList
            onCreate={openCreate}
            onEdit={openEdit}
            onOpen={openDetails}
            onDelete={askDelete}
            onPageChange={toTop}
          />
        </Container>
      </main>
      <NotificationRegion label="Notifications" />
      {/* The drawer comes first: the form and the delete dialog it opens then lie over it. */}
      <ScheduleDrawer jobId={detailsOf} onClose={() => setDetailsOf(null)} onEdit={openEdit} onDelete={askDelete} />
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.schedule ? 'Edit schedule' : 'New schedule'}
        closeButtonProps={{ 'aria-label': 'Close the form' }}
        size="lg"
        fullScreen={!roomy}
        classNames={{ body: classes.formBody }}
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
      <Drawer
        opened={showTargets}
        onClose={() => setShowTargets(false)}
        position="right"
        size={roomy ? 'md' : '100%'}
        title="Targets"
        closeButtonProps={{ 'aria-label': 'Close the targets' }}
        styles={{ title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-lg)' } }}
        data-testid="targets-drawer"
      >
        <TargetsPanel />
      </Drawer>
      <ConfirmDelete
        schedule={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(jobId) => setDetailsOf((open) => (open === jobId ? null : open))}
      />
    </div>
  );
}
