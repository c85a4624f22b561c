import { describe, expect, it } from 'vitest';
import {
  canonicalZone,
  formatInZone,
  formatLateness,
  formatShortInZone,
  relativeTo,
  wallTime,
  zoneChoices,
} from './time';

const ACCEPTED = {
  names: ['Asia/Kolkata', 'Europe/Berlin', 'UTC'],
  aliases: [{ name: 'Asia/Calcutta', canonical: 'Asia/Kolkata' }],
};

describe('zoneChoices', () => {
  it('offers the names the API accepts, and only UTC and the current zone until it has them', () => {
    expect(zoneChoices(ACCEPTED, 'Asia/Calcutta')).toEqual(['Asia/Kolkata', 'Europe/Berlin', 'UTC']);
    expect(zoneChoices(undefined, 'Europe/Berlin')).toEqual(['Europe/Berlin', 'UTC']);
  });
});

describe('canonicalZone', () => {
  it('keeps an accepted name, maps an alias to its canonical name and anything else to UTC', () => {
    expect(canonicalZone('Europe/Berlin', ACCEPTED)).toBe('Europe/Berlin');
    expect(canonicalZone('Asia/Calcutta', ACCEPTED)).toBe('Asia/Kolkata');
    expect(canonicalZone('Mars/Base', ACCEPTED)).toBe('UTC');
  });
});

describe('formatInZone', () => {
  it('shows the 24-hour clock', () => {
    expect(formatInZone('2030-07-01T21:05:09Z', 'UTC')).toBe('Mon 1 Jul 2030, 21:05:09');
    expect(formatShortInZone(Date.parse('2030-07-01T21:05:09Z'), 'UTC')).toBe('1 Jul 21:05');
  });

  it('shows one instant in two zones, across a DST offset', () => {
    expect(formatInZone('2030-07-01T07:00:00Z', 'Europe/Berlin')).toBe('Mon 1 Jul 2030, 09:00:00');
    expect(formatInZone('2030-07-01T07:00:00Z', 'America/New_York')).toBe('Mon 1 Jul 2030, 03:00:00');
  });
});

describe('wallTime', () => {
  it('gives the date and time a person in the zone reads on the clock', () => {
    expect(wallTime('2030-01-01T02:30:15Z', 'America/Los_Angeles')).toEqual({ date: '2029-12-31', time: '18:30:15' });
  });
});

describe('relativeTo', () => {
  const now = new Date('2030-01-01T00:00:00Z');

  it('says how far away an instant is, in the tense its side of now calls for', () => {
    expect(relativeTo('2030-01-01T00:03:00Z', now)).toBe('in 3 minutes');
    expect(relativeTo('2029-12-31T22:00:00Z', now)).toBe('2 hours ago');
  });

  it('counts seconds under a minute, either side of now', () => {
    expect(relativeTo('2030-01-01T00:00:40Z', now)).toBe('in 40 s');
    expect(relativeTo('2029-12-31T23:59:15Z', now)).toBe('45 s ago');
    expect(relativeTo('2030-01-01T00:00:59Z', now)).toBe('in 59 s');
    expect(relativeTo('2030-01-01T00:01:00Z', now)).toBe('in a minute');
  });

  it('says now for the same second', () => {
    expect(relativeTo('2030-01-01T00:00:00.300Z', now)).toBe('now');
  });
});

describe('formatLateness', () => {
  it.each([
    [null, '—'],
    [0, '0 ms'],
    [240, '240 ms'],
    [2_400, '2.4 s'],
    [180_000, '3 min'],
    [18_000_000, '5 h'],
    [26 * 86_400_000, '26 days'],
  ])('shows %s ms as %s', (ms, text) => {
    expect(formatLateness(ms)).toBe(text);
  });
});
