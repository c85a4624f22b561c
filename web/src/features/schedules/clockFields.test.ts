import { describe, expect, it } from 'vitest';
import { parseDate, parseTime } from './clockFields';

describe('parseTime', () => {
  it.each([
    ['09:05:30', '09:05:30'],
    ['9:05', '09:05:00'],
    [' 23:59:59 ', '23:59:59'],
    ['00:00', '00:00:00'],
  ])('reads %j on the 24-hour clock as %s', (typed, value) => {
    expect(parseTime(typed)).toEqual({ value });
  });

  it.each([
    ['25:00:00', '25:00:00 is not a time of day: hours run from 00 to 23'],
    ['12:60:00', '12:60:00 is not a time of day: minutes run from 00 to 59'],
    ['12:00:61', '12:00:61 is not a time of day: seconds run from 00 to 59'],
    ['9 pm', '"9 pm" is not a time: write it as HH:mm:ss on the 24-hour clock, e.g. 14:30:00'],
    ['', 'Enter a time'],
  ])('refuses %j, saying why', (typed, error) => {
    expect(parseTime(typed)).toEqual({ error });
  });
});

describe('parseDate', () => {
  it('reads a calendar date, leap days included', () => {
    expect(parseDate('2028-02-29')).toEqual({ value: '2028-02-29' });
  });

  it.each([
    ['2030-02-30', '2030-02-30 is not a date: February 2030 has 28 days'],
    ['2030-13-01', '2030-13-01 is not a date: months run from 01 to 12'],
    ['2030-04-31', '2030-04-31 is not a date: April 2030 has 30 days'],
    ['1/2/2030', '"1/2/2030" is not a date: write it as YYYY-MM-DD, e.g. 2030-01-31'],
    ['', 'Pick a date'],
  ])('refuses %j, saying why', (typed, error) => {
    expect(parseDate(typed)).toEqual({ error });
  });
});
