import { CloseButton, Loader, NativeSelect, SegmentedControl, TagsInput, TextInput } from '@mantine/core';
import { IconSearch, IconTag } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { formatLabel, parseLabels } from './labelText';
import type { ListFilters as Filters, StateFilter } from './listFilters';
import type { SortOrder } from './sortSchedules';
import classes from './ScheduleList.module.css';

const STATES: { value: StateFilter; label: string }[] = [
  { value: 'ALL', label: 'All' },
  { value: 'ACTIVE', label: 'Active' },
  { value: 'PAUSED', label: 'Paused' },
  { value: 'COMPLETED', label: 'Completed' },
];

interface Props {
  filters: Filters;
  onChange: (filters: Filters) => void;
  order: SortOrder;
  orders: { value: SortOrder; label: string }[];
  onOrder: (order: SortOrder) => void;
  refreshing: boolean;
  wide: boolean;
}

/** Search by name, filter by labels and state, and the order: the bar above the list. */
export function ListFilters({ filters, onChange, order, orders, onOrder, refreshing, wide }: Props) {
  const [labelError, setLabelError] = useState<string | undefined>();
  // A label refused is put back in the box to be corrected; the box clears itself around the
  // change (before it on Enter, after it on a comma or space), so the text waits in a ref.
  const [typing, setTyping] = useState('');
  const refused = useRef<string | null>(null);
  const changeLabels = (texts: string[]) => {
    const { labels, error } = parseLabels(texts);
    setLabelError(error);
    if (!error) onChange({ ...filters, labels });
    else {
      const shown = new Set(filters.labels.map(formatLabel));
      refused.current = texts.filter((text) => !shown.has(text)).join(',');
      setTyping(refused.current);
    }
  };
  const changeTyping = (text: string) => {
    setTyping(text === '' && refused.current !== null ? refused.current : text);
    refused.current = null;
  };
  return (
    <div className={classes.filters} role="search" aria-label="Find schedules" data-testid="filter-bar">
      <TextInput
        aria-label="Search by name"
        placeholder="Search by name"
        leftSection={<IconSearch size={16} aria-hidden />}
        rightSection={
          filters.name ? (
            <CloseButton size="sm" aria-label="Clear the search" onClick={() => onChange({ ...filters, name: '' })} />
          ) : null
        }
        value={filters.name}
        onChange={(event) => onChange({ ...filters, name: event.currentTarget.value })}
        maxLength={200}
        type="search"
        className={classes.search}
        data-testid="name-search"
      />
      <NativeSelect
        aria-label="Order"
        data={orders}
        value={order}
        onChange={(event) => onOrder(event.currentTarget.value as SortOrder)}
        className={classes.order}
        data-testid="sort-order"
      />
      <TagsInput
        aria-label="Filter by labels"
        placeholder={filters.labels.length ? undefined : 'Labels: team=payments, then Enter'}
        leftSection={<IconTag size={16} aria-hidden />}
        value={filters.labels.map(formatLabel)}
        onChange={changeLabels}
        searchValue={typing}
        onSearchChange={changeTyping}
        splitChars={[',', ' ']}
        acceptValueOnBlur
        clearable
        clearButtonProps={{ 'aria-label': 'Clear the label filters' }}
        error={labelError}
        className={classes.labels}
        data-testid="label-filter"
      />
      <SegmentedControl
        aria-label="Filter by state"
        data={STATES}
        value={filters.state}
        onChange={(value) => onChange({ ...filters, state: value as StateFilter })}
        fullWidth={!wide}
        className={classes.stateFilter}
        data-testid="state-filter"
      />
      {refreshing && <Loader size="xs" aria-label="Refreshing" />}
    </div>
  );
}
