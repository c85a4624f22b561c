import { Alert, Button, Center, Group, Loader, NativeSelect, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCalendarOff, IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useListSchedulesQuery } from '../../api/schedulerApi';
import type { Schedule, ScheduleState } from '../../api/types';
import { errorMessage } from '../../lib/notify';
import { browserTimeZone } from '../../lib/time';
import { useScreenAtLeast } from '../../lib/useScreenAtLeast';
import { CALM_REFRESH_MS, refreshInterval } from './liveRefresh';
import { ScheduleCards } from './ScheduleCards';
import { ScheduleTable } from './ScheduleTable';
import { sortSchedules, type SortOrder } from './sortSchedules';
import classes from './ScheduleList.module.css';

type Filter = 'ALL' | ScheduleState;

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'ALL', label: 'All' },
  { value: 'ACTIVE', label: 'Active' },
  { value: 'PAUSED', label: 'Paused' },
  { value: 'COMPLETED', label: 'Completed' },
];

const ORDER_LABELS: Record<SortOrder, string> = { stored: 'Oldest first', nextRun: 'Next run first' };

/** The orders on offer; with more than one page, sorting covers the page shown. */
function orders(paged: boolean) {
  return (Object.keys(ORDER_LABELS) as SortOrder[]).map((value) => ({
    value,
    label: paged && value !== 'stored' ? `${ORDER_LABELS[value]} (this page)` : ORDER_LABELS[value],
  }));
}

interface Props {
  onOpen: (schedule: Schedule) => void;
  onEdit: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
  onCreate: () => void;
  /** Brings a new page into view (the page's scrolling element is the layout's, not the window's). */
  onPageChange?: () => void;
}

/** The schedules, a server page at a time, with their state filter and order. */
export function ScheduleList({ onCreate, onPageChange, ...handlers }: Props) {
  const [filter, setFilter] = useState<Filter>('ALL');
  const [order, setOrder] = useState<SortOrder>('stored');
  // The cursor that starts each page seen so far: page n starts after cursors[n].
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const wide = useScreenAtLeast('md');
  const viewerZone = browserTimeZone();
  const [pollingInterval, setPollingInterval] = useState(CALM_REFRESH_MS);
  const { data, error, isLoading, isFetching, refetch } = useListSchedulesQuery(
    { state: filter === 'ALL' ? null : filter, after: cursors[page] },
    { pollingInterval, skipPollingIfUnfocused: true },
  );
  useEffect(() => {
    setPollingInterval(refreshInterval(data?.nodes ?? [], Date.now()));
  }, [data]);
  const shown = useMemo(() => (data ? sortSchedules(data.nodes, order) : []), [data, order]);

  // Deleting or completing the last rows of a later page leaves it empty: show the one before.
  const emptiedLaterPage = page > 0 && data !== undefined && data.nodes.length === 0 && !isFetching;
  useEffect(() => {
    if (emptiedLaterPage) setCursors((current) => current.slice(0, -1));
  }, [emptiedLaterPage]);

  const changeFilter = (value: string) => {
    setFilter(value as Filter);
    setCursors([null]);
  };
  const next = () => {
    if (data?.pageInfo.endCursor) setCursors([...cursors, data.pageInfo.endCursor]);
    onPageChange?.();
  };
  const previous = () => {
    setCursors(cursors.slice(0, -1));
    onPageChange?.();
  };

  let body;
  if (isLoading) {
    body = (
      <Center py="xl" data-testid="schedules-loading">
        <Loader aria-label="Loading schedules" />
      </Center>
    );
  } else if (error && !data) {
    body = (
      <Alert color="red" icon={<IconAlertCircle />} title="Could not load schedules" data-testid="schedules-error">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(error)}</Text>
          <Button size="xs" variant="light" onClick={() => refetch()}>
            Try again
          </Button>
        </Stack>
      </Alert>
    );
  } else if (shown.length === 0) {
    body = (
      <Stack align="center" py="xl" gap="xs" data-testid="schedules-empty">
        <IconCalendarOff size={40} aria-hidden />
        <Text fw={500}>{filter === 'ALL' ? 'No schedules yet' : `No ${filter.toLowerCase()} schedules`}</Text>
        {filter === 'ALL' && (
          <Button variant="light" onClick={onCreate}>
            Create your first schedule
          </Button>
        )}
      </Stack>
    );
  } else {
    const View = wide ? ScheduleTable : ScheduleCards;
    body = <View schedules={shown} viewerZone={viewerZone} {...handlers} />;
  }

  return (
    <Stack gap="md">
      <div className={classes.filters} role="group" aria-label="Filter and order" data-testid="filter-bar">
        <SegmentedControl
          aria-label="Filter by state"
          data={FILTERS}
          value={filter}
          onChange={changeFilter}
          fullWidth={!wide}
          className={classes.stateFilter}
          data-testid="state-filter"
        />
        <NativeSelect
          aria-label="Order"
          data={orders(Boolean(data?.pageInfo.hasNextPage) || page > 0)}
          value={order}
          onChange={(event) => setOrder(event.currentTarget.value as SortOrder)}
          className={classes.order}
          data-testid="sort-order"
        />
        {isFetching && !isLoading && <Loader size="xs" aria-label="Refreshing" />}
      </div>
      {body}
      <Group justify="flex-end" gap="xs" aria-label="Pages" role="navigation">
        <Text size="sm" c="dimmed" data-testid="page-number">
          Page {page + 1}
        </Text>
        <Button
          variant="default"
          size="xs"
          leftSection={<IconChevronLeft size={16} />}
          disabled={page === 0}
          onClick={previous}
          data-testid="page-previous"
        >
          Previous
        </Button>
        <Button
          variant="default"
          size="xs"
          rightSection={<IconChevronRight size={16} />}
          disabled={!data?.pageInfo.hasNextPage || isFetching}
          onClick={next}
          data-testid="page-next"
        >
          Next
        </Button>
      </Group>
    </Stack>
  );
}
