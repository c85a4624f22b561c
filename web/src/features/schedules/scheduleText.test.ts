import { describe, expect, it } from 'vitest';
import type { Run } from '../../api/types';
import { aSchedule } from '../../test/builders';
import { describeNextRun, describeRun, runStatusAt, runWhen, scheduleTitle } from './scheduleText';

const now = new Date('2030-01-15T09:00:00Z');
const run = (overrides: Partial<Run>): Run => ({
  occurrenceId: 'job/2030-01-15T09:00:00Z',
  scheduledFor: '2030-01-15T09:00:00Z',
  status: 'DELIVERED',
  trigger: 'SCHEDULE',
  recordedAt: '2030-01-15T08:59:00Z',
  messageId: 'm',
  latenessMs: 120,
  ...overrides,
});

describe('scheduleTitle', () => {
  it('is the name, when the schedule has one', () => {
    expect(scheduleTitle({ payload: '{"a": 1}', name: 'Morning numbers' })).toBe('Morning numbers');
  });

  it('is the first line of the payload that has text, with its white space folded', () => {
    expect(scheduleTitle({ payload: '\n   \n  nightly   export \nsecond line' })).toBe('nightly export');
  });

  it('cuts a long line at 80 characters', () => {
    expect(scheduleTitle({ payload: 'x'.repeat(100) })).toBe(`${'x'.repeat(80)}…`);
  });

  it('says so when the payload has no text at all', () => {
    expect(scheduleTitle({ payload: ' \n\t' })).toBe('(white space only)');
  });
});

describe('runStatusAt', () => {
  it('calls a run the API recorded as delivered queued until its time comes', () => {
    expect(runStatusAt(run({ scheduledFor: '2030-01-15T09:00:40Z' }), now)).toBe('QUEUED');
    expect(runStatusAt(run({ scheduledFor: '2030-01-15T09:00:00Z' }), now)).toBe('DELIVERED');
  });

  it('keeps every other status as the API gave it, including ones it does not know yet', () => {
    expect(runStatusAt(run({ status: 'MISSED' }), now)).toBe('MISSED');
    expect(runStatusAt(run({ status: 'FAILED' as Run['status'] }), now)).toBe('FAILED');
  });
});

describe('runWhen and describeRun', () => {
  it('put a past run in the past tense', () => {
    const past = run({ scheduledFor: '2030-01-15T08:58:00Z' });
    expect(runWhen(past, now)).toBe('2 minutes ago');
    expect(describeRun(past, now)).toBe('delivered 2 minutes ago');
  });

  it('put a run handed over ahead of its time in the future tense, never "delivered in"', () => {
    const queued = run({ scheduledFor: '2030-01-15T09:00:40Z' });
    expect(runWhen(queued, now)).toBe('due in 40 s');
    expect(describeRun(queued, now)).toBe('queued, due in 40 s');
  });

  it('say just now for a run of this second', () => {
    expect(describeRun(run({}), now)).toBe('delivered just now');
  });

  it('name a missed run by its status', () => {
    expect(describeRun(run({ status: 'MISSED', scheduledFor: '2030-01-15T06:00:00Z' }), now)).toBe(
      'missed 3 hours ago',
    );
  });
});

describe('describeNextRun', () => {
  it('says when an active schedule is due, before or after its time', () => {
    expect(describeNextRun(aSchedule({ runAt: '2030-01-15T09:00:40Z' }), now)).toBe('due in 40 s');
    expect(describeNextRun(aSchedule({ runAt: '2030-01-15T08:59:55Z' }), now)).toBe('due 5 s ago');
  });

  it('says a paused schedule is paused, and a completed one has no next run', () => {
    expect(describeNextRun(aSchedule({ state: 'PAUSED' }), now)).toBe('paused');
    expect(describeNextRun(aSchedule({ state: 'COMPLETED' }), now)).toBeNull();
  });
});
