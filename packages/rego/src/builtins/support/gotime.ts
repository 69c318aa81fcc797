/**
 * Go's `time` package semantics that OPA's time built-ins expose: proleptic Gregorian civil
 * dates for any int64 nanosecond instant, time zones (fixed UTC or IANA names resolved through
 * `Intl`), Go reference-time layouts (`2006-01-02T15:04:05Z07:00`) for both formatting and
 * parsing with Go's error texts, `AddDate` normalisation, and `ParseDuration`.
 */

export const NS_PER_SEC = 1_000_000_000n;
export const MIN_INT64 = -(2n ** 63n);
export const MAX_INT64 = 2n ** 63n - 1n;

export class GoTimeError extends Error {}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, any day, normalised). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): { year: number; month: number; day: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { year: m <= 2 ? y + 1 : y, month: m, day: d };
}

export const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** A time zone: its name and its UTC offset (seconds) and abbreviation at an instant. */
export interface Zone {
  name: string;
  at(unixSec: number): { offset: number; abbr: string };
}

export const UTC: Zone = { name: 'UTC', at: () => ({ offset: 0, abbr: 'UTC' }) };

const zoneCache = new Map<string, Zone>();

function intlZone(name: string): Zone {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
      timeZoneName: 'short',
    });
  } catch {
    throw new GoTimeError(`unknown time zone ${name}`);
  }
  return {
    name,
    at(unixSec: number) {
      const ms = Math.max(-8.64e15, Math.min(8.64e15, unixSec * 1000));
      const parts: Record<string, string> = {};
      for (const p of fmt.formatToParts(new Date(ms))) parts[p.type] = p.value;
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const local = daysFromCivil(year, Number(parts.month), Number(parts.day)) * 86400 + Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
      const utc = Math.floor(ms / 1000);
      const offset = local - utc;
      let abbr = parts.timeZoneName ?? '';
      // tzdata names zones without a common abbreviation by their offset ("+0530", "-03").
      if (/^(GMT|UTC)([+-]|$)/.test(abbr)) abbr = offset === 0 ? 'UTC' : numericAbbr(offset);
      return { offset, abbr };
    },
  };
}

function numericAbbr(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = String(Math.floor(a / 3600)).padStart(2, '0');
  const m = Math.floor((a % 3600) / 60);
  return sign + h + (m ? String(m).padStart(2, '0') : '');
}

/** Go's `time.LoadLocation` for OPA's accepted names: "" and "UTC", "Local", IANA names. */
export function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  const cached = zoneCache.get(name);
  if (cached) return cached;
  let zone: Zone;
  if (name === 'Local') {
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    zone = local === 'UTC' || local === 'Etc/UTC' ? { ...UTC, name: 'Local' } : { ...intlZone(local), name: 'Local' };
  } else {
    zone = intlZone(name);
  }
  zoneCache.set(name, zone);
  return zone;
}

/** A broken-down instant: civil fields in a zone, plus the instant itself. */
export interface GoTime {
  /** Seconds since the epoch (floor) and nanoseconds within that second. */
  sec: number;
  nsec: number;
  zone: Zone;
  offset: number;
  abbr: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
  /** 1-based day of the year. */
  yday: number;
}

export function fromUnixNano(ns: bigint, zone: Zone = UTC): GoTime {
  let sec = ns / NS_PER_SEC;
  let nsec = ns % NS_PER_SEC;
  if (nsec < 0n) {
    nsec += NS_PER_SEC;
    sec -= 1n;
  }
  return fromUnix(Number(sec), Number(nsec), zone);
}

export function fromUnix(sec: number, nsec: number, zone: Zone): GoTime {
  const { offset, abbr } = zone.at(sec);
  const local = sec + offset;
  const days = Math.floor(local / 86400);
  const secOfDay = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    sec,
    nsec,
    zone,
    offset,
    abbr,
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
  };
}

export function unixNano(t: { sec: number; nsec: number }): bigint {
  return BigInt(t.sec) * NS_PER_SEC + BigInt(t.nsec);
}

