import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../api/types';
import { aSchedule, aTarget } from '../../test/builders';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { SchedulesPage } from './SchedulesPage';

const job = aSchedule({ jobId: 'job-7', payload: 'nightly export', recurring: 'DAILY', runAt: '2090-01-15T02:00:00Z' });
const list = (nodes: Schedule[]) => () => ({
  schedules: { nodes, pageInfo: { hasNextPage: false, endCursor: null } },
});

const delivered = {
  occurrenceId: 'job-7/2019-01-14T02:00:00Z',
  scheduledFor: '2019-01-14T02:00:00Z',
  status: 'DELIVERED',
  trigger: 'SCHEDULE',
  recordedAt: '2019-01-14T02:00:01Z',
  messageId: 'm-1',
  latenessMs: 240,
};
const missed = {
  occurrenceId: 'job-7/2019-01-13T02:00:00Z',
  scheduledFor: '2019-01-13T02:00:00Z',
  status: 'MISSED',
  trigger: 'SCHEDULE',
  recordedAt: '2019-01-14T02:00:01Z',
  messageId: null,
  latenessMs: null,
};
const detail = {
  ...job,
  nextRuns: [{ runAt: '2090-01-15T02:00:00Z', minute: 0, local: '2090-01-15T02:00:00+00:00' }],
  runs: { nodes: [delivered, missed], pageInfo: { hasNextPage: false, endCursor: null } },
};

async function firstRow() {
  return within((await screen.findAllByTestId('schedule-row'))[0]);
}

