import { describe, expect, it } from 'vitest';
import { callWith, call, errorOf, newContext } from './test-support.ts';

const T = 1670006453141828752n;

describe('time', () => {
  it('now_ns is the per-query time', () => {
    const ctx = { ...newContext(), nowNs: 42n };
    expect(callWith(ctx, 'time.now_ns')).toBe(42);
  });
  it('formats with Go layouts, named layouts and zones', () => {
    expect(call('time.format', T)).toBe('2022-12-02T18:40:53.141828752Z');
    expect(call('time.format', [T, 'Asia/Kolkata'])).toBe('2022-12-03T00:10:53.141828752+05:30');
    expect(call('time.format', [T, 'Asia/Kolkata', 'Mon Jan 02 15:04:05 -0700 2006'])).toBe('Sat Dec 03 00:10:53 +0530 2022');
    expect(call('time.format', [T, 'UTC', 'RFC1123Z'])).toBe('Fri, 02 Dec 2022 18:40:53 +0000');
    expect(call('time.format', [T, '', 'Monday January _2 3:04PM .000 002'])).toBe('Friday December  2 6:40PM .141 336');
    expect(call('time.format', [0, 'America/New_York', '2006-01-02 15:04 MST'])).toBe('1969-12-31 19:00 EST');
    expect(errorOf('time.format', [0, 'Nowhere/Special']).message).toBe('time.format: unknown time zone Nowhere/Special');
  });
  it('date, clock and weekday; too-big timestamps', () => {
    expect(call('time.date', 1517814000000000000n)).toEqual([2018, 2, 5]);
    expect(call('time.clock', [1517832000000000000n, 'America/New_York'])).toEqual([7, 0, 0]);
    expect(call('time.weekday', 1518264000000000000n)).toBe('Saturday');
    expect(errorOf('time.date', 1582977600n * 10n ** 12n)).toEqual({ code: 'eval_builtin_error', message: 'time.date: timestamp too big' });
    expect(errorOf('time.clock', 1.5).message).toBe('time.clock: timestamp too big');
  });
  it('parses Go layouts and RFC 3339 with Go errors', () => {
    expect(call('time.parse_rfc3339_ns', '2017-06-02T19:00:00.123456789-07:00')).toBe(1496455200123456789n);
    expect(call('time.parse_ns', '2006-01-02', '2020-02-29')).toBe(1582934400000000000n);
    expect(call('time.parse_ns', 'RFC1123', 'Mon, 02 Jan 2006 15:04:05 MST')).toBe(1136214245000000000n);
    expect(call('time.parse_ns', 'Jan _2 15:04:05.000 2006', 'Feb  3 04:05:06.789 2021')).toBe(1612325106789000000n);
    expect(errorOf('time.parse_ns', '2006-01-02', '2020-02-30').message).toBe('time.parse_ns: parsing time "2020-02-30": day out of range');
    expect(errorOf('time.parse_ns', '2006-01-02', '2020-0x-30').message).toBe(
      'time.parse_ns: parsing time "2020-0x-30" as "2006-01-02": cannot parse "0x-30" as "01"',
    );
    expect(errorOf('time.parse_ns', '2006', '2020 extra').message).toBe('time.parse_ns: parsing time "2020 extra": extra text: " extra"');
  });
  it('parses Go durations', () => {
    expect(call('time.parse_duration_ns', '100ms')).toBe(100000000);
    expect(call('time.parse_duration_ns', '1h30m1.5s')).toBe(5401500000000);
    expect(call('time.parse_duration_ns', '-1.5us')).toBe(-1500);
    expect(errorOf('time.parse_duration_ns', '1x').message).toBe('time.parse_duration_ns: time: unknown unit "x" in duration "1x"');
    expect(errorOf('time.parse_duration_ns', '1').message).toBe('time.parse_duration_ns: time: missing unit in duration "1"');
  });
  it('add_date normalises like Go and diff counts calendar units', () => {
    // 2019-10-31 + 1 month = 2019-12-01
    expect(call('time.add_date', 1572480000000000000n, 0, 1, 0)).toBe(1575158400000000000n);
    expect(call('time.diff', 1577836800000000000n, 1546300800000000000n)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(call('time.diff', 1583020800000000000n, 1580428800000000000n)).toEqual([0, 1, 1, 0, 0, 0]);
  });
});
