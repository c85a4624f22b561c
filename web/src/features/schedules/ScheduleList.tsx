import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconCalendarOff, IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useListSchedulesQuery } from '../../api/schedulerApi';
import type { Label, Schedule } from '../../api/types';
import { errorMessage } from '../../lib/notify';
import { browserTimeZone } from '../../lib/time';
import { useScreenAtLeast } from '../../lib/useScreenAtLeast';
import { ListFilters } from './ListFilters';
import {
  appliedOrder,
  emptyText,
  isFiltered,
  NO_FILTERS,
  orderChoices,
  type ListFilters as Filters,
} from './listFilters';
import { CALM_REFRESH_MS, refreshInterval } from './liveRefresh';
import { ScheduleCards } from './ScheduleCards';
import { ScheduleTable } from './ScheduleTable';
import { sortSchedules, type SortOrder } from './sortSchedules';

// Each keystroke of a name search would be a request: the list asks once typing pauses.
const SEARCH_DELAY_MS = 300;

interface Props {
  onOpen: (schedule: Schedule) => void;
  onEdit: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule) => void;
  onCreate: () => void;
  /** Brings a new page into view (the page's scrolling element is the layout's, not the window's). */
  onPageChange?: () => void;
}

/** The schedules, a server page at a time, found by name, labels and state, in the order chosen. */
export function ScheduleList({ onCreate, onPageChange, ...handlers }: Props) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [order, setOrder] = useState<SortOrder>('stored');
  // The cursor that starts each page seen so far: page n starts after cursors[n].
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  const wide = useScreenAtLeast('md');
  const viewerZone = browserTimeZone();
  const [namePrefix] = useDebouncedValue(filters.name.trim(), SEARCH_DELAY_MS);
  const [pollingInterval, setPollingInterval] = useState(CALM_REFRESH_MS);
  const { data, error, isLoading, isFetching, refetch } = useListSchedulesQuery(
    {
      state: filters.state === 'ALL' ? null : filters.state,
      after: cursors[page],
      labels: filters.labels,
      namePrefix: namePrefix || null,
    },
    { pollingInterval, skipPollingIfUnfocused: true },
  );
  useEffect(() => {
    setPollingInterval(refreshInterval(data?.nodes ?? [], Date.now()));
  }, [data]);
  const byName = namePrefix !== '';
  const { shown: shownOrder, sort } = appliedOrder(order, byName);
  const shown = useMemo(() => (data ? sortSchedules(data.nodes, sort) : []), [data, sort]);

  // Deleting or completing the last rows of a later page leaves it empty: show the one before.
  const emptiedLaterPage = page > 0 && data !== undefined && data.nodes.length === 0 && !isFetching;
  useEffect(() => {
    if (emptiedLaterPage) setCursors((current) => current.slice(0, -1));
  }, [emptiedLaterPage]);

  const changeFilters = useCallback((next: Filters) => {
    setFilters(next);
    setCursors([null]);
  }, []);
  // A label of a schedule, picked: the list shows the schedules that have it too.
  const pickLabel = useCallback(
    (label: Label) =>
      changeFilters({
        ...filters,
        labels: [...filters.labels.filter((known) => known.key !== label.key), label],
      }),
    [changeFilters, filters],
  );
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
    const filtered = isFiltered(filters);
    body = (
      <Stack align="center" py="xl" gap="xs" data-testid="schedules-empty">
        <IconCalendarOff size={40} aria-hidden />
        <Text fw={500}>{emptyText(filters)}</Text>
        {byName && (
          <Text size="sm" c="dimmed" ta="center">
            A search by name finds only schedules that have a name.
          </Text>
        )}
        {filtered ? (
          <Button variant="default" onClick={() => changeFilters(NO_FILTERS)}>
            Clear the filters
          </Button>
        ) : (
          <Button onClick={onCreate}>Create your first schedule</Button>
        )}
      </Stack>
    );
  } else {
    const View = wide ? ScheduleTable : ScheduleCards;
    body = <View schedules={shown} viewerZone={viewerZone} onLabel={pickLabel} {...handlers} />;
  }

  return (
    <Stack gap="md">
      <ListFilters
        filters={filters}
        onChange={changeFilters}
        order={shownOrder}
        orders={orderChoices(Boolean(data?.pageInfo.hasNextPage) || page > 0, byName)}
        onOrder={setOrder}
        refreshing={isFetching && !isLoading}
        wide={wide}
      />
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
