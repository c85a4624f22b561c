import { describe, expect, it } from 'vitest';
import { aSchedule } from '../../test/builders';
import { deletionOutcome } from './deletionOutcome';

const now = new Date('2030-01-15T09:00:00Z');
const delivered = (scheduledFor: string) => ({
  occurrenceId: `job/${scheduledFor}`,
  scheduledFor,
  status: 'DELIVERED' as const,
  trigger: 'SCHEDULE' as const,
  recordedAt: '2030-01-15T08:59:00Z',
  messageId: 'm',
  latenessMs: 0,
});

describe('deletionOutcome', () => {
  it('promises that a run well ahead will not be delivered', () => {
    const outcome = deletionOutcome(aSchedule({ runAt: '2030-01-15T10:00:00Z' }), now);
    expect(outcome.warning).toBeNull();
    expect(outcome.lines).toEqual([
      'The schedule is removed at once, and its run history can no longer be read.',
      'Its run will not be delivered.',
    ]);
  });

  it('warns that a run inside the lookahead may already be queued, and promises nothing for it', () => {
    const outcome = deletionOutcome(aSchedule({ recurring: 'DAILY', runAt: '2030-01-15T09:00:40Z' }), now);
    expect(outcome.warning).toMatch(/^Its next run is due in 40 s, so it may already be on the queue/);
    expect(outcome.warning).toMatch(/may still be delivered/);
    expect(outcome.lines.at(-1)).toBe('No run after that one will be delivered.');
  });

  it('warns for an active run whose time has passed: the dispatcher may be sending it', () => {
    const outcome = deletionOutcome(aSchedule({ runAt: '2030-01-15T08:58:00Z' }), now);
    expect(outcome.warning).toMatch(/^Its next run was due 2 minutes ago, so it may already be on the queue/);
  });

  it('does not warn for a paused schedule whose time passed while paused', () => {
    const outcome = deletionOutcome(aSchedule({ state: 'PAUSED', runAt: '2030-01-15T08:00:00Z' }), now);
    expect(outcome.warning).toBeNull();
  });

  it('says a run already handed over will still be delivered', () => {
    const schedule = aSchedule({
      state: 'COMPLETED',
      runAt: '2030-01-15T09:00:30Z',
      lastRun: delivered('2030-01-15T09:00:30Z'),
    });
    const outcome = deletionOutcome(schedule, now);
    expect(outcome.warning).toBe('A run due in 30 s is already on the queue: it will still be delivered.');
    expect(outcome.lines.at(-1)).toBe('It has no other runs.');
  });

  it('says a completed schedule has nothing left to deliver', () => {
    const outcome = deletionOutcome(aSchedule({ state: 'COMPLETED', lastRun: delivered('2030-01-14T09:00:00Z') }), now);
    expect(outcome.warning).toBeNull();
    expect(outcome.lines.at(-1)).toBe('It has no runs left to deliver.');
  });
});
