/**
 * Built-ins of the time category. Instants are int64 nanoseconds since the Unix epoch (exact,
 * as bigint internally); calendar fields follow Go's `time` package, which OPA uses: Go
 * reference layouts (`2006-01-02T15:04:05Z07:00`) and OPA's named layouts (`RFC3339`, …),
 * time zones given as "", "UTC", "Local" or IANA names, and Go's error texts.
 */
import { isArray, isNumber, normInt, type Value } from '../value.ts';
import { arg, expectInteger, expectString } from './args.ts';
import { t, type BuiltinContext, type BuiltinDecl } from './decl.ts';
import { BuiltinError, builtinError, operandTypeError } from './errors.ts';
import {
  addDate,
  daysIn,
  formatTime,
  fromUnixNano,
  GoTimeError,
  loadZone,
  longDayNames,
  MAX_INT64,
  MIN_INT64,
  namedLayouts,
  parseDuration,
  parseTime,
  unixNano,
  UTC,
  type GoTime,
  type Zone,
} from './support/gotime.ts';

const TZ_EXPECTED = 'either number (ns) or [number (ns), string (tz)]';

/** An exact int64 from a Rego number, or OPA's "timestamp too big" for anything else. */
function toInt64(fn: string, n: number | bigint): bigint {
  let b: bigint;
  if (typeof n === 'bigint') b = n;
  else if (Number.isInteger(n)) b = BigInt(n);
  else throw builtinError(fn, 'timestamp too big');
  if (b < MIN_INT64 || b > MAX_INT64) throw builtinError(fn, 'timestamp too big');
  return b;
}

function zone(fn: string, name: string): Zone {
  try {
    return loadZone(name);
  } catch (e) {
    if (e instanceof GoTimeError) throw builtinError(fn, e.message);
    throw e;
  }
}

/** OPA's tzTime: `ns` or `[ns, tz]` or `[ns, tz, layout]` to a broken-down time. */
function tzTime(fn: string, v: Value, pos = 1): { t: GoTime; layout: string } {
  let n: Value;
  let z: Zone = UTC;
  let layout = '';
  if (isArray(v)) {
    if (v.length === 0) throw operandTypeError(fn, pos, TZ_EXPECTED, v);
    n = v[0]!;
    if (!isNumber(n)) throw operandTypeError(fn, 1, 'number', n);
    if (v.length > 1) {
      const tz = v[1]!;
      if (typeof tz !== 'string') throw operandTypeError(fn, 1, 'string', tz);
      z = zone(fn, tz);
    }
    if (v.length > 2) {
      const l = v[2]!;
      if (typeof l !== 'string') throw operandTypeError(fn, 1, 'string', l);
      layout = l;
    }
  } else if (isNumber(v)) {
    n = v;
  } else {
    throw operandTypeError(fn, pos, TZ_EXPECTED, v);
  }
  return { t: fromUnixNano(toInt64(fn, n), z), layout };
}

/** OPA's toSafeUnixNano: an instant outside int64 nanoseconds is an error. */
function safeNanos(fn: string, ns: bigint): Value {
  if (ns < MIN_INT64 || ns > MAX_INT64) throw builtinError(fn, 'time outside of valid range');
  return normInt(ns);
}

function wrapGo<T>(fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GoTimeError) throw builtinError(fn, e.message);
    if (e instanceof BuiltinError) throw e;
    throw e;
  }
}

const timeArg = { name: 'x', type: t.union(t.number, t.array(t.any)), description: 'nanoseconds since the epoch, or [ns, tz]' };