/** Go's `time.Date`: normalises out-of-range fields and resolves the local time in `zone`. */
export function goDate(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, zone: Zone): GoTime {
  // Normalise month into 1..12, carrying into the year (days overflow via daysFromCivil).
  const m0 = month - 1;
  year += Math.floor(m0 / 12);
  month = (((m0 % 12) + 12) % 12) + 1;
  const local = (daysFromCivil(year, month, 1) + day - 1) * 86400 + hour * 3600 + min * 60 + sec + Math.floor(nsec / 1e9);
  const ns = ((nsec % 1e9) + 1e9) % 1e9;
  // Find the offset in force at the resulting instant (as Go does: guess, then correct once).
  let offset = zone.at(local).offset;
  let unix = local - offset;
  const corrected = zone.at(unix).offset;
  if (corrected !== offset) {
    offset = corrected;
    unix = local - offset;
  }
  return fromUnix(unix, ns, zone);
}

/** Go's `Time.AddDate`. */
export function addDate(t: GoTime, years: number, months: number, days: number): GoTime {
  return goDate(t.year + years, t.month + months, t.day + days, t.hour, t.minute, t.second, t.nsec, t.zone);
}

export const longDayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const shortDayNames = longDayNames.map((d) => d.slice(0, 3));
const longMonthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const shortMonthNames = longMonthNames.map((m) => m.slice(0, 3));

/** The layout names OPA accepts in place of a layout. */
export const namedLayouts: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

type Std =
  | { k: 'longMonth' | 'month' | 'numMonth' | 'zeroMonth' | 'longWeekDay' | 'weekDay' | 'day' | 'underDay' | 'zeroDay' }
  | { k: 'underYearDay' | 'zeroYearDay' | 'hour' | 'hour12' | 'zeroHour12' | 'minute' | 'zeroMinute' | 'second' | 'zeroSecond' }
  | { k: 'longYear' | 'year' | 'PM' | 'pm' | 'TZ' }
  | { k: 'tz'; iso: boolean; form: 'secs' | 'colonSecs' | 'hhmm' | 'colon' | 'short' }
  | { k: 'frac'; nines: boolean; digits: number; sep: string };

interface Chunk {
  prefix: string;
  std?: Std;
  /** The layout text of the std element (for error messages). */
  text: string;
  suffix: string;
}

