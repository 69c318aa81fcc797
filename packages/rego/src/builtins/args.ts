/**
 * Argument helpers shared by every built-in category. Each helper checks one operand and
 * either returns it narrowed to the expected type or throws the error OPA raises for that
 * operand, naming the function and the (1-based) operand position, e.g.
 * `count: operand 1 must be one of {array, object, set, string} but got number`.
 *
 * All helpers take the argument array and a 0-based index so call sites read
 * `expectString(name, args, 0)`; the message reports position `i + 1` as OPA does.
 *
 * @example
 * ```ts
 * impl: (args) => {
 *   const s = expectString('upper', args, 0);
 *   return s.toUpperCase();
 * }
 * ```
 */
import {
  isArray,
  isNumber,
  isObject,
  isSet,
  typeName,
  type ObjectValue,
  type SetValue,
  type TypeName,
  type Value,
} from '../value.ts';
import { BuiltinError, operandTypeError } from './errors.ts';

/** The operand at `i`; the evaluator always passes every declared argument. */
export function arg(args: Value[], i: number): Value {
  const v = args[i];
  // The evaluator checks arity before calling, so a missing operand is an engine bug; report
  // it as a type error rather than crashing with a TypeError.
  if (v === undefined) throw new BuiltinError('eval_type_error', `operand ${i + 1} is missing`);
  return v;
}

/**
 * `fn: operand N <message>` as an eval_type_error — OPA's `builtins.NewOperandErr`, which the
 * evaluator reports with the type-error code.
 */
export function operandError(fn: string, i: number, message: string): BuiltinError {
  return new BuiltinError('eval_type_error', `${fn}: operand ${i + 1} ${message}`);
}

/** `fn: operand N must be one of {a, b} but got x` (OPA lists the expected kinds as given). */
export function oneOfTypeError(fn: string, i: number, expected: readonly string[], got: Value): BuiltinError {
  const want = expected.length === 1 ? expected[0]! : `one of {${expected.join(', ')}}`;
  return operandTypeError(fn, i + 1, want, got);
}

export function expectString(fn: string, args: Value[], i: number): string {
  const v = arg(args, i);
  if (typeof v !== 'string') throw operandTypeError(fn, i + 1, 'string', v);
  return v;
}

export function expectNumber(fn: string, args: Value[], i: number): number | bigint {
  const v = arg(args, i);
  if (!isNumber(v)) throw operandTypeError(fn, i + 1, 'number', v);
  return v;
}

/** True for a Rego number with no fractional part (bigints always are). */
export function isInteger(v: number | bigint): boolean {
  return typeof v === 'bigint' || Number.isInteger(v);
}

/**
 * An integral number (number or bigint). A float operand gets OPA's
 * "must be integer number but got floating-point number".
 */
export function expectInteger(fn: string, args: Value[], i: number): number | bigint {
  const v = expectNumber(fn, args, i);
  if (!isInteger(v)) throw operandError(fn, i, 'must be integer number but got floating-point number');
  return v;
}

/** An integer as a bigint, for exact arithmetic whatever its size. */
export function expectBigInt(fn: string, args: Value[], i: number): bigint {
  const v = expectInteger(fn, args, i);
  return typeof v === 'bigint' ? v : BigInt(v);
}

/**
 * An integer that fits in a JS safe integer (indices, counts, widths). Larger values are
 * rejected because no string or array can be that long anyway.
 */
export function expectSafeInt(fn: string, args: Value[], i: number): number {
  const v = expectInteger(fn, args, i);
  if (typeof v === 'bigint') throw operandError(fn, i, 'must be a safe integer');
  return v;
}

export function expectArray(fn: string, args: Value[], i: number): Value[] {
  const v = arg(args, i);
  if (!isArray(v)) throw operandTypeError(fn, i + 1, 'array', v);
  return v;
}

export function expectSet(fn: string, args: Value[], i: number): SetValue {
  const v = arg(args, i);
  if (!isSet(v)) throw operandTypeError(fn, i + 1, 'set', v);
  return v;
}

export function expectObject(fn: string, args: Value[], i: number): ObjectValue {
  const v = arg(args, i);
  if (!isObject(v)) throw operandTypeError(fn, i + 1, 'object', v);
  return v;
}

/** A set or an array (OPA's wording lists them as `{set, array}`). */
export function expectSetOrArray(fn: string, args: Value[], i: number): Value[] | SetValue {
  const v = arg(args, i);
  if (isArray(v) || isSet(v)) return v;
  throw oneOfTypeError(fn, i, ['set', 'array'], v);
}

/** An operand whose kind is one of `kinds`; the error lists them in the order given. */
export function expectOneOf(fn: string, args: Value[], i: number, kinds: readonly TypeName[]): Value {
  const v = arg(args, i);
  if (kinds.includes(typeName(v))) return v;
  throw oneOfTypeError(fn, i, kinds, v);
}

/** The elements of a set (in sort order) or an array (in order). */
export function elements(v: Value[] | SetValue): Value[] {
  return isArray(v) ? v : v.sorted();
}

/**
 * OPA's error for a composite operand holding an element of the wrong kind:
 * `fn: operand 1 must be array of numbers but got array containing string`.
 */
export function elementTypeError(fn: string, i: number, composite: Value, got: Value, expected: readonly string[]): BuiltinError {
  const kind = typeName(composite);
  const want = expected.length === 1 ? `${expected[0]!}s` : `(any of) {${expected.join(', ')}}`;
  return operandError(fn, i, `must be ${kind} of ${want} but got ${kind} containing ${typeName(got)}`);
}

/** A set or array operand whose every element is a string, e.g. `concat`'s list. */
export function expectStrings(fn: string, args: Value[], i: number): string[] {
  const coll = expectSetOrArray(fn, args, i);
  const out: string[] = [];
  for (const x of elements(coll)) {
    if (typeof x !== 'string') throw elementTypeError(fn, i, coll, x, ['string']);
    out.push(x);
  }
  return out;
}

/** A set or array operand whose every element is a number (`sum`, `product`). */
export function expectNumbers(fn: string, args: Value[], i: number): (number | bigint)[] {
  const coll = expectSetOrArray(fn, args, i);
  const out: (number | bigint)[] = [];
  for (const x of elements(coll)) {
    if (!isNumber(x)) throw elementTypeError(fn, i, coll, x, ['number']);
    out.push(x);
  }
  return out;
}
