/**
 * Arithmetic built-ins: `plus minus mul div rem` (infix `+ - * / %`), rounding, `abs`,
 * `numbers.range`, `numbers.range_step` and `rand.intn`.
 *
 * OPA computes with arbitrary-precision numbers, so its integers never overflow and its
 * float results are the decimal answer (`0.1 + 0.2` is `0.3`, not `0.30000000000000004`).
 * We follow it in two ways:
 *   - integer operands use exact bigint arithmetic, folded back to a JS number when the
 *     result is a safe integer (`normInt`);
 *   - other operands are taken as the decimals they print as (JS prints the shortest decimal
 *     that round-trips), combined exactly as decimals, and only the final result is rounded
 *     to a double. That gives the same double OPA's wider floats round to.
 */
import { isSet, normInt, SetValue, type Value } from '../value.ts';
import { arg, expectBigInt, expectInteger, expectNumber, expectSafeInt, expectString, isInteger, oneOfTypeError } from './args.ts';
import { t, type BuiltinContext, type BuiltinDecl } from './decl.ts';
import { builtinError, operandTypeError } from './errors.ts';

const category = 'numbers';

// ---------------------------------------------------------------------------------------
// Exact decimal helpers. A Decimal is m × 10^e with a bigint mantissa.

interface Decimal {
  m: bigint;
  e: number;
}

/** The decimal a number prints as (shortest round-trip form for doubles). */
export function toDecimal(n: number | bigint): Decimal {
  if (typeof n === 'bigint') return { m: n, e: 0 };
  const s = String(n);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(s);
  if (!match) throw new RangeError(`cannot represent ${s} as a decimal`);
  const [, sign, int, frac = '', exp = '0'] = match;
  const m = BigInt(sign + int + frac);
  return { m, e: Number(exp) - frac.length };
}

/** Round a decimal to the nearest double; -0 is folded to 0 (Rego has a single zero). */
function decimalToNumber(d: Decimal): number {
  const n = Number(`${d.m}e${d.e}`);
  return n === 0 ? 0 : n;
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}

/** Significant digits kept in a quotient: comfortably more than a double's 17. */
const QUOTIENT_DIGITS = 40;

function divideDecimals(a: Decimal, b: Decimal): Decimal {
  const digits = (x: bigint): number => (x < 0n ? -x : x).toString().length;
  const k = Math.max(0, QUOTIENT_DIGITS - digits(a.m) + digits(b.m));
  return { m: (a.m * 10n ** BigInt(k)) / b.m, e: a.e - b.e - k };
}

function toBig(n: number | bigint): bigint {
  return typeof n === 'bigint' ? n : BigInt(n);
}

type NumOp = 'plus' | 'minus' | 'mul';

/** `a op b` for the three exact operations. */
export function arith(op: NumOp, a: number | bigint, b: number | bigint): number | bigint {
  if (isInteger(a) && isInteger(b)) {
    // Small integers: plain JS arithmetic is exact while the result stays safe.
    if (typeof a === 'number' && typeof b === 'number') {
      const r = op === 'plus' ? a + b : op === 'minus' ? a - b : a * b;
      if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
    }
    const x = toBig(a);
    const y = toBig(b);
    return normInt(op === 'plus' ? x + y : op === 'minus' ? x - y : x * y);
  }
  const da = toDecimal(a);
  const db = toDecimal(b);
  if (op === 'mul') return decimalToNumber({ m: da.m * db.m, e: da.e + db.e });
  const [x, y, e] = align(da, db);
  return decimalToNumber({ m: op === 'plus' ? x + y : x - y, e });
}

/** `a / b`; exact when both are integers and b divides a. */
export function divide(fn: string, a: number | bigint, b: number | bigint): number | bigint {
  if (b === 0 || b === 0n) throw builtinError(fn, 'divide by zero');
  if (isInteger(a) && isInteger(b)) {
    const x = toBig(a);
    const y = toBig(b);
    if (x % y === 0n) return normInt(x / y);
  }
  return decimalToNumber(divideDecimals(toDecimal(a), toDecimal(b)));
}

