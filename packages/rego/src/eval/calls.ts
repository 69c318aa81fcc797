/**
 * Calling functions: built-ins (honouring `with` replacements and strict built-in errors),
 * user functions, and the few built-ins the evaluator implements itself because they need
 * its state (`print`, membership, `rego.metadata.*`).
 */
import type { BuiltinDecl } from '../builtins/decl.ts';
import { BuiltinError } from '../builtins/errors.ts';
import { RegoError } from '../compiler/errors.ts';
import type { Location } from '../ast/nodes.ts';
import { equals, isObject, isSet, type Value } from '../value.ts';
import type { EvalContext } from './context.ts';
import { indexValue } from './refs.ts';

/** Apply a `with` replacement of function `name`, if one is active. */
export function overridden(c: EvalContext, name: string, args: Value[]): { v: Value | undefined } | undefined {
  const o = c.fnOverrides?.get(name);
  if (!o) return undefined;
  if (o.kind === 'value') return { v: o.value };
  return { v: o.call(c, args) };
}

/** Call a built-in; built-in errors abort the query in strict mode and are undefined otherwise. */
export function callBuiltin(c: EvalContext, decl: BuiltinDecl, args: Value[], loc: Location | undefined): Value | undefined {
  if (c.fnOverrides) {
    const o = overridden(c, decl.name, args);
    if (o) return o.v;
  }
  try {
    const r = decl.impl(args, c.bctx);
    // Large results count against the output budget, so repeated big allocations stop.
    if (typeof r === 'object' && r !== null) c.produced(Array.isArray(r) ? r.length : r.size);
    return r;
  } catch (e) {
    if (e instanceof BuiltinError) {
      if (c.strictBuiltinErrors) throw new RegoError(e.code, e.message, loc);
      return undefined;
    }
    if (e instanceof RegoError || e instanceof RangeError) throw e;
    // A built-in that fails unexpectedly is reported as a built-in error, not a crash.
    const msg = e instanceof Error ? e.message : String(e);
    if (c.strictBuiltinErrors) throw new RegoError('eval_builtin_error', `${decl.name}: ${msg}`, loc);
    return undefined;
  }
}

/** `x in xs`. */
export function member2(x: Value, coll: Value): boolean {
  if (Array.isArray(coll)) {
    if (typeof x === 'string' || typeof x === 'boolean' || x === null) {
      // Rego equality is JS identity for these (strings compare by content).
      for (let i = 0; i < coll.length; i++) if (coll[i] === x) return true;
      return false;
    }
    for (let i = 0; i < coll.length; i++) {
      const y = coll[i]!;
      if (x === y || equals(x, y)) return true;
    }
    return false;
  }
  if (isSet(coll)) return coll.has(x);
  if (isObject(coll)) {
    for (const v of coll.strs.values()) if (equals(x, v)) return true;
    if (coll.size !== coll.strs.size) for (const [, v] of coll.others.values()) if (equals(x, v)) return true;
  }
  return false;
}

/** `k, v in xs`. */
export function member3(k: Value, v: Value, coll: Value): boolean {
  if (isSet(coll)) return coll.has(k) && equals(k, v);
  const x = indexValue(coll, k);
  return x !== undefined && equals(x, v);
}

/** How `print` shows a value: strings bare, everything else as Rego text. */
export function printText(v: Value | undefined, toText: (v: Value) => string): string {
  if (v === undefined) return '<undefined>';
  if (typeof v === 'string') return v;
  return toText(v);
}
