/**
 * Helpers for built-in unit tests: call a declaration's `impl` directly with Values and a
 * fresh per-query context, and describe thrown BuiltinErrors as `{ code, message }` so tests
 * assert both.
 */
import { BuiltinError } from './errors.ts';
import { RegoError } from '../compiler/errors.ts';
import { builtinsByName } from './index.ts';
import type { BuiltinContext } from './decl.ts';
import type { Value } from '../value.ts';

export function newContext(): BuiltinContext {
  return { nowNs: 0n, cache: new Map(), print: () => undefined, strictBuiltinErrors: true, charge: () => undefined, reserve: () => undefined };
}

/** Call built-in `name` with `args`; throws if no such built-in is declared. */
export function call(name: string, ...args: Value[]): Value | undefined {
  return callWith(newContext(), name, ...args);
}

export function callWith(ctx: BuiltinContext, name: string, ...args: Value[]): Value | undefined {
  const decl = builtinsByName.get(name);
  if (!decl) throw new Error(`no built-in ${name}`);
  return decl.impl(args, ctx);
}

/** The error a call raises, as `{ code, message }`; fails the test if the call succeeds. */
export function errorOf(name: string, ...args: Value[]): { code: string; message: string } {
  try {
    call(name, ...args);
  } catch (e) {
    if (e instanceof BuiltinError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`${name} did not fail`);
}

/** The RegoError a whole evaluation raises; fails the test if it succeeds or throws anything else. */
export function regoErrorOf(f: () => unknown): RegoError {
  try {
    f();
  } catch (e) {
    if (e instanceof RegoError) return e;
    throw e;
  }
  throw new Error('expected an error');
}