/** Round half away from zero, as OPA's `round` does. */
function roundHalfAway(x: number): number {
  const r = Math.trunc(x);
  const rest = Math.abs(x - r);
  const out = rest >= 0.5 ? r + Math.sign(x) : r;
  return out === 0 ? 0 : out;
}

function numberOperands(fn: string, args: Value[]): [number | bigint, number | bigint] {
  return [expectNumber(fn, args, 0), expectNumber(fn, args, 1)];
}

function rounding(name: string, description: string, f: (x: number) => number): BuiltinDecl {
  return {
    name,
    category,
    args: [{ name: 'x', type: t.number, description: 'the number to round' }],
    result: t.number,
    description,
    impl: (args) => {
      const x = expectNumber(name, args, 0);
      if (typeof x === 'bigint') return x;
      const r = f(x);
      return r === 0 ? 0 : r;
    },
  };
}

/**
 * Inclusive integer range from a to b stepping by `step` (> 0) in the direction of b. Its
 * length is counted against the output and step limits before anything is allocated, so
 * `numbers.range(1, 1e9)` is a limit error rather than an out-of-memory crash.
 */
function range(ctx: BuiltinContext, a: bigint, b: bigint, step: bigint): Value[] {
  const span = a <= b ? b - a : a - b;
  const count = Number(span / step + 1n);
  ctx.reserve(count);
  ctx.charge(count);
  const out: Value[] = [];
  if (a <= b) for (let i = a; i <= b; i += step) out.push(normInt(i));
  else for (let i = a; i >= b; i -= step) out.push(normInt(i));
  return out;
}

