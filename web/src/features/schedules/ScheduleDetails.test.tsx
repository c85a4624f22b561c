import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Schedule, ScheduleDetail } from '../../api/types';
import { pageNotifications } from '../../lib/notify';
import { aSchedule } from '../../test/builders';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { ScheduleDetails } from './ScheduleDetails';

function aDetail(overrides: Partial<Schedule> = {}): ScheduleDetail {
  return {
    ...aSchedule({ jobId: 'job-9', recurring: 'DAILY', runAt: '2090-01-15T02:00:00Z', ...overrides }),
    nextRuns: [],
    runs: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
  };
}

function showDrawerOf(schedule: ScheduleDetail) {
  renderWithStore(
    <ScheduleDetails
      schedule={schedule}
      notifications={pageNotifications}
      onEdit={() => {}}
      onDelete={() => {}}
      onShowMoreRuns={null}
    />,
  );
}

/** The value the drawer's facts give beside a term. */
function fact(facts: HTMLElement, term: string): string | null {
  const dt = within(facts).getByText(term, { selector: 'dt' });
  return dt.nextElementSibling?.textContent ?? null;
}

describe('ScheduleDetails', () => {
  it('shows the whole description and every label', () => {
    fakeGraphql({});
    showDrawerOf(
      aDetail({
        description: 'Exports the day’s orders.\nThe warehouse reads it at 03:00.',
        labels: [
          { key: 'team', value: 'billing' },
          { key: 'tier', value: 'gold' },
        ],
      }),
    );

    expect(screen.getByTestId('drawer-description')).toHaveTextContent('The warehouse reads it at 03:00.');
    const labels = within(screen.getByRole('list', { name: 'Labels' })).getAllByTestId('label');
    expect(labels.map((label) => label.textContent)).toEqual(['team=billing', 'tier=gold']);
  });

  it('gives a recurring schedule its bounds, the runs it has left and its catch-up policy', () => {
    fakeGraphql({});
    showDrawerOf(aDetail({ endAt: '2091-03-01T00:00:00Z', maxRuns: 10, remainingRuns: 4, catchUp: 'ALL' }));

    const bounds = screen.getByTestId('drawer-bounds');
    expect(fact(bounds, 'Starts')).toBe('with its first run');
    expect(fact(bounds, 'Ends')).toContain('2091');
    expect(fact(bounds, 'Runs')).toBe('4 of 10 left');
    expect(fact(bounds, 'Catch-up')).toMatch(/^all: every late run is delivered/);
  });

  it('gives a one-off schedule no bounds', () => {
    fakeGraphql({});
    showDrawerOf(aDetail({ recurring: 'NONE' }));

    expect(screen.queryByTestId('drawer-bounds')).not.toBeInTheDocument();
  });

  it('says why a paused schedule is paused, and changes the note', async () => {
    const schedule = aDetail({ state: 'PAUSED', pauseNote: 'office closed' });
    const api = fakeGraphql({
      PauseSchedule: () => ({ pauseSchedule: { ...schedule, pauseNote: 'office closed until Monday', version: 2 } }),
    });
    showDrawerOf(schedule);

    expect(screen.getByRole('note', { name: 'Why it is paused' })).toHaveTextContent('Paused: office closed');
    await userEvent.click(screen.getByRole('button', { name: 'Change the note' }));
    const note = await screen.findByRole('textbox', { name: 'Note' });
    await userEvent.type(note, ' until Monday{Enter}');

    expect(await screen.findByText('Note changed')).toBeInTheDocument();
    expect(api.callsOf('PauseSchedule')[0].variables).toEqual({ jobId: 'job-9', note: 'office closed until Monday' });
  });

  it('asks for a note on a paused schedule that has none', () => {
    fakeGraphql({});
    showDrawerOf(aDetail({ state: 'PAUSED', pauseNote: null }));

    expect(screen.getByRole('note', { name: 'Why it is paused' })).toHaveTextContent('no note says why.');
    expect(screen.getByRole('button', { name: 'Add a note' })).toBeInTheDocument();
  });
});
