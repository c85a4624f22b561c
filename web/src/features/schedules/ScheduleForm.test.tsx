import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { aSchedule, aTarget } from '../../test/builders';
import { fakeGraphql, type Handler } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { ScheduleForm } from './ScheduleForm';

const created = (variables: Record<string, unknown>) => ({
  createSchedule: aSchedule({ ...(variables.input as object), __typename: 'Schedule' }),
});
const preview = () => ({
  previewSchedule: {
    __typename: 'Preview',
    timezone: 'Europe/Berlin',
    runs: [1, 2, 3, 4, 5].map((day) => ({
      runAt: `2030-04-0${day}T07:30:15Z`,
      minute: 0,
      local: `2030-04-0${day}T09:30:15+02:00`,
    })),
  },
});

// The API's list, in small: canonical names, and aliases with the name to send instead.
const timeZones = () => ({
  timeZones: {
    names: ['America/New_York', 'Asia/Kolkata', 'Europe/Berlin', 'UTC'],
    aliases: [
      { name: 'Asia/Calcutta', canonical: 'Asia/Kolkata' },
      { name: 'US/Eastern', canonical: 'America/New_York' },
    ],
  },
});

function renderForm(
  handlers: Record<string, Handler> = {},
  schedule = undefined as ReturnType<typeof aSchedule> | undefined,
) {
  const api = fakeGraphql({ CreateSchedule: created, PreviewSchedule: preview, TimeZones: timeZones, ...handlers });
  const onDone = vi.fn();
  renderWithStore(<ScheduleForm schedule={schedule} onDone={onDone} />);
  return { api, onDone };
}

const payloadBox = () => screen.getByRole('textbox', { name: /payload/i });
const timeBox = () => screen.getByRole('textbox', { name: 'Time' });

async function chooseZone(zone: string) {
  const select = screen.getByRole('textbox', { name: 'Time zone' });
  await userEvent.clear(select);
  await userEvent.type(select, zone);
  await userEvent.click(await screen.findByRole('option', { name: zone, hidden: true }));
}

function enterDateAndTime(date: string, time: string) {
  fireEvent.change(screen.getByRole('textbox', { name: /date/i }), { target: { value: date } });
  fireEvent.change(screen.getByTestId('time-input'), { target: { value: time } });
}

