import { describe, expect, it } from 'vitest';
import { appliedOrder, emptyText, NO_FILTERS, orderChoices } from './listFilters';

describe('list filters', () => {
  it('says why the list is empty', () => {
    expect(emptyText(NO_FILTERS)).toBe('No schedules yet');
    expect(emptyText({ ...NO_FILTERS, state: 'PAUSED' })).toBe('No paused schedules');
    expect(emptyText({ ...NO_FILTERS, name: 'cool' })).toBe('No schedules match these filters');
    expect(emptyText({ ...NO_FILTERS, labels: [{ key: 'team', value: 'a' }] })).toBe(
      'No schedules match these filters',
    );
  });

  it('offers orders that say when they cover only the page shown', () => {
    expect(orderChoices(false, false).map((choice) => choice.label)).toEqual([
      'Oldest first',
      'Next run first',
      'Name A–Z',
    ]);
    expect(orderChoices(true, false).map((choice) => choice.label)).toEqual([
      'Oldest first',
      'Next run first (this page)',
      'Name A–Z (this page)',
    ]);
  });

  it('orders a name search by name across pages, as the API does', () => {
    expect(orderChoices(true, true).map((choice) => choice.label)).toEqual(['Name A–Z', 'Next run first (this page)']);
    expect(appliedOrder('stored', true)).toEqual({ shown: 'name', sort: 'stored' });
    expect(appliedOrder('name', true)).toEqual({ shown: 'name', sort: 'stored' });
    expect(appliedOrder('nextRun', true)).toEqual({ shown: 'nextRun', sort: 'nextRun' });
    expect(appliedOrder('name', false)).toEqual({ shown: 'name', sort: 'name' });
  });
});
