import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/types';
import { aRun, aSchedule } from '../../test/builders';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { SchedulesPage } from './SchedulesPage';

const job = aSchedule({ jobId: 'job-3', payload: 'invoice sync', recurring: 'DAILY', runAt: '2090-01-15T02:00:00Z' });
const failed = aRun({
  occurrenceId: 'job-3/2019-01-14T02:00:00Z',
  scheduledFor: '2019-01-14T02:00:00Z',
  recordedAt: '2019-01-15T10:00:00Z',
  status: 'FAILED',
  messageId: null,
  attempts: 8,
  lastError: 'connection refused',
});
const delivered = aRun({ occurrenceId: 'job-3/2019-01-13T02:00:00Z', scheduledFor: '2019-01-13T02:00:00Z' });
const queuedAgain: Run = {
  ...failed,
  status: 'QUEUED',
  recordedAt: '2019-01-16T08:00:00Z',
  attempts: 0,
  lastError: null,
};

const detailWith = (nodes: Run[]) => ({
  schedule: { ...job, nextRuns: [], runs: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } },
});
const schedules = () => ({ schedules: { nodes: [job], pageInfo: { hasNextPage: false, endCursor: null } } });

async function openRun(index: number) {
  await userEvent.click(await screen.findByRole('button', { name: 'invoice sync, details' }));
  const run = (await screen.findAllByTestId('run-row'))[index];
  await userEvent.click(within(run).getByRole('button'));
  return run;
}

describe('redelivering a failed run', () => {
  it('delivers it again, then the history shows it queued', async () => {
    let runs: Run[] = [failed, delivered];
    const api = fakeGraphql({
      Schedules: schedules,
      Schedule: () => detailWith(runs),
      RedeliverRun: () => {
        runs = [queuedAgain, delivered];
        return { redeliverRun: { __typename: 'Run', ...queuedAgain } };
      },
    });
    renderWithStore(<SchedulesPage />);

    const run = await openRun(0);
    const redeliver = within(run).getByTestId('redeliver-run');
    expect(redeliver).toHaveTextContent('Redeliver');
    await userEvent.click(redeliver);

    expect(api.callsOf('RedeliverRun')[0].variables).toEqual({ jobId: 'job-3', occurrenceId: failed.occurrenceId });
    const drawer = within(screen.getByRole('dialog', { name: 'invoice sync' }));
    const messages = drawer.getByRole('region', { name: 'Messages about this schedule' });
    expect(await within(messages).findByText('The run is queued to be delivered again')).toBeInTheDocument();
    await waitFor(() =>
      expect(within(drawer.getAllByTestId('run-row')[0]).getByTestId('run-status')).toHaveTextContent('queued'),
    );
    expect(drawer.queryByTestId('redeliver-run')).not.toBeInTheDocument();
  });

  it('offers it only for a failed run', async () => {
    fakeGraphql({ Schedules: schedules, Schedule: () => detailWith([failed, delivered]) });
    renderWithStore(<SchedulesPage />);

    const run = await openRun(1);

    expect(within(run).getByTestId('run-detail')).toHaveTextContent('Occurrence id');
    expect(within(run).queryByTestId('redeliver-run')).not.toBeInTheDocument();
  });

  it('says why the API refused, in its words, beside the button', async () => {
    fakeGraphql({
      Schedules: schedules,
      Schedule: () => detailWith([failed]),
      RedeliverRun: () => ({
        redeliverRun: {
          __typename: 'InvalidStateError',
          code: 'invalid_state',
          message: `run '${failed.occurrenceId}' is no longer failed: it was redelivered meanwhile`,
        },
      }),
    });
    renderWithStore(<SchedulesPage />);

    const run = await openRun(0);
    await userEvent.click(within(run).getByTestId('redeliver-run'));

    const failure = await within(run).findByTestId('redeliver-failure');
    expect(failure).toHaveTextContent('Could not redeliver the run');
    expect(failure).toHaveTextContent('is no longer failed: it was redelivered meanwhile');
  });
});
