import { describe, expect, it } from 'vitest';
import { describeDuration, durationSeconds, intervalError, toAmount, toDuration } from './intervalText';

describe('intervals', () => {
  it.each([
    ['PT15M', 900],
    ['PT1H30M', 5_400],
    ['P1DT12H', 129_600],
    ['P1W', 604_800],
    ['PT1M30S', 90],
  ])('counts %s as %i seconds', (duration, seconds) => {
    expect(durationSeconds(duration)).toBe(seconds);
  });

  it('reads no duration from what is not one', () => {
    expect(durationSeconds('P1M')).toBeNull(); // months have no fixed length
    expect(durationSeconds('PT')).toBeNull();
    expect(durationSeconds('15 minutes')).toBeNull();
  });

  it('writes an amount of one unit as the API reads it', () => {
    expect(toDuration(15, 'minutes')).toBe('PT15M');
    expect(toDuration(2, 'hours')).toBe('PT2H');
    expect(toDuration(3, 'days')).toBe('P3D');
    expect(toDuration(1, 'weeks')).toBe('P1W');
    expect(toDuration(90, 'seconds')).toBe('PT90S');
  });

  it('shows a stored interval in the largest unit that counts it whole', () => {
    expect(toAmount('PT1H30M')).toEqual({ amount: 90, unit: 'minutes' });
    expect(toAmount('P7D')).toEqual({ amount: 1, unit: 'weeks' });
    expect(toAmount('PT1M30S')).toEqual({ amount: 90, unit: 'seconds' });
  });

  it('refuses less than a minute, more than 366 days, and what is not a whole number', () => {
    expect(intervalError('30', 'seconds')).toBe('An interval is at least one minute');
    expect(intervalError('367', 'days')).toBe('An interval is at most 366 days');
    expect(intervalError('1.5', 'hours')).toBe('"1.5" is not a whole number of hours');
    expect(intervalError('', 'hours')).toBe('Enter how often it runs');
    expect(intervalError('366', 'days')).toBeUndefined();
  });

  it('says a duration in words, largest part first', () => {
    expect(describeDuration('PT1H30M')).toBe('1 hour 30 minutes');
    expect(describeDuration('P7D')).toBe('1 week');
    expect(describeDuration('PT15M')).toBe('15 minutes');
  });
});
