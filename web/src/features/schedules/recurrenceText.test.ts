import { describe, expect, it } from 'vitest';
import { describeCron, describeRule } from './recurrenceText';

describe('describeRule', () => {
  it('says a daily rule at its wall time in its own zone', () => {
    // 08:00Z is 09:00 in Berlin in winter
    expect(
      describeRule({ recurring: 'DAILY', runAt: '2030-01-15T08:00:00Z', timezone: 'Europe/Berlin', cron: null }),
    ).toBe('daily at 09:00 Europe/Berlin');
  });

  it('keeps the wall time in summer, when the offset changes', () => {
    expect(
      describeRule({ recurring: 'DAILY', runAt: '2030-07-15T07:00:00Z', timezone: 'Europe/Berlin', cron: null }),
    ).toBe('daily at 09:00 Europe/Berlin');
  });

  it('names the weekday of a weekly rule as seen in its zone', () => {
    // Monday 09:00 in New York is Monday 14:00Z
    expect(
      describeRule({ recurring: 'WEEKLY', runAt: '2030-01-14T14:00:00Z', timezone: 'America/New_York', cron: null }),
    ).toBe('weekly on Monday at 09:00 America/New_York');
  });

  it('reads the weekday in the zone, not in UTC, across midnight', () => {
    // Tuesday 01:30Z is still Monday 20:30 in New York
    expect(
      describeRule({ recurring: 'WEEKLY', runAt: '2030-01-15T01:30:00Z', timezone: 'America/New_York', cron: null }),
    ).toBe('weekly on Monday at 20:30 America/New_York');
  });

  it('shows seconds only when the rule has them', () => {
    expect(describeRule({ recurring: 'DAILY', runAt: '2030-01-15T09:00:30Z', timezone: 'UTC', cron: null })).toBe(
      'daily at 09:00:30 UTC',
    );
  });

  it('describes a cron expression in words with its zone', () => {
    expect(describeRule({ recurring: 'CRON', runAt: null, timezone: 'Europe/Paris', cron: '0 9 * * 1-5' })).toBe(
      'At 09:00, Monday through Friday (Europe/Paris)',
    );
  });

  it('falls back to the raw expression when cron cannot be read', () => {
    expect(describeRule({ recurring: 'CRON', runAt: null, timezone: 'UTC', cron: 'not a cron' })).toBe(
      'cron "not a cron" (UTC)',
    );
  });

  it('describes an interval rule by its period alone: it counts in absolute time, in no zone', () => {
    expect(
      describeRule({
        recurring: 'INTERVAL',
        runAt: '2030-01-15T08:07:00Z',
        timezone: 'Europe/Berlin',
        cron: null,
        interval: 'PT1H30M',
      }),
    ).toBe('every 1 hour 30 minutes');
  });

  it('describes a one-time schedule by its date and time', () => {
    expect(
      describeRule({ recurring: 'NONE', runAt: '2030-01-15T08:00:00Z', timezone: 'Europe/Berlin', cron: null }),
    ).toBe('once at 15 Jan 2030 09:00 Europe/Berlin');
  });
});

describe('describeCron', () => {
  it('uses the 24-hour clock', () => {
    expect(describeCron('30 18 * * *')).toBe('At 18:30');
  });

  it('returns null for an expression it cannot read', () => {
    expect(describeCron('61 * * * *')).toBeNull();
  });
});