const startsWithLower = (s: string): boolean => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';
const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** Go's nextStdChunk: the literal prefix, the first layout element, and the rest. */
function nextChunk(layout: string): Chunk {
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const at = (s: string): boolean => layout.startsWith(s, i);
    const ret = (std: Std, len: number, prefixEnd = i): Chunk => ({
      prefix: layout.slice(0, prefixEnd),
      std,
      text: layout.slice(prefixEnd, i + len),
      suffix: layout.slice(i + len),
    });
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) return ret({ k: 'longMonth' }, 7);
          if (!startsWithLower(layout.slice(i + 3))) return ret({ k: 'month' }, 3);
        }
        break;
      case 'M':
        if (at('Mon')) {
          if (at('Monday')) return ret({ k: 'longWeekDay' }, 6);
          if (!startsWithLower(layout.slice(i + 3))) return ret({ k: 'weekDay' }, 3);
        }
        if (at('MST')) return ret({ k: 'TZ' }, 3);
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') {
          const kinds = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'] as const;
          return ret({ k: kinds[Number(n) - 1]! }, 2);
        }
        if (at('002')) return ret({ k: 'zeroYearDay' }, 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return ret({ k: 'hour' }, 2);
        return ret({ k: 'numMonth' }, 1);
      case '2':
        if (at('2006')) return ret({ k: 'longYear' }, 4);
        return ret({ k: 'day' }, 1);
      case '_':
        if (layout[i + 1] === '2') {
          // "_2006" is a literal underscore followed by the long year.
          if (layout.startsWith('2006', i + 1)) return { prefix: layout.slice(0, i + 1), std: { k: 'longYear' }, text: '2006', suffix: layout.slice(i + 5) };
          return ret({ k: 'underDay' }, 2);
        }
        if (at('__2')) return ret({ k: 'underYearDay' }, 3);
        break;
      case '3':
        return ret({ k: 'hour12' }, 1);
      case '4':
        return ret({ k: 'minute' }, 1);
      case '5':
        return ret({ k: 'second' }, 1);
      case 'P':
        if (layout[i + 1] === 'M') return ret({ k: 'PM' }, 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return ret({ k: 'pm' }, 2);
        break;
      case '-':
      case 'Z': {
        const iso = c === 'Z';
        if (at(c + '070000')) return ret({ k: 'tz', iso, form: 'secs' }, 7);
        if (at(c + '07:00:00')) return ret({ k: 'tz', iso, form: 'colonSecs' }, 9);
        if (at(c + '0700')) return ret({ k: 'tz', iso, form: 'hhmm' }, 5);
        if (at(c + '07:00')) return ret({ k: 'tz', iso, form: 'colon' }, 6);
        if (at(c + '07')) return ret({ k: 'tz', iso, form: 'short' }, 3);
        break;
      }
      case '.':
      case ',': {
        const d = layout[i + 1];
        if (d === '0' || d === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === d) j++;
          if (!isDigitAt(layout, j)) return ret({ k: 'frac', nines: d === '9', digits: j - (i + 1), sep: c }, j - i);
        }
        break;
      }
      default:
        break;
    }
  }
  return { prefix: layout, text: '', suffix: '' };
}

const pad = (n: number, w: number): string => {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? '-' + s : s;
};

