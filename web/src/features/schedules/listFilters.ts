import type { Label, ScheduleState } from '../../api/types';
import type { SortOrder } from './sortSchedules';

export type StateFilter = 'ALL' | ScheduleState;

/** What the list is narrowed to: the API applies all three together, across pages. */
export interface ListFilters {
  state: StateFilter;
  /** The start of a name, as typed (any case). */
  name: string;
  /** Every one must match. */
  labels: Label[];
}

export const NO_FILTERS: ListFilters = { state: 'ALL', name: '', labels: [] };

export function isFiltered({ state, name, labels }: ListFilters): boolean {
  return state !== 'ALL' || name.trim() !== '' || labels.length > 0;
}

/** Why the list is empty, in words. */
export function emptyText({ state, name, labels }: ListFilters): string {
  if (!isFiltered({ state, name, labels })) return 'No schedules yet';
  if (name.trim() === '' && labels.length === 0) return `No ${state.toLowerCase()} schedules`;
  return 'No schedules match these filters';
}

/**
 * The orders on offer. The API orders by id (creation), or by name when searching by name;
 * other orders can only sort the page shown, and say so when there is more than one page.
 */
export function orderChoices(paged: boolean, byName: boolean): { value: SortOrder; label: string }[] {
  const thisPage = (label: string) => (paged ? `${label} (this page)` : label);
  if (byName)
    return [
      { value: 'name', label: 'Name A–Z' },
      { value: 'nextRun', label: thisPage('Next run first') },
    ];
  return [
    { value: 'stored', label: 'Oldest first' },
    { value: 'nextRun', label: thisPage('Next run first') },
    { value: 'name', label: thisPage('Name A–Z') },
  ];
}

/** The order chosen, as it applies: a name search comes ordered by name from the API already. */
export function appliedOrder(order: SortOrder, byName: boolean): { shown: SortOrder; sort: SortOrder } {
  if (!byName) return { shown: order, sort: order };
  return order === 'nextRun' ? { shown: 'nextRun', sort: 'nextRun' } : { shown: 'name', sort: 'stored' };
}
