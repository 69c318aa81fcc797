/**
 * Conversion built-ins: `to_number`, plus OPA's deprecated `cast_*` family (kept so old
 * policies load; strict mode rejects them).
 */
import { isArray, isObject, isSet, normInt, SetValue, type Value } from '../value.ts';
import { arg, oneOfTypeError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError, operandTypeError } from './errors.ts';

const category = 'conversions';

/** Decimal numbers as Go's strconv.ParseFloat accepts them (without hex floats). */
const decimalRe = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Spellings ParseFloat accepts for special values, which are not Rego numbers. */
const specialRe = /^[+-]?(?:inf|infinity|nan)$/i;
const integerRe = /^[+-]?\d+$/;
/** Hexadecimal floats (`0x1.8p3`), which ParseFloat also accepts. */
const hexFloatRe = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

function parseHexFloat(m: RegExpExecArray): number {
  const [, sign, int = '', frac = '', exp] = m;
  const mant = parseInt(int || '0', 16) + (frac ? parseInt(frac, 16) / 16 ** frac.length : 0);
  const n = mant * 2 ** Number(exp);
  return sign === '-' ? -n : n;
}

function parseNumber(fn: string, s: string): number | bigint {
  if (specialRe.test(s)) throw operandTypeError(fn, 1, 'valid number string', s);
  const hex = hexFloatRe.exec(s);
  if (hex && (hex[2] !== '' || (hex[3] ?? '') !== '')) {
    const n = parseHexFloat(hex);
    return n === 0 ? 0 : n;
  }
  if (!decimalRe.test(s)) throw builtinError(fn, `strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  // Integers stay exact however long they are (OPA keeps the number's text).
  if (integerRe.test(s)) return normInt(BigInt(s));
  const n = Number(s);
  if (!Number.isFinite(n)) throw builtinError(fn, `strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
  return n === 0 ? 0 : n;
}

function cast(name: string, result: ReturnType<typeof t.array>, argType: ReturnType<typeof t.array>, f: (v: Value) => Value): BuiltinDecl {
  return {
    name,
    category,
    deprecated: true,
    args: [{ name: 'x', type: argType }],
    result,
    description: `Converts the input to ${name.slice(5)}. Deprecated.`,
    impl: (args) => f(arg(args, 0)),
  };
}

export const castsBuiltins: BuiltinDecl[] = [
  {
    name: 'to_number',
    category,
    args: [{ name: 'x', type: t.union(t.null, t.boolean, t.number, t.string), description: 'value to convert' }],
    result: t.number,
    description:
      'Converts a string, bool, or number value to a number: strings are parsed as numbers, `null` is `0`, `true` is `1` and `false` is `0`.',
    impl: (args) => {
      const v = arg(args, 0);
      if (v === null) return 0;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number' || typeof v === 'bigint') return v;
      if (typeof v === 'string') return parseNumber('to_number', v);
      throw oneOfTypeError('to_number', 0, ['null', 'boolean', 'number', 'string'], v);
    },
  },
  cast('cast_array', t.array(), t.union(t.array(), t.set()), (v) => {
    if (isArray(v)) return v;
    if (isSet(v)) return v.sorted();
    throw oneOfTypeError('cast_array', 0, ['array', 'set'], v);
  }),
  cast('cast_set', t.set(), t.union(t.array(), t.set()), (v) => {
    if (isSet(v)) return v;
    if (isArray(v)) return new SetValue(v);
    throw oneOfTypeError('cast_set', 0, ['array', 'set'], v);
  }),
  cast('cast_string', t.string, t.string, (v) => {
    if (typeof v === 'string') return v;
    throw operandTypeError('cast_string', 1, 'string', v);
  }),
  cast('cast_boolean', t.boolean, t.boolean, (v) => {
    if (typeof v === 'boolean') return v;
    throw operandTypeError('cast_boolean', 1, 'boolean', v);
  }),
  cast('cast_null', t.null, t.null, (v) => {
    if (v === null) return v;
    throw operandTypeError('cast_null', 1, 'null', v);
  }),
  cast('cast_object', t.object(), t.object(), (v) => {
    if (isObject(v)) return v;
    throw operandTypeError('cast_object', 1, 'object', v);
  }),
];