export const numbersBuiltins: BuiltinDecl[] = [
  {
    name: 'plus',
    category,
    infix: '+',
    args: [
      { name: 'x', type: t.number },
      { name: 'y', type: t.number },
    ],
    result: t.number,
    description: 'Adds two numbers.',
    impl: (args) => {
      const [a, b] = numberOperands('plus', args);
      return arith('plus', a, b);
    },
  },
  {
    name: 'minus',
    category,
    infix: '-',
    args: [
      { name: 'x', type: t.union(t.number, t.set()) },
      { name: 'y', type: t.union(t.number, t.set()) },
    ],
    result: t.union(t.number, t.set()),
    description: 'Subtracts the second number from the first, or returns the difference of two sets.',
    impl: (args) => {
      const a = arg(args, 0);
      const b = arg(args, 1);
      const aNum = typeof a === 'number' || typeof a === 'bigint';
      const bNum = typeof b === 'number' || typeof b === 'bigint';
      if (aNum && bNum) return arith('minus', a, b);
      if (isSet(a) && isSet(b)) {
        const out = new SetValue();
        for (const [k, v] of a.map) if (!b.map.has(k)) out.add(v);
        return out;
      }
      if (!aNum && !isSet(a)) throw oneOfTypeError('minus', 0, ['number', 'set'], a);
      // The first operand fixes what the second must be.
      throw operandTypeError('minus', 2, aNum ? 'number' : 'set', b);
    },
  },
  {
    name: 'mul',
    category,
    infix: '*',
    args: [
      { name: 'x', type: t.number },
      { name: 'y', type: t.number },
    ],
    result: t.number,
    description: 'Multiplies two numbers.',
    impl: (args) => {
      const [a, b] = numberOperands('mul', args);
      return arith('mul', a, b);
    },
  },
  {
    name: 'div',
    category,
    infix: '/',
    args: [
      { name: 'x', type: t.number, description: 'the dividend' },
      { name: 'y', type: t.number, description: 'the divisor' },
    ],
    result: t.number,
    description: 'Divides the first number by the second number.',
    impl: (args) => {
      const [a, b] = numberOperands('div', args);
      return divide('div', a, b);
    },
  },
  {
    name: 'rem',
    category,
    infix: '%',
    args: [
      { name: 'x', type: t.number },
      { name: 'y', type: t.number },
    ],
    result: t.number,
    description: 'Returns the remainder for of `x` divided by `y`, for `y != 0`.',
    impl: (args) => {
      const [a, b] = numberOperands('rem', args);
      if (!isInteger(a) || !isInteger(b)) throw builtinError('rem', 'modulo on floating-point number');
      if (b === 0 || b === 0n) throw builtinError('rem', 'modulo by zero');
      // Truncated remainder (sign follows the dividend), like Go's big.Int.Rem.
      if (typeof a === 'number' && typeof b === 'number') {
        const r = a % b;
        return r === 0 ? 0 : r;
      }
      return normInt(toBig(a) % toBig(b));
    },
  },
  rounding('round', 'Rounds the number to the nearest integer (halves away from zero).', roundHalfAway),
  rounding('ceil', 'Rounds the number _up_ to the nearest integer.', Math.ceil),
  rounding('floor', 'Rounds the number _down_ to the nearest integer.', Math.floor),
  {
    name: 'abs',
    category,
    args: [{ name: 'x', type: t.number }],
    result: t.number,
    description: 'Returns the number without its sign.',
    impl: (args) => {
      const x = expectNumber('abs', args, 0);
      if (typeof x === 'bigint') return x < 0n ? -x : x;
      return Math.abs(x);
    },
  },
  {
    name: 'numbers.range',
    category,
    args: [
      { name: 'a', type: t.number, description: 'the start of the range' },
      { name: 'b', type: t.number, description: 'the end of the range (inclusive)' },
    ],
    result: t.array(t.number),
    description:
      'Returns an array of numbers in the given (inclusive) range. If `a==b`, then `range == [a]`; if `a > b`, then `range` is in descending order.',
    impl: (args, ctx) => range(ctx, expectBigInt('numbers.range', args, 0), expectBigInt('numbers.range', args, 1), 1n),
  },
  {
    name: 'numbers.range_step',
    category,
    args: [
      { name: 'a', type: t.number, description: 'the start of the range' },
      { name: 'b', type: t.number, description: 'the end of the range (inclusive)' },
      { name: 'step', type: t.number, description: 'the step between numbers in the range' },
    ],
    result: t.array(t.number),
    description:
      'Returns an array of numbers in the given (inclusive) range incremented by a positive step. If `a > b`, the range is descending. Numbers past `b` are not included.',
    impl: (args, ctx) => {
      const fn = 'numbers.range_step';
      const a = expectBigInt(fn, args, 0);
      const b = expectBigInt(fn, args, 1);
      const step = expectBigInt(fn, args, 2);
      if (step <= 0n) throw builtinError(fn, 'step must be a positive integer');
      return range(ctx, a, b, step);
    },
  },
  {
    name: 'rand.intn',
    category,
    nondeterministic: true,
    args: [
      { name: 'str', type: t.string, description: 'seed string for the random number' },
      { name: 'n', type: t.number, description: 'upper bound of the random number (exclusive)' },
    ],
    result: t.number,
    description:
      'Returns a random integer between `0` and `n` (`n` exclusive). If `n` is `0`, then `y` is always `0`. For any given argument pair (`str`, `n`), the output will be consistent throughout a query evaluation.',
    impl: (args, ctx: BuiltinContext) => {
      const fn = 'rand.intn';
      const str = expectString(fn, args, 0);
      expectInteger(fn, args, 1);
      let n = expectSafeInt(fn, args, 1);
      if (n === 0) return 0;
      if (n < 0) n = -n;
      // Memoised per query so every call with the same arguments agrees.
      const key = `rand.intn\u0000${str}\u0000${n}`;
      const seen = ctx.cache.get(key);
      if (typeof seen === 'number') return seen;
      const r = Math.floor(Math.random() * n);
      ctx.cache.set(key, r);
      return r;
    },
  },
];