export const timeBuiltins: BuiltinDecl[] = [
  {
    name: 'time.now_ns',
    category: 'time',
    args: [],
    result: t.number,
    description: 'Returns the current time since epoch in nanoseconds; the same value throughout one query.',
    nondeterministic: true,
    impl: (_args, ctx: BuiltinContext) => normInt(ctx.nowNs),
  },
  {
    name: 'time.parse_ns',
    category: 'time',
    args: [
      { name: 'layout', type: t.string, description: 'Go reference layout or a named layout such as RFC3339' },
      { name: 'value', type: t.string },
    ],
    result: t.number,
    description: 'Returns the time in nanoseconds parsed from the string in the given Go layout.',
    impl: (args) => {
      const fn = 'time.parse_ns';
      const layout = expectString(fn, args, 0);
      const value = expectString(fn, args, 1);
      return safeNanos(fn, wrapGo(fn, () => parseTime(namedLayouts[layout] ?? layout, value)));
    },
  },
  {
    name: 'time.parse_rfc3339_ns',
    category: 'time',
    args: [{ name: 'value', type: t.string }],
    result: t.number,
    description: 'Returns the time in nanoseconds parsed from the RFC 3339 string.',
    impl: (args) => {
      const fn = 'time.parse_rfc3339_ns';
      const value = expectString(fn, args, 0);
      return safeNanos(fn, wrapGo(fn, () => parseTime(namedLayouts.RFC3339!, value)));
    },
  },
  {
    name: 'time.parse_duration_ns',
    category: 'time',
    args: [{ name: 'duration', type: t.string, description: 'e.g. "1h30m", "100ms", "-1.5s"' }],
    result: t.number,
    description: 'Returns the duration in nanoseconds represented by a Go duration string.',
    impl: (args) => {
      const fn = 'time.parse_duration_ns';
      const d = expectString(fn, args, 0);
      return normInt(wrapGo(fn, () => parseDuration(d)));
    },
  },
  {
    name: 'time.format',
    category: 'time',
    args: [{ name: 'x', type: t.union(t.number, t.array(t.any)), description: 'ns, [ns, tz] or [ns, tz, layout]' }],
    result: t.string,
    description: 'Returns the formatted timestamp for the nanoseconds since epoch (RFC 3339 with nanoseconds by default).',
    impl: (args) => {
      const fn = 'time.format';
      const { t: tm, layout } = tzTime(fn, arg(args, 0));
      const l = layout === '' ? namedLayouts.RFC3339Nano! : (namedLayouts[layout] ?? layout);
      return formatTime(tm, l);
    },
  },
  {
    name: 'time.date',
    category: 'time',
    args: [timeArg],
    result: t.array(t.number),
    description: 'Returns the [year, month, day] for the nanoseconds since epoch.',
    impl: (args) => {
      const { t: tm } = tzTime('time.date', arg(args, 0));
      return [tm.year, tm.month, tm.day];
    },
  },
  {
    name: 'time.clock',
    category: 'time',
    args: [timeArg],
    result: t.array(t.number),
    description: 'Returns the [hour, minute, second] of the day for the nanoseconds since epoch.',
    impl: (args) => {
      const { t: tm } = tzTime('time.clock', arg(args, 0));
      return [tm.hour, tm.minute, tm.second];
    },
  },
  {
    name: 'time.weekday',
    category: 'time',
    args: [timeArg],
    result: t.string,
    description: 'Returns the day of the week (Monday, Tuesday, …) for the nanoseconds since epoch.',
    impl: (args) => longDayNames[tzTime('time.weekday', arg(args, 0)).t.weekday]!,
  },
  {
    name: 'time.add_date',
    category: 'time',
    args: [
      { name: 'ns', type: t.number },
      { name: 'years', type: t.number },
      { name: 'months', type: t.number },
      { name: 'days', type: t.number },
    ],
    result: t.number,
    description: 'Returns the nanoseconds since epoch after adding years, months and days (normalised like Go: Oct 31 + 1 month = Dec 1).',
    impl: (args) => {
      const fn = 'time.add_date';
      const { t: tm } = tzTime(fn, arg(args, 0));
      const n = [1, 2, 3].map((i) => Number(expectInteger(fn, args, i)));
      return safeNanos(fn, unixNano(addDate(tm, n[0]!, n[1]!, n[2]!)));
    },
  },
  {
    name: 'time.diff',
    category: 'time',
    args: [timeArg, { ...timeArg, name: 'y' }],
    result: t.array(t.number),
    description: 'Returns the difference between two times as [years, months, days, hours, minutes, seconds].',
    impl: (args) => {
      const fn = 'time.diff';
      let t1 = tzTime(fn, arg(args, 0)).t;
      let t2 = tzTime(fn, arg(args, 1)).t;
      if (t1.zone !== t2.zone) t2 = fromUnixNano(unixNano(t2), t1.zone);
      if (unixNano(t1) > unixNano(t2)) [t1, t2] = [t2, t1];
      let year = t2.year - t1.year;
      let month = t2.month - t1.month;
      let day = t2.day - t1.day;
      let hour = t2.hour - t1.hour;
      let min = t2.minute - t1.minute;
      let sec = t2.second - t1.second;
      if (sec < 0) {
        sec += 60;
        min--;
      }
      if (min < 0) {
        min += 60;
        hour--;
      }
      if (hour < 0) {
        hour += 24;
        day--;
      }
      if (day < 0) {
        day += daysIn(t1.month, t1.year);
        month--;
      }
      if (month < 0) {
        month += 12;
        year--;
      }
      return [year, month, day, hour, min, sec];
    },
  },
];

