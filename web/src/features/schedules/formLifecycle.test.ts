import { describe, expect, it } from 'vitest';
import { aSchedule } from '../../test/builders';
import {
  hasBounds,
  lifecycleErrors,
  lifecycleInput,
  lifecycleValues,
  NO_LIFECYCLE,
  type LifecycleValues,
} from './formLifecycle';

const typed = (overrides: Partial<LifecycleValues>): LifecycleValues => ({ ...NO_LIFECYCLE, ...overrides });

describe('lifecycleInput', () => {
  it('leaves out what is empty or the default, so the API applies its own', () => {
    expect(lifecycleInput(NO_LIFECYCLE, true, false)).toEqual({});
  });

  it('sends the name trimmed, the description as typed and the labels parsed', () => {
    const input = lifecycleInput(
      typed({ name: '  nightly export ', description: 'For the warehouse.\n', labels: ['team=billing'] }),
      false,
      false,
    );

    expect(input).toEqual({
      name: 'nightly export',
      description: 'For the warehouse.\n',
      labels: [{ key: 'team', value: 'billing' }],
    });
  });

  it("sends an interval rule's period as an ISO-8601 duration", () => {
    expect(lifecycleInput(typed({ every: '15', unit: 'minutes' }), true, true)).toEqual({ interval: 'PT15M' });
  });

  it('sends the bounds as wall times, a bound given by date alone from midnight', () => {
    const input = lifecycleInput(
      typed({ startDate: '2030-03-01', endDate: '2030-04-01', endTime: '18:30', maxRuns: '10', catchUp: 'ALL' }),
      true,
      false,
    );

    expect(input).toEqual({
      startAt: '2030-03-01T00:00:00',
      endAt: '2030-04-01T18:30:00',
      maxRuns: 10,
      catchUp: 'ALL',
    });
  });

  it('sends no bounds and no catch-up for a rule that does not repeat', () => {
    expect(lifecycleInput(typed({ startDate: '2030-03-01', maxRuns: '3', catchUp: 'NONE' }), false, false)).toEqual({});
  });
});

describe('lifecycleErrors', () => {
  it('refuses an end at or before the start', () => {
    const errors = lifecycleErrors(typed({ startDate: '2030-03-01', endDate: '2030-03-01' }), true, false);

    expect(errors.endDate).toBe('The end must be after the start');
  });

  it('refuses a number of runs that is not a whole number from 1', () => {
    expect(lifecycleErrors(typed({ maxRuns: '0' }), true, false).maxRuns).toMatch(/^"0" is not a number of runs/);
    expect(lifecycleErrors(typed({ maxRuns: '2.5' }), true, false).maxRuns).toMatch(/not a number of runs/);
  });

  it('refuses an interval under a minute, only on an interval rule', () => {
    const seconds = typed({ every: '30', unit: 'seconds' });

    expect(lifecycleErrors(seconds, true, true).interval).toBeDefined();
    expect(lifecycleErrors(seconds, true, false).interval).toBeUndefined();
  });

  it('refuses a label that is not key=value', () => {
    expect(lifecycleErrors(typed({ labels: ['no value'] }), false, false).labels).toBeDefined();
  });
});

describe('lifecycleValues', () => {
  it("reads a stored schedule's fields back, its bounds in its own zone", () => {
    const values = lifecycleValues(
      aSchedule({
        timezone: 'Europe/Berlin',
        name: 'nightly export',
        labels: [{ key: 'team', value: 'billing' }],
        interval: 'PT2H',
        endAt: '2030-04-01T16:30:00Z',
        maxRuns: 10,
        catchUp: 'NONE',
      }),
    );

    expect(values).toMatchObject({
      name: 'nightly export',
      labels: ['team=billing'],
      every: '2',
      unit: 'hours',
      endDate: '2030-04-01',
      endTime: '18:30:00',
      maxRuns: '10',
      catchUp: 'NONE',
    });
    expect(hasBounds(values)).toBe(true);
    expect(hasBounds(NO_LIFECYCLE)).toBe(false);
  });
});
