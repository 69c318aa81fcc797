/**
 * Unit-suffixed quantities: `units.parse` (SI and binary-SI suffixes, `m` = milli, as in
 * Kubernetes resource strings) and `units.parse_bytes` (byte amounts such as "10MiB").
 *
 * Amounts are parsed as exact decimals, so "0.0005K" is exactly 0.5 (OPA uses rationals
 * for the same reason).
 */
import { normInt, type Value } from '../value.ts';
import { expectString } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';

const category = 'units';

/** Longest exponent (in digits) accepted in scientific notation, as OPA limits it. */
const MAX_EXPONENT_DIGITS = 6;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Split "10.5Gi" into number text and unit text. The number part may contain digits, `.`,
 * and a scientific exponent (`e`/`E`, optional sign, digits); the unit is the rest.
 * Returns undefined when the exponent has too many digits.
 */
export function splitNumberAndUnit(s: string): [string, string] | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const numeric = isDigit(c) || c === '.' || c === '+' || c === '-';
    if (!numeric && c !== 'e' && c !== 'E') return [s.slice(0, i), s.slice(i)];
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      // An `e` not followed by an exponent starts the unit (e.g. "1e" → exa).
      if (next === undefined || (!isDigit(next) && next !== '+' && next !== '-')) return [s.slice(0, i), s.slice(i)];
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) return undefined;
    }
  }
  return [s, ''];
}

/** A decimal m × 10^e parsed from number text, or undefined if it is not a number. */
function parseDecimal(s: string): { m: bigint; e: number } | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!match) return undefined;
  const [, sign = '', int = '', frac = '', exp = '0'] = match;
  if (int === '' && frac === '') return undefined;
  return { m: BigInt(sign + (int || '0') + frac), e: Number(exp) - frac.length };
}

/** m × 10^e × mult as a Rego number: exact if integral, else rounded to 10 decimal places. */
function scaled(d: { m: bigint; e: number }, mult: bigint, multExp: number, truncate: boolean): Value {
  const m = d.m * mult;
  const e = d.e + multExp;
  if (e >= 0) return normInt(m * 10n ** BigInt(e));
  const div = 10n ** BigInt(-e);
  if (truncate || m % div === 0n) return normInt(m / div);
  // Round to 10 places, halves away from zero, then read as a float (OPA's FloatString(10)).
  const scale = 10n ** 10n;
  const neg = m < 0n;
  const abs = neg ? -m : m;
  let q = (abs * scale) / div;
  if (((abs * scale) % div) * 2n >= div) q += 1n;
  const n = Number(q) / 1e10;
  return neg ? -n : n;
}

const ki = 1024n;
/** units.parse multipliers: [factor, power of ten]. `m` is milli, `M` mega. */
const siUnits: Record<string, [bigint, number]> = {
  '': [1n, 0],
  m: [1n, -3],
  k: [1n, 3],
  K: [1n, 3],
  M: [1n, 6],
  g: [1n, 9],
  G: [1n, 9],
  t: [1n, 12],
  T: [1n, 12],
  p: [1n, 15],
  P: [1n, 15],
  e: [1n, 18],
  E: [1n, 18],
  ki: [ki, 0],
  Ki: [ki, 0],
  mi: [ki ** 2n, 0],
  Mi: [ki ** 2n, 0],
  gi: [ki ** 3n, 0],
  Gi: [ki ** 3n, 0],
  ti: [ki ** 4n, 0],
  Ti: [ki ** 4n, 0],
  pi: [ki ** 5n, 0],
  Pi: [ki ** 5n, 0],
  ei: [ki ** 6n, 0],
  Ei: [ki ** 6n, 0],
};

/** units.parse_bytes multipliers, by lower-cased unit (`m` is mega here). */
const byteUnits: Record<string, bigint> = { '': 1n };
['k', 'm', 'g', 't', 'p', 'e'].forEach((p, i) => {
  const si = 1000n ** BigInt(i + 1);
  const bin = ki ** BigInt(i + 1);
  byteUnits[p] = si;
  byteUnits[`${p}b`] = si;
  byteUnits[`${p}i`] = bin;
  byteUnits[`${p}ib`] = bin;
});

export const unitsBuiltins: BuiltinDecl[] = [
  {
    name: 'units.parse',
    category,
    args: [{ name: 'x', type: t.string, description: 'the unit to parse' }],
    result: t.number,
    description:
      'Converts strings like "10G", "5K", "4M", "1500m", and the like into a number. This number can be a non-integer, such as 1.5, 0.22, etc. Scientific notation is supported. Supports standard metric decimal and binary SI units (e.g., K, Ki, M, Mi, G, Gi, etc.); `m`, `K`, `M`, `G`, `T`, `P`, and `E` are treated as decimal units and `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, and `Ei` are treated as binary units. Note that `m` and `M` are case-sensitive to allow distinguishing between "milli" and "mega" units respectively. Other units are case-insensitive.',
    impl: (args) => {
      const fn = 'units.parse';
      // Quotes are dropped so quoted Kubernetes quantities parse too.
      const s = expectString(fn, args, 0).replaceAll('"', '');
      if (s.includes(' ')) throw builtinError(fn, 'spaces not allowed in resource strings');
      const split = splitNumberAndUnit(s);
      if (!split) throw builtinError(fn, 'exponent too large');
      const [num, rawUnit] = split;
      if (num === '') throw builtinError(fn, 'no amount provided');
      // Only letters after the first are case-insensitive, so `m` (milli) ≠ `M` (mega).
      const unit = rawUnit.length > 1 ? rawUnit[0]! + rawUnit.slice(1).toLowerCase() : rawUnit;
      const mult = siUnits[unit];
      if (!mult) throw builtinError(fn, `unit ${unit} not recognized`);
      const d = parseDecimal(num);
      if (!d) throw builtinError(fn, 'could not parse amount to a number');
      return scaled(d, mult[0], mult[1], false);
    },
  },
  {
    name: 'units.parse_bytes',
    category,
    args: [{ name: 'x', type: t.string, description: 'the byte unit to parse' }],
    result: t.number,
    description:
      'Converts strings like "10GB", "5K", "4mb", or "1e6KB" into an integer number of bytes. Supports standard byte units (e.g., KB, KiB, etc.) where KB, MB, GB, and TB are treated as decimal units, and KiB, MiB, GiB, and TiB are treated as binary units. Scientific notation is supported, enabling values like "1.5e3MB". The bytes symbol (b/B) in the unit is optional and omitting it will give the same result (e.g. Mi and MiB). The result is truncated to an integer.',
    impl: (args) => {
      const fn = 'units.parse_bytes';
      const s = expectString(fn, args, 0).toLowerCase().replaceAll('"', '');
      if (s.includes(' ')) throw builtinError(fn, 'spaces not allowed in resource strings');
      const split = splitNumberAndUnit(s);
      if (!split) throw builtinError(fn, 'exponent too large');
      const [num, unit] = split;
      if (num === '') throw builtinError(fn, 'no byte amount provided');
      const mult = byteUnits[unit];
      if (mult === undefined) throw builtinError(fn, `byte unit ${unit} not recognized`);
      const d = parseDecimal(num);
      if (!d) throw builtinError(fn, 'could not parse byte amount to a number');
      return scaled(d, mult, 0, true);
    },
  },
];