describe('SchedulesPage', () => {
  it('pauses a schedule from its row, with a note that says why, and says so', async () => {
    const api = fakeGraphql({
      Schedules: list([job]),
      PauseSchedule: () => ({ pauseSchedule: { ...job, state: 'PAUSED', version: 2 } }),
    });
    renderWithStore(<SchedulesPage />);

    await userEvent.click((await firstRow()).getByRole('button', { name: 'Pause' }));
    const box = within(await screen.findByRole('dialog', { name: 'Pause' }));
    await userEvent.type(box.getByRole('textbox', { name: 'Why? (optional)' }), 'office closed until Monday{Enter}');

    expect(await screen.findByText('Schedule paused')).toBeInTheDocument();
    expect(api.callsOf('PauseSchedule')[0].variables).toEqual({ jobId: 'job-7', note: 'office closed until Monday' });
    // the list is asked again, since the change may move the row between filters
    await waitFor(() => expect(api.callsOf('Schedules')).toHaveLength(2));
  });

  it('tells the user when an action fails', async () => {
    fakeGraphql({
      Schedules: list([job]),
      RunScheduleNow: () => ({
        runScheduleNow: { __typename: 'DeliveryError', code: 'delivery_failed', message: 'SQS is unavailable' },
      }),
    });
    renderWithStore(<SchedulesPage />);

    await userEvent.click((await firstRow()).getByRole('button', { name: 'Run now' }));

    expect(await screen.findByText('Could not run the schedule')).toBeInTheDocument();
    expect(screen.getByText('SQS is unavailable')).toBeInTheDocument();
  });

  it('deletes only after confirmation, naming the schedule rather than its id', async () => {
    const api = fakeGraphql({
      Schedules: list([job]),
      DeleteSchedule: () => ({ deleteSchedule: { __typename: 'DeletedSchedule', jobId: 'job-7' } }),
    });
    renderWithStore(<SchedulesPage />);

    await userEvent.click((await firstRow()).getByRole('button', { name: 'Delete' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Delete this schedule?' }));
    expect(dialog.getByTestId('delete-summary')).toHaveTextContent('nightly export');
    expect(dialog.getByTestId('delete-summary')).toHaveTextContent('daily at 02:00 UTC');
    expect(dialog.getByTestId('delete-summary')).toHaveTextContent('Next run: Sun 15 Jan 2090, 02:00:00 UTC (due in');
    expect(dialog.queryByText(/job-7/)).not.toBeInTheDocument();
    expect(dialog.getByTestId('delete-consequences')).toHaveTextContent('None of its runs will be delivered.');
    expect(api.callsOf('DeleteSchedule')).toHaveLength(0);

    await userEvent.click(screen.getByTestId('confirm-delete'));

    expect(await screen.findByText('Schedule deleted')).toBeInTheDocument();
    expect(api.callsOf('DeleteSchedule')[0].variables).toEqual({ jobId: 'job-7' });
  });

  it('keeps the delete dialog open and says why when the delete fails', async () => {
    fakeGraphql({
      Schedules: list([job]),
      DeleteSchedule: () => ({
        deleteSchedule: {
          __typename: 'NotFoundError',
          code: 'not_found',
          message: 'no schedule job-7',
          jobId: 'job-7',
        },
      }),
    });
    renderWithStore(<SchedulesPage />);
    await userEvent.click((await firstRow()).getByRole('button', { name: 'Delete' }));

    await userEvent.click(await screen.findByTestId('confirm-delete'));

    expect(await screen.findByTestId('delete-failure')).toHaveTextContent('no schedule job-7');
    expect(screen.getByRole('dialog', { name: 'Delete this schedule?' })).toBeInTheDocument();
  });

  it('tells in the drawer which target the runs go to, and its queue', async () => {
    const audit = aTarget({ name: 'audit', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/audit' });
    fakeGraphql({
      Schedules: list([{ ...job, target: 'audit' }]),
      Schedule: () => ({ schedule: { ...detail, target: 'audit' } }),
      Targets: () => ({ targets: [audit] }),
    });
    renderWithStore(<SchedulesPage />);

    await userEvent.click((await firstRow()).getByRole('button', { name: 'nightly export, details' }));

    const drawer = within(await screen.findByRole('dialog', { name: 'nightly export' }));
    await waitFor(() => expect(drawer.getByTestId('drawer-target')).toHaveTextContent(`audit · ${audit.url}`));
  });

  it('opens a schedule in the drawer, with each run in words and in detail', async () => {
    fakeGraphql({ Schedules: list([job]), Schedule: () => ({ schedule: detail }) });
    renderWithStore(<SchedulesPage />);

    await userEvent.click((await firstRow()).getByRole('button', { name: 'nightly export, details' }));

    const drawer = within(await screen.findByRole('dialog', { name: 'nightly export' }));
    expect(drawer.getByTestId('drawer-rule')).toHaveTextContent('daily at 02:00 UTC');
    const runs = await drawer.findAllByTestId('run-row');
    expect(runs).toHaveLength(2);
    expect(runs[0]).toHaveTextContent('delivered');
    expect(runs[0]).toHaveTextContent('late 240 ms');
    expect(runs[1]).toHaveTextContent('missed');

    await userEvent.click(within(runs[0]).getByRole('button', { name: /Mon 14 Jan 2019, 02:00:00/ }));

    const facts = within(runs[0]).getByTestId('run-detail');
    expect(facts).toHaveTextContent('Occurrence idjob-7/2019-01-14T02:00:00Z');
    expect(facts).toHaveTextContent('Message idm-1');
    expect(facts).toHaveTextContent('RecordedMon 14 Jan 2019, 02:00:01');
    expect(facts).toHaveTextContent('Lateness240 ms');
    expect(facts).not.toHaveTextContent('Attempts');
  });

  it('shows attempts and the last error of a run that has them', async () => {
    const failing = {
      ...detail.runs.nodes[1],
      status: 'FAILED',
      attempts: 5,
      lastError: 'HTTP 503 from the target',
    };
    fakeGraphql({
      Schedules: list([job]),
      Schedule: () => ({ schedule: { ...detail, runs: { ...detail.runs, nodes: [failing] } } }),
    });
    renderWithStore(<SchedulesPage />);
    await userEvent.click((await firstRow()).getByRole('button', { name: 'nightly export, details' }));

    const run = (await screen.findAllByTestId('run-row'))[0];
    expect(within(run).getByTestId('run-status')).toHaveTextContent('failed');
    await userEvent.click(within(run).getByRole('button'));

    expect(within(run).getByTestId('run-detail')).toHaveTextContent('Attempts5');
    expect(within(run).getByTestId('run-detail')).toHaveTextContent('Last errorHTTP 503 from the target');
  });

  it('acts on a schedule from its drawer and says so inside the drawer', async () => {
    const api = fakeGraphql({
      Schedules: list([job]),
      Schedule: () => ({ schedule: detail }),
      PauseSchedule: () => ({ pauseSchedule: { ...job, state: 'PAUSED', version: 2 } }),
    });
    renderWithStore(<SchedulesPage />);
    await userEvent.click((await firstRow()).getByRole('button', { name: 'nightly export, details' }));
    const drawer = within(await screen.findByRole('dialog', { name: 'nightly export' }));

    await userEvent.click(await drawer.findByRole('button', { name: 'Pause' }));
    await userEvent.click(await screen.findByTestId('confirm-pause'));

    const messages = await drawer.findByRole('region', { name: 'Messages about this schedule' });
    expect(await within(messages).findByText('Schedule paused')).toBeInTheDocument();
    expect(api.callsOf('PauseSchedule')[0].variables).toEqual({ jobId: 'job-7' });
    for (const name of ['Edit', 'Run now', 'Delete']) expect(drawer.getByRole('button', { name })).toBeInTheDocument();
  });

  it('shows one message at a time, in its own strip below the list', async () => {
    fakeGraphql({
      Schedules: list([job]),
      PauseSchedule: () => ({ pauseSchedule: { ...job, state: 'PAUSED', version: 2 } }),
      RunScheduleNow: () => ({ runScheduleNow: { ...job, version: 3 } }),
    });
    renderWithStore(<SchedulesPage />);
    const row = await firstRow();

    await userEvent.click(row.getByRole('button', { name: 'Pause' }));
    await userEvent.click(await screen.findByTestId('confirm-pause'));
    await userEvent.click(row.getByRole('button', { name: 'Run now' }));
    await userEvent.click(row.getByRole('button', { name: 'Run now' }));

    const strip = screen.getByRole('region', { name: 'Notifications' });
    await waitFor(() => expect(within(strip).getAllByText(/Payload sent|Schedule paused/)).toHaveLength(1));
    expect(within(strip).getByText('Payload sent')).toBeInTheDocument();
    // the strip is a sibling of the scrolling list, never inside or over it
    expect(screen.getByRole('main').contains(strip)).toBe(false);
  });

  it('opens the form to create a schedule', async () => {
    fakeGraphql({ Schedules: list([]) });
    renderWithStore(<SchedulesPage />);

    await userEvent.click(screen.getByTestId('new-schedule'));

    expect(await screen.findByRole('form', { name: 'New schedule' })).toBeInTheDocument();
  });
});
