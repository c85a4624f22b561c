import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../api/types';
import { aSchedule } from '../../test/builders';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { SchedulesPage } from './SchedulesPage';

const job = aSchedule({ jobId: 'job-7', payload: 'nightly export', recurring: 'DAILY', runAt: '2090-01-15T02:00:00Z' });
const list = (nodes: Schedule[]) => () => ({
  schedules: { nodes, pageInfo: { hasNextPage: false, endCursor: null } },
});

async function firstRow() {
  return within((await screen.findAllByTestId('schedule-row'))[0]);
}

describe('SchedulesPage', () => {
  it('pauses a schedule from its row and says so', async () => {
    const api = fakeGraphql({
      Schedules: list([job]),
      PauseSchedule: () => ({ pauseSchedule: { ...job, state: 'PAUSED', version: 2 } }),
    });
    renderWithStore(<SchedulesPage />);

    await userEvent.click((await firstRow()).getByRole('button', { name: 'Pause' }));

    expect(await screen.findByText('Schedule paused')).toBeInTheDocument();
    expect(api.callsOf('PauseSchedule')[0].variables).toEqual({ jobId: 'job-7' });
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

  it('deletes only after confirmation', async () => {
    const api = fakeGraphql({
      Schedules: list([job]),
      DeleteSchedule: () => ({ deleteSchedule: { __typename: 'DeletedSchedule', jobId: 'job-7' } }),
    });
    renderWithStore(<SchedulesPage />);

    await userEvent.click((await firstRow()).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Delete this schedule?')).toBeInTheDocument();
    expect(api.callsOf('DeleteSchedule')).toHaveLength(0);

    await userEvent.click(screen.getByTestId('confirm-delete'));

    expect(await screen.findByText('Schedule deleted')).toBeInTheDocument();
    expect(api.callsOf('DeleteSchedule')[0].variables).toEqual({ jobId: 'job-7' });
  });

  it('opens the run history of a schedule, with delivered and missed runs and their lateness', async () => {
    fakeGraphql({
      Schedules: list([job]),
      Schedule: () => ({
        schedule: {
          ...job,
          nextRuns: [{ runAt: '2090-01-15T02:00:00Z', minute: 0, local: '2090-01-15T02:00:00+00:00' }],
          runs: {
            nodes: [
              {
                occurrenceId: 'job-7/2090-01-14T02:00:00Z',
                scheduledFor: '2090-01-14T02:00:00Z',
                status: 'DELIVERED',
                trigger: 'SCHEDULE',
                recordedAt: '2090-01-14T02:00:00Z',
                messageId: 'm-1',
                latenessMs: 240,
              },
              {
                occurrenceId: 'job-7/2090-01-13T02:00:00Z',
                scheduledFor: '2090-01-13T02:00:00Z',
                status: 'MISSED',
                trigger: 'SCHEDULE',
                recordedAt: '2090-01-14T02:00:00Z',
                messageId: null,
                latenessMs: null,
              },
            ],
            pageInfo: { hasNextPage: false, endCursor: null },
          },
        },
      }),
    });
    renderWithStore(<SchedulesPage />);

    await userEvent.click((await firstRow()).getByRole('button', { name: 'nightly export, details' }));

    const history = await screen.findByRole('table', { name: 'Run history' });
    const rows = within(history).getAllByTestId('run-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('delivered');
    expect(rows[0]).toHaveTextContent('240 ms');
    expect(rows[1]).toHaveTextContent('missed');
    expect(screen.getByTestId('drawer-rule')).toHaveTextContent('daily at 02:00 UTC');
  });

  it('opens the form to create a schedule', async () => {
    fakeGraphql({ Schedules: list([]) });
    renderWithStore(<SchedulesPage />);

    await userEvent.click(screen.getByTestId('new-schedule'));

    expect(await screen.findByRole('form', { name: 'New schedule' })).toBeInTheDocument();
  });
});
