import { describe, expect, it } from 'vitest';
import { aSchedule } from '../../test/builders';
import {
  emptyValues,
  problemsByField,
  repeatHint,
  startsInThePast,
  toScheduleInput,
  validate,
  valuesFromSchedule,
  type FormValues,
} from './formModel';

const future: FormValues = {
  ...emptyValues('Europe/Berlin'),
  when: 'future',
  date: '2030-03-31',
  time: '02:30:15',
  payload: 'hello',
};

describe('validate', () => {
  it('accepts a complete future schedule', () => {
    expect(validate(future)).toEqual({});
  });

  it('requires a cron expression for a cron schedule', () => {
    expect(validate({ ...future, when: 'recurring', repeat: 'CRON', cron: '  ' }).cron).toMatch(
      /cron expression is required/,
    );
  });

  it('does not ask a cron schedule for a date or time', () => {
    expect(validate({ ...future, when: 'recurring', repeat: 'CRON', cron: '0 9 * * *', date: '', time: '' })).toEqual(
      {},
    );
  });

  it('requires a date and a time for a future or daily schedule', () => {
    const errors = validate({ ...future, when: 'recurring', repeat: 'DAILY', date: '', time: '' });
    expect(errors.date).toBeDefined();
    expect(errors.time).toBeDefined();
  });

  it('does not ask an immediate schedule for a date', () => {
    expect(validate({ ...future, when: 'immediate', date: '', time: '' })).toEqual({});
  });

  it('rejects a payload over 256 KiB counted in UTF-8 bytes', () => {
    // 87,382 three-byte characters: 262,146 bytes, two over the limit, though far fewer characters
    const errors = validate({ ...future, payload: '€'.repeat(87_382) });
    expect(errors.payload).toMatch(/is 262,146 bytes in UTF-8; the limit is 262,144 bytes/);
  });

  it('accepts a payload of exactly 256 KiB', () => {
    expect(validate({ ...future, payload: 'a'.repeat(256 * 1024) })).toEqual({});
  });

  it('refuses an impossible time and an impossible date with the reason', () => {
    const errors = validate({ ...future, date: '2030-02-30', time: '25:00:00' });
    expect(errors.time).toBe('25:00:00 is not a time of day: hours run from 00 to 23');
    expect(errors.date).toBe('2030-02-30 is not a date: February 2030 has 28 days');
  });

  it('requires a payload', () => {
    expect(validate({ ...future, payload: '' }).payload).toBe('Payload is required');
  });
});

describe('toScheduleInput', () => {
  it('sends the run time as local wall time without an offset, with the chosen zone', () => {
    expect(toScheduleInput(future)).toEqual({
      payload: 'hello',
      recurring: 'NONE',
      timezone: 'Europe/Berlin',
      target: null,
      runAt: '2030-03-31T02:30:15',
    });
  });

  it("sends the chosen target, or null for the namespace's default (an update replaces it too)", () => {
    expect(toScheduleInput({ ...future, target: 'audit' }).target).toBe('audit');
    expect(toScheduleInput(future)).toHaveProperty('target', null);
  });

  it('sends a time typed without seconds, or with a one-digit hour, as HH:mm:ss', () => {
    expect(toScheduleInput({ ...future, time: '9:05' }).runAt).toBe('2030-03-31T09:05:00');
  });

  it('sends an immediate schedule without a run time', () => {
    expect(toScheduleInput({ ...future, when: 'immediate' })).toEqual({
      payload: 'hello',
      recurring: 'NONE',
      timezone: 'Europe/Berlin',
      target: null,
      immediate: true,
    });
  });

  it('sends a weekly rule with its first run', () => {
    expect(toScheduleInput({ ...future, when: 'recurring', repeat: 'WEEKLY', time: '09:00' })).toMatchObject({
      recurring: 'WEEKLY',
      runAt: '2030-03-31T09:00:00',
    });
  });

  it('sends a cron rule with its expression and no run time', () => {
    const input = toScheduleInput({ ...future, when: 'recurring', repeat: 'CRON', cron: ' 0 9 * * 1-5 ' });
    expect(input).toEqual({
      payload: 'hello',
      recurring: 'CRON',
      timezone: 'Europe/Berlin',
      target: null,
      cron: '0 9 * * 1-5',
    });
  });
});

describe('valuesFromSchedule', () => {
  it('reads the run time back as wall time in the schedule zone', () => {
    const values = valuesFromSchedule(
      aSchedule({ recurring: 'DAILY', runAt: '2030-01-15T08:00:05Z', timezone: 'Europe/Berlin', payload: 'p' }),
    );
    expect(values).toMatchObject({ when: 'recurring', repeat: 'DAILY', date: '2030-01-15', time: '09:00:05' });
  });
});

describe('problemsByField', () => {
  it('puts runAt problems beside the date and keeps unknown fields general', () => {
    const { fields, general } = problemsByField([
      { field: 'runAt', message: 'is not a valid ISO-8601 time' },
      { field: 'cron', message: 'has 4 fields; 5 are needed' },
      { field: 'namespace', message: 'is odd' },
    ]);
    expect(fields).toEqual({ date: 'runAt is not a valid ISO-8601 time', cron: 'cron has 4 fields; 5 are needed' });
    expect(general).toEqual(['namespace is odd']);
  });
});

describe('repeatHint', () => {
  it('says the weekday a weekly rule repeats on, from its first date', () => {
    expect(repeatHint({ ...future, when: 'recurring', repeat: 'WEEKLY', date: '2030-01-14', time: '09:00' })).toBe(
      'Every Monday at 09:00:00',
    );
  });

  it('says nothing for a one-time schedule or before a date is picked', () => {
    expect(repeatHint(future)).toBeUndefined();
    expect(repeatHint({ ...future, when: 'recurring', date: '' })).toBeUndefined();
  });
});

describe('startsInThePast', () => {
  const now = new Date('2030-03-31T12:00:00Z'); // 14:00 in Berlin

  it('is true for a run time at or before now in the chosen zone', () => {
    expect(startsInThePast({ ...future, date: '2030-03-31', time: '13:59:59' }, now)).toBe(true);
    expect(startsInThePast({ ...future, date: '2030-03-31', time: '14:00:00' }, now)).toBe(true);
    expect(startsInThePast({ ...future, date: '2030-03-31', time: '14:00:01' }, now)).toBe(false);
  });

  it('reads the wall time in the zone, not in the browser', () => {
    // 13:00 in New York is 17:00Z: still ahead
    expect(startsInThePast({ ...future, timezone: 'America/New_York', date: '2030-03-31', time: '13:00' }, now)).toBe(
      false,
    );
  });

  it('holds for a daily rule whose first run has passed, and never for a cron rule or an immediate run', () => {
    const past = { ...future, date: '2030-01-01', time: '09:00:00' };
    expect(startsInThePast({ ...past, when: 'recurring', repeat: 'DAILY' }, now)).toBe(true);
    expect(startsInThePast({ ...past, when: 'recurring', repeat: 'CRON', cron: '0 9 * * *' }, now)).toBe(false);
    expect(startsInThePast({ ...past, when: 'immediate' }, now)).toBe(false);
  });

  it('says nothing until the date and time can be read', () => {
    expect(startsInThePast({ ...future, date: '2020-01-01', time: '25:00:00' }, now)).toBe(false);
  });
});