/** Go's `Time.Format`. */
export function formatTime(t: GoTime, layout: string): string {
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const ch = nextChunk(rest);
    out += ch.prefix;
    if (!ch.std) break;
    rest = ch.suffix;
    const std = ch.std;
    switch (std.k) {
      case 'year':
        out += pad(((t.year % 100) + 100) % 100, 2);
        break;
      case 'longYear':
        out += pad(t.year, 4);
        break;
      case 'month':
        out += shortMonthNames[t.month - 1];
        break;
      case 'longMonth':
        out += longMonthNames[t.month - 1];
        break;
      case 'numMonth':
        out += String(t.month);
        break;
      case 'zeroMonth':
        out += pad(t.month, 2);
        break;
      case 'weekDay':
        out += shortDayNames[t.weekday];
        break;
      case 'longWeekDay':
        out += longDayNames[t.weekday];
        break;
      case 'day':
        out += String(t.day);
        break;
      case 'underDay':
        out += t.day < 10 ? ' ' + t.day : String(t.day);
        break;
      case 'zeroDay':
        out += pad(t.day, 2);
        break;
      case 'underYearDay':
        out += String(t.yday).padStart(3, ' ');
        break;
      case 'zeroYearDay':
        out += pad(t.yday, 3);
        break;
      case 'hour':
        out += pad(t.hour, 2);
        break;
      case 'hour12':
        out += String(t.hour % 12 === 0 ? 12 : t.hour % 12);
        break;
      case 'zeroHour12':
        out += pad(t.hour % 12 === 0 ? 12 : t.hour % 12, 2);
        break;
      case 'minute':
        out += String(t.minute);
        break;
      case 'zeroMinute':
        out += pad(t.minute, 2);
        break;
      case 'second':
        out += String(t.second);
        break;
      case 'zeroSecond':
        out += pad(t.second, 2);
        break;
      case 'PM':
        out += t.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += t.hour >= 12 ? 'pm' : 'am';
        break;
      case 'tz': {
        if (std.iso && t.offset === 0) {
          out += 'Z';
          break;
        }
        const a = Math.abs(t.offset);
        const h = Math.floor(a / 3600);
        const m = Math.floor((a % 3600) / 60);
        const s = a % 60;
        out += t.offset < 0 ? '-' : '+';
        out += pad(h, 2);
        if (std.form === 'hhmm' || std.form === 'secs') out += pad(m, 2);
        if (std.form === 'colon' || std.form === 'colonSecs') out += ':' + pad(m, 2);
        if (std.form === 'secs') out += pad(s, 2);
        if (std.form === 'colonSecs') out += ':' + pad(s, 2);
        break;
      }
      case 'TZ': {
        if (t.abbr !== '') {
          out += t.abbr;
          break;
        }
        const zone = Math.trunc(t.offset / 60);
        const a = Math.abs(zone);
        out += (zone < 0 ? '-' : '+') + pad(Math.floor(a / 60), 2) + pad(a % 60, 2);
        break;
      }
      case 'frac': {
        const digits = String(t.nsec).padStart(9, '0');
        if (std.nines) {
          const trimmed = digits.slice(0, std.digits).replace(/0+$/, '');
          if (trimmed !== '') out += std.sep + trimmed;
        } else {
          out += std.sep + digits.slice(0, std.digits);
        }
        break;
      }
    }
  }
  return out;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function lookupName(names: string[], value: string): [number, string] {
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (value.length >= n.length && value.slice(0, n.length).toLowerCase() === n.toLowerCase()) return [i, value.slice(n.length)];
  }
  throw new Error('bad');
}

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new Error('bad');
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new Error('bad');
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + Number(s[i]);
  if (i === 0 || (fixed && i !== 3)) throw new Error('bad');
  return [n, s.slice(i)];
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of `v`, or 0. */
function timeZoneLen(v: string): number {
  if (v.length < 3) return 0;
  if (v.length >= 4 && (v.startsWith('ChST') || v.startsWith('MeST'))) return 4;
  if (v.startsWith('GMT')) {
    let n = 3;
    if (v[3] === '+' || v[3] === '-') {
      let j = 4;
      while (isDigitAt(v, j)) j++;
      const num = Number(v.slice(4, j));
      if (j > 4 && num <= 23) n = j;
    }
    return n;
  }
  if (v[0] === '+' || v[0] === '-') {
    let j = 1;
    while (isDigitAt(v, j)) j++;
    return j === 3 || j === 5 ? j : 0;
  }
  let nUpper = 0;
  for (; nUpper < 6 && nUpper < v.length; nUpper++) {
    const c = v[nUpper]!;
    if (c < 'A' || c > 'Z') break;
  }
  switch (nUpper) {
    case 5:
      return v[4] === 'T' ? 5 : 0;
    case 4:
      return v[3] === 'T' || v.startsWith('WITA') ? 4 : 0;
    case 3:
      return 3;
    default:
      return 0;
  }
}

function parseNanos(v: string, nbytes: number): number {
  // v[0] is the separator; the digits follow.
  const digits = v.slice(1, nbytes);
  if (!/^[0-9]*$/.test(digits)) throw new Error('bad');
  return Number((digits + '000000000').slice(0, 9));
}

