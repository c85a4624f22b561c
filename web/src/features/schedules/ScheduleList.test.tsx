import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { schedulerApi } from '../../api/schedulerApi';
import type { Schedule } from '../../api/types';
import { aSchedule, aTarget } from '../../test/builders';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { setViewportWidth } from '../../test/viewport';
import { ScheduleList } from './ScheduleList';

function page(nodes: Schedule[], endCursor: string | null = null) {
  return { schedules: { nodes, pageInfo: { hasNextPage: endCursor !== null, endCursor } } };
}

function renderList() {
  const handlers = { onOpen: vi.fn(), onEdit: vi.fn(), onDelete: vi.fn(), onCreate: vi.fn() };
  return { ...renderWithStore(<ScheduleList {...handlers} />), handlers };
}

describe('ScheduleList', () => {
  it('renders one card per schedule on a phone, with its title, rule, next run, state, last run and actions', async () => {
    fakeGraphql({
      Schedules: () =>
        page([
          aSchedule({
            payload: '{"report":"daily"}',
            recurring: 'DAILY',
            runAt: '2090-01-15T08:00:00Z',
            timezone: 'Europe/Berlin',
          }),
          aSchedule({
            payload: 'one-off',
            runAt: '2030-01-15T09:00:00Z',
            state: 'PAUSED',
            lastRun: {
              occurrenceId: 'x/2020-01-14T09:00:00Z',
              scheduledFor: '2020-01-14T09:00:00Z',
              status: 'MISSED',
              trigger: 'SCHEDULE',
              recordedAt: '2030-01-14T09:00:01Z',
              messageId: null,
              latenessMs: 1500,
            },
          }),
        ]),
    });

    renderList();

    const rows = await screen.findAllByTestId('schedule-row');
    expect(rows).toHaveLength(2);
    expect(screen.getByRole('list', { name: 'Schedules' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    const [daily, oneOff] = rows.map((row) => within(row));
    expect(daily.getByTestId('schedule-title')).toHaveTextContent('{"report":"daily"}');
    expect(daily.getByTestId('rule')).toHaveTextContent('daily at 09:00 Europe/Berlin');
    // the viewer is in UTC in tests; the schedule's own zone is shown beside
    expect(daily.getByTestId('next-run-local')).toHaveTextContent('Sun 15 Jan 2090, 08:00:00');
    expect(daily.getByTestId('next-run-zone')).toHaveTextContent('Sun 15 Jan 2090, 09:00:00 Europe/Berlin');
    expect(daily.getByTestId('next-run-zone')).toHaveTextContent(/due in \d+ years/);
    expect(daily.getByTestId('state-badge')).toHaveTextContent('active');
    expect(daily.getByTestId('last-run')).toHaveTextContent('never run');
    expect(daily.getByRole('button', { name: 'Pause' })).toHaveTextContent('Pause');
    expect(oneOff.getByTestId('state-badge')).toHaveTextContent('paused');
    expect(oneOff.getByTestId('next-run-zone')).toHaveTextContent('paused');
    expect(oneOff.getByTestId('run-status')).toHaveTextContent('missed');
    expect(oneOff.getByTestId('last-run')).toHaveTextContent(/^\d+ years ago$/);
    // every action is a button with its name in words: a phone has no hover for tooltips
    expect(oneOff.getAllByRole('button').map((button) => button.textContent)).toEqual([
      'one-off',
      'Edit',
      'Resume',
      'Run now',
      'Delete',
    ]);
  });

  it('renders a table on a wide screen, with the actions as named icons', async () => {
    setViewportWidth(1280);
    fakeGraphql({ Schedules: () => page([aSchedule({ payload: 'first line\nsecond line', recurring: 'DAILY' })]) });

    renderList();

    const table = await screen.findByRole('table', { name: 'Schedules' });
    const row = within(within(table).getByTestId('schedule-row'));
    expect(row.getByRole('button', { name: 'first line, details' })).toHaveTextContent(/^first line$/);
    expect(row.getByTestId('rule')).toHaveTextContent('daily at 09:00 UTC');
    for (const name of ['Edit', 'Pause', 'Run now', 'Delete']) {
      expect(row.getByRole('button', { name })).toHaveTextContent('');
    }
    expect(screen.queryByRole('list', { name: 'Schedules' })).not.toBeInTheDocument();
  });

  it.each([
    ['cards', 390],
    ['table', 1280],
  ])("shows each schedule's target in the %s, naming the namespace's default", async (_layout, width) => {
    setViewportWidth(width);
    fakeGraphql({
      Schedules: () => page([aSchedule({ target: 'audit' }), aSchedule({ target: null })]),
      Targets: () => ({ targets: [aTarget({ name: 'audit' }), aTarget({ name: 'orders', default: true })] }),
    });

    renderList();

    const rows = await screen.findAllByTestId('schedule-row');
    expect(within(rows[0]).getByTestId('target')).toHaveTextContent(/^audit$/);
    await waitFor(() => expect(within(rows[1]).getByTestId('target')).toHaveTextContent(/^default \(orders\)$/));
  });

  it('offers a completed schedule nothing to edit or run, only to delete it', async () => {
    fakeGraphql({ Schedules: () => page([aSchedule({ payload: 'done', state: 'COMPLETED' })]) });
    renderList();

    const card = within((await screen.findAllByTestId('schedule-row'))[0]);

    expect(card.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    expect(card.queryByRole('button', { name: 'Run now' })).not.toBeInTheDocument();
    expect(card.queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();
    expect(card.getByRole('button', { name: 'Delete' })).toBeInTheDocument();
    expect(card.getByTestId('next-run-local')).toHaveTextContent('none');
  });

  it('shows a run handed to the queue ahead of its time as queued and due, not as delivered', async () => {
    fakeGraphql({
      Schedules: () =>
        page([
          aSchedule({
            payload: 'soon',
            state: 'COMPLETED',
            lastRun: {
              occurrenceId: 'x/2090-01-14T09:00:00Z',
              scheduledFor: '2090-01-14T09:00:00Z',
              status: 'DELIVERED',
              trigger: 'SCHEDULE',
              recordedAt: '2030-01-14T09:00:01Z',
              messageId: 'm',
              latenessMs: 0,
            },
          }),
        ]),
    });
    renderList();

    const card = within((await screen.findAllByTestId('schedule-row'))[0]);

    expect(card.getByTestId('run-status')).toHaveTextContent('queued');
    expect(card.getByTestId('last-run')).toHaveTextContent(/^due in \d+ years$/);
  });

  it('orders the loaded page by next run when asked, soonest first', async () => {
    fakeGraphql({
      Schedules: () =>
        page([
          aSchedule({ payload: 'in March', runAt: '2090-03-01T00:00:00Z' }),
          aSchedule({ payload: 'finished', state: 'COMPLETED' }),
          aSchedule({ payload: 'in January', runAt: '2090-01-01T00:00:00Z' }),
        ]),
    });
    renderList();
    const titles = async () => (await screen.findAllByTestId('schedule-title')).map((title) => title.textContent);
    expect(await titles()).toEqual(['in March', 'finished', 'in January']);

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Order' }), 'Next run first');

    expect(await titles()).toEqual(['in January', 'in March', 'finished']);
  });

  it('shows the loading state, then the empty state with a way to create one', async () => {
    fakeGraphql({ Schedules: () => page([]) });
    const { handlers } = renderList();

    expect(screen.getByTestId('schedules-loading')).toBeInTheDocument();
    expect(await screen.findByTestId('schedules-empty')).toHaveTextContent('No schedules yet');
    await userEvent.click(screen.getByRole('button', { name: 'Create your first schedule' }));
    expect(handlers.onCreate).toHaveBeenCalled();
  });

  it('pages forward with the cursor of the last page and back again', async () => {
    const api = fakeGraphql({
      Schedules: (variables) =>
        variables.after === 'cursor-1'
          ? page([aSchedule({ payload: 'second page' })])
          : page([aSchedule({ payload: 'first page' })], 'cursor-1'),
    });
    renderList();

    expect(await screen.findByText('first page')).toBeInTheDocument();
    expect(screen.getByTestId('page-previous')).toBeDisabled();
    await userEvent.click(screen.getByTestId('page-next'));

    expect(await screen.findByText('second page')).toBeInTheDocument();
    expect(screen.getByTestId('page-number')).toHaveTextContent('Page 2');
    expect(screen.getByTestId('page-next')).toBeDisabled();
    expect(api.callsOf('Schedules').map((call) => call.variables)).toEqual([
      { first: 50, after: null, state: null, labels: null, namePrefix: null },
      { first: 50, after: 'cursor-1', state: null, labels: null, namePrefix: null },
    ]);

    await userEvent.click(screen.getByTestId('page-previous'));
    expect(await screen.findByText('first page')).toBeInTheDocument();
  });

  it('asks the API for one state when filtered, from the first page', async () => {
    const api = fakeGraphql({
      Schedules: (variables) => page(variables.state === 'PAUSED' ? [] : [aSchedule({ payload: 'any' })]),
    });
    renderList();
    await screen.findByText('any');

    await userEvent.click(screen.getByText('Paused'));

    expect(await screen.findByTestId('schedules-empty')).toHaveTextContent('No paused schedules');
    await waitFor(() =>
      expect(api.callsOf('Schedules').at(-1)?.variables).toEqual({
        first: 50,
        after: null,
        state: 'PAUSED',
        labels: null,
        namePrefix: null,
      }),
    );
  });

  it('sends the session key with every request', async () => {
    const api = fakeGraphql({ Schedules: () => page([]) });
    renderList();
    await screen.findByTestId('schedules-empty');
    expect(api.calls[0].authorization).toBe('Bearer test-key');
  });

  it('goes back a page when the page it shows has emptied', async () => {
    let secondPage = [aSchedule({ payload: 'last one' })];
    fakeGraphql({
      Schedules: (variables) =>
        variables.after === 'cursor-1' ? page(secondPage) : page([aSchedule({ payload: 'first page' })], 'cursor-1'),
    });
    const { store } = renderList();
    await userEvent.click(await screen.findByTestId('page-next'));
    await screen.findByText('last one');

    secondPage = [];
    store.dispatch(schedulerApi.util.invalidateTags([{ type: 'Schedule', id: 'LIST' }]));

    expect(await screen.findByText('first page')).toBeInTheDocument();
    expect(screen.getByTestId('page-number')).toHaveTextContent('Page 1');
  });
});