describe('ScheduleForm', () => {
  it('hides the date, time and zone pickers for an immediate schedule', async () => {
    renderForm();
    expect(screen.getByRole('textbox', { name: /date/i })).toBeInTheDocument();

    await userEvent.click(screen.getByText('Immediate'));

    expect(screen.queryByRole('textbox', { name: /date/i })).not.toBeInTheDocument();
    expect(screen.queryByTestId('time-input')).not.toBeInTheDocument();
    expect(screen.getByTestId('preview-runs')).toHaveTextContent('Once, as soon as it is saved');
  });

  it('refuses a typed 25:00:00 with the reason, keeps what was typed, and sends nothing', async () => {
    const { api } = renderForm();
    fireEvent.change(screen.getByRole('textbox', { name: /date/i }), { target: { value: '2030-03-31' } });
    await userEvent.type(timeBox(), '25:00:00');
    await userEvent.type(payloadBox(), 'hello');

    expect(screen.getByText('25:00:00 is not a time of day: hours run from 00 to 23')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    expect(timeBox()).toHaveValue('25:00:00');
    expect(timeBox()).toHaveAttribute('aria-invalid', 'true');
    expect(api.callsOf('CreateSchedule')).toHaveLength(0);
  });

  it('waits for a time to be finished before judging it, and judges it when the field is left', async () => {
    renderForm();
    const time = timeBox();

    await userEvent.type(time, '9 pm');
    expect(time).not.toHaveAttribute('aria-invalid', 'true');

    await userEvent.tab();
    expect(
      screen.getByText('"9 pm" is not a time: write it as HH:mm:ss on the 24-hour clock, e.g. 14:30:00'),
    ).toBeInTheDocument();
  });

  it('refuses a day the month does not have rather than keeping the last good date', async () => {
    const { api } = renderForm();
    const date = screen.getByRole('textbox', { name: /date/i });
    await userEvent.type(date, '2030-02-28');
    await userEvent.clear(date);
    await userEvent.type(date, '2030-02-30');
    await userEvent.type(timeBox(), '09:00:00');
    await userEvent.type(payloadBox(), 'hello');

    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    expect(date).toHaveValue('2030-02-30');
    expect(screen.getByText('2030-02-30 is not a date: February 2030 has 28 days')).toBeInTheDocument();
    expect(api.callsOf('CreateSchedule')).toHaveLength(0);
  });

  it('warns that a run time in the past is delivered as soon as it is saved', async () => {
    renderForm({
      PreviewSchedule: () => ({
        previewSchedule: {
          __typename: 'Preview',
          timezone: 'UTC',
          runs: [{ runAt: '2020-01-01T09:00:00Z', minute: 0, local: '2020-01-01T09:00:00+00:00' }],
        },
      }),
    });
    await chooseZone('UTC');
    enterDateAndTime('2020-01-01', '09:00:00');

    expect(screen.getByTestId('past-warning')).toHaveTextContent(
      'This time has passed: the payload is delivered as soon as you save.',
    );
    expect(await screen.findByTestId('preview-at-once')).toHaveTextContent('passed: delivered at once when saved');

    await userEvent.click(screen.getByText('Recurring'));
    expect(screen.getByTestId('past-warning')).toHaveTextContent(
      'The first run is in the past: the latest run of the rule so far is delivered as soon as you save',
    );
  });

  it('says beside the form why a save failed, and keeps the form open', async () => {
    const { onDone } = renderForm({
      CreateSchedule: () => Response.json({ error: 'internal_error' }, { status: 500, statusText: 'Server Error' }),
    });
    await userEvent.click(screen.getByText('Immediate'));
    await userEvent.type(payloadBox(), 'hello');

    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    expect(await screen.findByTestId('form-errors')).toHaveTextContent('Could not create the schedule: internal_error');
    expect(onDone).not.toHaveBeenCalled();
  });

  it('sends the run time as wall time in the chosen zone, without an offset', async () => {
    const { api, onDone } = renderForm();
    await chooseZone('Europe/Berlin');
    enterDateAndTime('2030-03-31', '02:30:15');
    await userEvent.type(payloadBox(), 'hello');

    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(api.callsOf('CreateSchedule')[0].variables.input).toEqual({
      payload: 'hello',
      recurring: 'NONE',
      timezone: 'Europe/Berlin',
      target: null,
      runAt: '2030-03-31T02:30:15',
    });
  });

  it('requires a cron expression for a recurring cron schedule and sends nothing without one', async () => {
    const { api } = renderForm();
    await userEvent.click(screen.getByText('Recurring'));
    await userEvent.click(screen.getByText('Cron'));
    await userEvent.type(payloadBox(), 'tick');

    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    expect(await screen.findByText('A cron expression is required for a cron schedule')).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: /date/i })).not.toBeInTheDocument();
    expect(api.callsOf('CreateSchedule')).toHaveLength(0);
  });

  it('describes a cron expression in words as it is typed', async () => {
    renderForm();
    await userEvent.click(screen.getByText('Recurring'));
    await userEvent.click(screen.getByText('Cron'));
    fireEvent.change(screen.getByRole('textbox', { name: /cron expression/i }), { target: { value: '0 9 * * 1-5' } });
    expect(screen.getByText('At 09:00, Monday through Friday')).toBeInTheDocument();
  });

  it('shows the byte counter in error when the payload is over 256 KiB', async () => {
    const { api } = renderForm();
    fireEvent.change(payloadBox(), { target: { value: 'é'.repeat(131_073) } }); // 262,146 bytes

    const counter = screen.getByTestId('payload-counter');
    expect(counter).toHaveTextContent('262,146 bytes of 256 KiB');
    expect(counter).toHaveAttribute('data-error', 'true');
    expect(screen.getByText(/the limit is 262,144 bytes/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    expect(api.callsOf('CreateSchedule')).toHaveLength(0);
  });

  it('counts payload bytes, not characters', () => {
    renderForm();
    fireEvent.change(payloadBox(), { target: { value: '€€' } });
    expect(screen.getByTestId('payload-counter')).toHaveTextContent('6 bytes of 256 KiB');
    expect(screen.getByTestId('payload-counter')).not.toHaveAttribute('data-error');
  });

  it('previews the next five runs of the definition from the API', async () => {
    const { api } = renderForm();
    await chooseZone('Europe/Berlin');
    await userEvent.click(screen.getByText('Recurring'));
    enterDateAndTime('2030-04-01', '09:30:15');

    expect(screen.getByText('Every day at 09:30:15')).toBeInTheDocument();
    const runs = await screen.findByTestId('preview-runs');
    expect(runs.querySelectorAll('li')).toHaveLength(5);
    expect(runs).toHaveTextContent('Mon 1 Apr 2030, 09:30:15 Europe/Berlin');
    expect(api.callsOf('PreviewSchedule').at(-1)?.variables).toEqual({
      count: 5,
      input: { payload: 'preview', recurring: 'DAILY', timezone: 'Europe/Berlin', runAt: '2030-04-01T09:30:15' },
    });
  });

  it('shows the API validation problems beside their fields', async () => {
    renderForm({
      CreateSchedule: () => ({
        createSchedule: {
          __typename: 'ValidationError',
          code: 'validation_failed',
          message: 'invalid schedule',
          problems: [{ field: 'cron', message: "field 'minute' has a value out of range: 61" }],
        },
      }),
      PreviewSchedule: () => ({ previewSchedule: { __typename: 'Preview', timezone: 'UTC', runs: [] } }),
    });
    await userEvent.click(screen.getByText('Recurring'));
    await userEvent.click(screen.getByText('Cron'));
    fireEvent.change(screen.getByRole('textbox', { name: /cron expression/i }), { target: { value: '61 * * * *' } });
    await userEvent.type(payloadBox(), 'tick');

    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    const cron = screen.getByRole('textbox', { name: /cron expression/i });
    await waitFor(() => expect(cron).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText("cron field 'minute' has a value out of range: 61")).toBeInTheDocument();
  });

  it('edits a schedule in its own zone and sends the version it was read at', async () => {
    const schedule = aSchedule({
      jobId: 'job-42',
      recurring: 'WEEKLY',
      runAt: '2030-01-14T14:00:00Z',
      timezone: 'America/New_York',
      payload: 'weekly report',
      version: 7,
    });
    const { api, onDone } = renderForm(
      { UpdateSchedule: (variables) => ({ updateSchedule: { ...schedule, ...(variables.input as object) } }) },
      schedule,
    );
    expect(screen.getByRole('textbox', { name: /date/i })).toHaveValue('2030-01-14');
    expect(screen.getByTestId('time-input')).toHaveValue('09:00:00');
    expect(screen.getByText('Every Monday at 09:00:00')).toBeInTheDocument();

    fireEvent.change(screen.getByTestId('time-input'), { target: { value: '10:15:00' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(api.callsOf('UpdateSchedule')[0].variables).toEqual({
      jobId: 'job-42',
      expectedVersion: 7,
      input: {
        payload: 'weekly report',
        recurring: 'WEEKLY',
        timezone: 'America/New_York',
        target: null,
        runAt: '2030-01-14T10:15:00',
      },
    });
  });

  it('offers only the zones the API accepts', async () => {
    renderForm();
    const select = screen.getByRole('textbox', { name: 'Time zone' });

    await userEvent.clear(select);
    await userEvent.click(select);

    const zoneList = await screen.findByRole('listbox', { name: 'Time zone', hidden: true });
    const offered = within(zoneList)
      .getAllByRole('option', { hidden: true })
      .map((option) => option.textContent);
    expect(offered).toEqual(['America/New_York', 'Asia/Kolkata', 'Europe/Berlin', 'UTC']);
  });

  it('turns a zone the API calls an alias into its canonical name before anything is sent', async () => {
    const schedule = aSchedule({
      jobId: 'job-43',
      recurring: 'DAILY',
      runAt: '2030-01-14T14:00:00Z',
      timezone: 'US/Eastern',
    });
    const { api, onDone } = renderForm(
      { UpdateSchedule: (variables) => ({ updateSchedule: { ...schedule, ...(variables.input as object) } }) },
      schedule,
    );

    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Time zone' })).toHaveValue('America/New_York'));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect((api.callsOf('UpdateSchedule')[0].variables.input as { timezone: string }).timezone).toBe(
      'America/New_York',
    );
  });
});

describe('ScheduleForm target', () => {
  const orders = aTarget({ name: 'orders', default: true });
  const audit = aTarget({ name: 'audit', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/audit' });
  const targetsOf =
    (...targets: ReturnType<typeof aTarget>[]) =>
    () => ({ targets });
  const targetBox = () => screen.getByRole('textbox', { name: 'Target' });

  async function chooseTarget(label: string) {
    await userEvent.click(targetBox());
    await userEvent.click(await screen.findByRole('option', { name: label, hidden: true }));
  }

  async function createImmediately() {
    await userEvent.click(screen.getByText('Immediate'));
    await userEvent.type(payloadBox(), 'hello');
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
  }

  it("offers the namespace's targets with its default named first, and sends the one chosen", async () => {
    const { api, onDone } = renderForm({ Targets: targetsOf(audit, orders) }); // by name, as the API lists them
    await waitFor(() => expect(targetBox()).toHaveValue("The namespace's default (orders)"));
    expect(screen.getByText(`Runs go to ${orders.url}`)).toBeInTheDocument();

    await userEvent.click(targetBox());
    const offered = within(await screen.findByRole('listbox', { name: 'Target', hidden: true }))
      .getAllByRole('option', { hidden: true })
      .map((option) => option.textContent);
    expect(offered).toEqual(["The namespace's default (orders)", 'audit', 'orders']);
    await userEvent.click(screen.getByRole('option', { name: 'audit', hidden: true }));
    expect(screen.getByText(`Runs go to ${audit.url}`)).toBeInTheDocument();
    await createImmediately();

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(api.callsOf('CreateSchedule')[0].variables.input).toMatchObject({ target: 'audit' });
  });

  it('keeps the target of a schedule it edits, and can move it back to the default', async () => {
    const schedule = aSchedule({ jobId: 'job-44', target: 'audit', version: 3 });
    const { api, onDone } = renderForm(
      {
        Targets: targetsOf(orders, audit),
        UpdateSchedule: (variables) => ({ updateSchedule: { ...schedule, ...(variables.input as object) } }),
      },
      schedule,
    );
    await waitFor(() => expect(targetBox()).toHaveValue('audit'));

    await chooseTarget("The namespace's default (orders)");
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(api.callsOf('UpdateSchedule')[0].variables.input).toMatchObject({ target: null });
  });

  it('asks for a target in a namespace without a default, and sends nothing until one is chosen', async () => {
    const { api } = renderForm({ Targets: targetsOf(audit) });
    await waitFor(() => expect(targetBox()).toHaveValue("The namespace's default (it has none: choose a target)"));

    await createImmediately();

    expect(await screen.findByText(/This namespace has no default target: choose one/)).toBeInTheDocument();
    expect(api.callsOf('CreateSchedule')).toHaveLength(0);
    await chooseTarget('audit');
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    await waitFor(() => expect(api.callsOf('CreateSchedule')).toHaveLength(1));
  });

  it("shows the API's refusal of the target beside the target field", async () => {
    renderForm({
      Targets: targetsOf(orders, audit),
      CreateSchedule: () => ({
        createSchedule: {
          __typename: 'ValidationError',
          code: 'validation_failed',
          message: "target: namespace 'team-a' has no target 'audit'",
          problems: [{ field: 'target', message: "namespace 'team-a' has no target 'audit'" }],
        },
      }),
    });
    await chooseTarget('audit');

    await createImmediately();

    const refusal = await screen.findByText("target namespace 'team-a' has no target 'audit'");
    expect(targetBox()).toHaveAttribute('aria-describedby', expect.stringContaining(refusal.id));
  });

  it('creates an interval rule with its end, most runs and catch-up policy', async () => {
    const { api, onDone } = renderForm();
    await userEvent.click(screen.getByText('Recurring'));
    await userEvent.click(screen.getByText('Interval'));
    fireEvent.change(screen.getByRole('textbox', { name: 'Every' }), { target: { value: '2' } });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Unit' }), 'hours');
    enterDateAndTime('2030-03-31', '09:00:00');
    await userEvent.click(screen.getByRole('button', { name: 'Start, end, most runs and catch-up' }));
    // The section's fields come with it when it opens: wait for them rather than assume a render.
    fireEvent.change(await screen.findByTestId('end-date-input'), { target: { value: '2030-04-30' } });
    fireEvent.change(await screen.findByRole('textbox', { name: /Most runs/ }, { timeout: 5000 }), {
      target: { value: '10' },
    });
    await userEvent.selectOptions(await screen.findByTestId('catch-up-select'), 'ALL');
    await userEvent.type(payloadBox(), 'tick');

    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(api.callsOf('CreateSchedule')[0].variables.input).toMatchObject({
      recurring: 'INTERVAL',
      interval: 'PT2H',
      runAt: '2030-03-31T09:00:00',
      endAt: '2030-04-30T00:00:00',
      maxRuns: 10,
      catchUp: 'ALL',
    });
  });

  it('sends one idempotency key for every try of the same form, so a retry creates nothing new', async () => {
    let tries = 0;
    const { api, onDone } = renderForm({
      CreateSchedule: (variables) =>
        (tries += 1) === 1 ? Response.json({ error: 'internal_error' }, { status: 500 }) : created(variables),
    });
    await userEvent.click(screen.getByText('Immediate'));
    await userEvent.type(payloadBox(), 'hello');

    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    await screen.findByTestId('form-errors');
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const keys = api.callsOf('CreateSchedule').map((call) => call.variables.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toEqual(expect.any(String));
    expect(keys[1]).toBe(keys[0]);
  });
});