/** Go's `time.Parse` (in UTC); returns Unix nanoseconds. Throws GoTimeError with Go's text. */
export function parseTime(layout: string, value: string): bigint {
  const alayout = layout;
  const avalue = value;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let zoneOffset: number | undefined;
  const fail = (valueElem: string, layoutElem: string, msg = ''): never => {
    if (msg) throw new GoTimeError(`parsing time ${goQuote(avalue)}${msg}`);
    throw new GoTimeError(`parsing time ${goQuote(avalue)} as ${goQuote(alayout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`);
  };
  while (true) {
    const ch = nextChunk(layout);
    const stdstr = ch.text;
    // Literal prefix must match exactly.
    if (!value.startsWith(ch.prefix)) fail(value, ch.prefix);
    value = value.slice(ch.prefix.length);
    if (!ch.std) {
      if (value.length !== 0) fail('', '', `: extra text: ${goQuote(value)}`);
      break;
    }
    layout = ch.suffix;
    const std = ch.std;
    const hold = value;
    let range = '';
    try {
      switch (std.k) {
        case 'year': {
          if (value.length < 2 || !isDigitAt(value, 0) || !isDigitAt(value, 1)) throw new Error('bad');
          const y = Number(value.slice(0, 2));
          value = value.slice(2);
          year = y >= 69 ? y + 1900 : y + 2000;
          break;
        }
        case 'longYear':
          if (value.length < 4 || !/^[0-9]{4}/.test(value)) throw new Error('bad');
          year = Number(value.slice(0, 4));
          value = value.slice(4);
          break;
        case 'month':
        case 'longMonth': {
          const [m, r] = lookupName(std.k === 'month' ? shortMonthNames : longMonthNames, value);
          month = m + 1;
          value = r;
          break;
        }
        case 'numMonth':
        case 'zeroMonth':
          [month, value] = getnum(value, std.k === 'zeroMonth');
          if (month <= 0 || month > 12) range = 'month';
          break;
        case 'weekDay':
        case 'longWeekDay':
          [, value] = lookupName(std.k === 'weekDay' ? shortDayNames : longDayNames, value);
          break;
        case 'day':
        case 'underDay':
        case 'zeroDay':
          if (std.k === 'underDay' && value[0] === ' ') value = value.slice(1);
          [day, value] = getnum(value, std.k === 'zeroDay');
          break;
        case 'underYearDay':
        case 'zeroYearDay':
          for (let i = 0; i < 2; i++) if (std.k === 'underYearDay' && value[0] === ' ') value = value.slice(1);
          [yday, value] = getnum3(value, std.k === 'zeroYearDay');
          if (yday < 1 || yday > 366) range = 'day-of-year';
          break;
        case 'hour':
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour >= 24) range = 'hour';
          break;
        case 'hour12':
        case 'zeroHour12':
          [hour, value] = getnum(value, std.k === 'zeroHour12');
          if (hour < 0 || hour > 12) range = 'hour';
          break;
        case 'minute':
        case 'zeroMinute':
          [min, value] = getnum(value, std.k === 'zeroMinute');
          if (min < 0 || min >= 60) range = 'minute';
          break;
        case 'second':
        case 'zeroSecond': {
          [sec, value] = getnum(value, std.k === 'zeroSecond');
          if (sec < 0 || sec >= 60) {
            range = 'second';
            break;
          }
          // A fractional second may follow even if the layout does not ask for one.
          if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
            const next = nextChunk(layout).std;
            if (next?.k === 'frac') break;
            let n = 2;
            while (isDigitAt(value, n)) n++;
            nsec = parseNanos(value, n);
            value = value.slice(n);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          if (value.length < 2) throw new Error('bad');
          const p = value.slice(0, 2);
          const [pm, am] = std.k === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
          if (p === pm) pmSet = true;
          else if (p === am) amSet = true;
          else throw new Error('bad');
          value = value.slice(2);
          break;
        }
        case 'tz': {
          if (std.iso && value[0] === 'Z') {
            value = value.slice(1);
            zoneOffset = 0;
            break;
          }
          let hh: string;
          let mm = '00';
          let ss = '00';
          const need = { secs: 7, colonSecs: 9, hhmm: 5, colon: 6, short: 3 }[std.form];
          if (value.length < need) throw new Error('bad');
          const sign = value[0]!;
          switch (std.form) {
            case 'colon':
              if (value[3] !== ':') throw new Error('bad');
              [hh, mm] = [value.slice(1, 3), value.slice(4, 6)];
              break;
            case 'short':
              hh = value.slice(1, 3);
              break;
            case 'colonSecs':
              if (value[3] !== ':' || value[6] !== ':') throw new Error('bad');
              [hh, mm, ss] = [value.slice(1, 3), value.slice(4, 6), value.slice(7, 9)];
              break;
            case 'secs':
              [hh, mm, ss] = [value.slice(1, 3), value.slice(3, 5), value.slice(5, 7)];
              break;
            default:
              [hh, mm] = [value.slice(1, 3), value.slice(3, 5)];
          }
          value = value.slice(need);
          if (!/^[0-9]{2}$/.test(hh) || !/^[0-9]{2}$/.test(mm) || !/^[0-9]{2}$/.test(ss)) throw new Error('bad');
          const h = Number(hh);
          const m = Number(mm);
          if (h > 24) range = 'time zone offset hour';
          if (m > 60) range = 'time zone offset minute';
          let off = (h * 60 + m) * 60 + Number(ss);
          if (sign === '-') off = -off;
          else if (sign !== '+') throw new Error('bad');
          zoneOffset = off;
          break;
        }
        case 'TZ': {
          if (value.startsWith('UTC')) {
            zoneOffset = 0;
            value = value.slice(3);
            break;
          }
          const n = timeZoneLen(value);
          if (n === 0) throw new Error('bad');
          const name = value.slice(0, n);
          value = value.slice(n);
          if (name.startsWith('GMT') && name.length > 3) zoneOffset = Number(name.slice(3)) * 3600;
          else zoneOffset ??= 0; // an unknown abbreviation parses with a zero offset, as in Go
          break;
        }
        case 'frac': {
          if (std.nines) {
            // ".999": any number of digits, or none at all.
            if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
            let n = 1;
            while (isDigitAt(value, n)) n++;
            nsec = parseNanos(value, n);
            value = value.slice(n);
            break;
          }
          const ndigit = 1 + std.digits;
          if (value.length < ndigit) throw new Error('bad');
          if (value[0] !== '.' && value[0] !== ',') throw new Error('bad');
          nsec = parseNanos(value, ndigit);
          value = value.slice(ndigit);
          break;
        }
      }
    } catch (e) {
      if (e instanceof GoTimeError) throw e;
      fail(hold, stdstr);
    }
    if (range !== '') fail(hold, stdstr, `: ${range} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = yday;
    let m = 1;
    if (d > (isLeap(year) ? 366 : 365)) fail('', '', ': day-of-year out of range');
    while (d > daysIn(m, year)) {
      d -= daysIn(m, year);
      m++;
    }
    if (month >= 0 && month !== m) fail('', '', ': day-of-year does not match month');
    if (day >= 0 && day !== d) fail('', '', ': day-of-year does not match day');
    month = m;
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) fail('', '', ': day out of range');
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  const unix = local - (zoneOffset ?? 0);
  return BigInt(unix) * NS_PER_SEC + BigInt(nsec);
}

const unitNs: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1_000_000n,
  s: NS_PER_SEC,
  m: 60n * NS_PER_SEC,
  h: 3600n * NS_PER_SEC,
};

/** Go's `time.ParseDuration`; returns nanoseconds. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const bad = (): never => {
    throw new GoTimeError(`time: invalid duration ${goQuote(orig)}`);
  };
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') bad();
  let totalBig = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigitAt(s, 0))) bad();
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const intPart = m[1]!;
    const fracPart = m[2];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) bad();
    s = s.slice(m[0].length);
    let i = 0;
    while (i < s.length && s[i] !== '.' && !isDigitAt(s, i)) i++;
    const unit = s.slice(0, i);
    s = s.slice(i);
    if (unit === '') throw new GoTimeError(`time: missing unit in duration ${goQuote(orig)}`);
    const mult = unitNs[unit];
    if (mult === undefined) throw new GoTimeError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}`);
    let v = BigInt(intPart || '0') * mult;
    if (fracPart) {
      // Fraction scaled by the unit, truncated to whole nanoseconds like Go.
      const scale = 10n ** BigInt(fracPart.length);
      v += (BigInt(fracPart) * mult) / scale;
    }
    totalBig += v;
    if (totalBig > 2n ** 63n) bad();
  }
  if (!neg && totalBig > MAX_INT64) bad();
  return neg ? -totalBig : totalBig;
}
