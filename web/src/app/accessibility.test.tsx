import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SignIn } from '../features/auth/SignIn';
import { SchedulesPage } from '../features/schedules/SchedulesPage';
import { accessibilityViolations } from '../test/axe';
import { aSchedule } from '../test/builders';
import { fakeGraphql } from '../test/fakeGraphql';
import { renderWithStore } from '../test/render';
import { setViewportWidth } from '../test/viewport';

const someSchedules = () => ({
  schedules: {
    nodes: [
      aSchedule({ recurring: 'DAILY', timezone: 'Europe/Berlin' }),
      aSchedule({ recurring: 'CRON', cron: '0 9 * * 1-5', runAt: null, state: 'PAUSED' }),
    ],
    pageInfo: { hasNextPage: true, endCursor: 'c1' },
  },
});

describe('accessibility', () => {
  it('the sign-in page has names for everything', async () => {
    renderWithStore(<SignIn />, { auth: { apiKey: null, reason: null } });
    expect(await accessibilityViolations()).toEqual([]);
  });

  it('the schedule cards of a phone have names for every control', async () => {
    fakeGraphql({ Schedules: someSchedules });
    renderWithStore(<SchedulesPage />);
    await screen.findAllByTestId('schedule-row');
    expect(await accessibilityViolations()).toEqual([]);
  });

  it('the schedules table of a wide screen has names for every control', async () => {
    setViewportWidth(1280);
    fakeGraphql({ Schedules: someSchedules });
    renderWithStore(<SchedulesPage />);
    await screen.findByRole('table', { name: 'Schedules' });
    expect(await accessibilityViolations()).toEqual([]);
  });

  it('the delete dialog names its buttons', async () => {
    fakeGraphql({ Schedules: someSchedules });
    renderWithStore(<SchedulesPage />);
    await userEvent.click((await screen.findAllByRole('button', { name: 'Delete' }))[0]);
    expect(await accessibilityViolations(await screen.findByRole('dialog'))).toEqual([]);
  });

  it('the form has labels for every field', async () => {
    fakeGraphql({ Schedules: someSchedules });
    renderWithStore(<SchedulesPage />);
    await userEvent.click(screen.getByTestId('new-schedule'));
    await screen.findByRole('form', { name: 'New schedule' });
    await userEvent.click(screen.getByText('Recurring'));
    expect(await accessibilityViolations(screen.getByRole('dialog'))).toEqual([]);
  });

  it('the details drawer names its close button, actions and run history', async () => {
    const job = aSchedule({ jobId: 'job-a11y', payload: 'a11y payload' });
    fakeGraphql({
      Schedules: () => ({ schedules: { nodes: [job], pageInfo: { hasNextPage: false, endCursor: null } } }),
      Schedule: () => ({
        schedule: {
          ...job,
          nextRuns: [],
          runs: {
            nodes: [
              {
                occurrenceId: 'job-a11y/2030-01-14T09:00:00Z',
                scheduledFor: '2030-01-14T09:00:00Z',
                status: 'DELIVERED',
                trigger: 'MANUAL',
                recordedAt: '2030-01-14T09:00:00Z',
                messageId: 'm',
                latenessMs: 3,
              },
            ],
            pageInfo: { hasNextPage: false, endCursor: null },
          },
        },
      }),
    });
    renderWithStore(<SchedulesPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'a11y payload, details' }));
    await screen.findAllByTestId('run-row');
    await userEvent.click(screen.getAllByTestId('run-row')[0].querySelector('button')!);
    await screen.findByTestId('run-detail');
    expect(await accessibilityViolations(screen.getByRole('dialog'))).toEqual([]);
  });
});
