/**
 * How a built-in function is declared. Each built-in is declared once — name, category,
 * typed arguments and result, description — and implemented beside its declaration in
 * builtins/<category>.ts. The type checker, the generated reference (docs) and the
 * capabilities list all read these declarations.
 */
import type { Value } from '../value.ts';

/** Static types, as OPA's type checker knows them. */
export type RegoType =
  | { kind: 'any' }
  | { kind: 'null' }
  | { kind: 'boolean' }
  | { kind: 'number' }
  | { kind: 'string' }
  | { kind: 'array'; of: RegoType }
  | { kind: 'set'; of: RegoType }
  | { kind: 'object'; key: RegoType; value: RegoType }
  | { kind: 'union'; of: RegoType[] };

const any: RegoType = { kind: 'any' };

/** Type constructors for declarations: `t.array(t.string)`, `t.union(t.set(), t.array())`. */
export const t = {
  any,
  null: { kind: 'null' } as RegoType,
  boolean: { kind: 'boolean' } as RegoType,
  number: { kind: 'number' } as RegoType,
  string: { kind: 'string' } as RegoType,
  array: (of: RegoType = any): RegoType => ({ kind: 'array', of }),
  set: (of: RegoType = any): RegoType => ({ kind: 'set', of }),
  object: (key: RegoType = any, value: RegoType = any): RegoType => ({ kind: 'object', key, value }),
  union: (...of: RegoType[]): RegoType => ({ kind: 'union', of }),
};

export interface BuiltinArg {
  name: string;
  type: RegoType;
  description?: string;
}

/** Per-query facilities a built-in may use. The evaluator provides one per query. */
export interface BuiltinContext {
  /** Nanoseconds since the Unix epoch, fixed for the whole query (time.now_ns). */
  nowNs: bigint;
  /** Cache shared by all calls in one query (e.g. compiled regexes, rand.intn memo). */
  cache: Map<string, unknown>;
  /** Output sink for `print`. */
  print: (line: string) => void;
  /** Strict built-in errors: when false, built-in errors make the call undefined. */
  strictBuiltinErrors: boolean;
  /**
   * Count `steps` of work against the evaluation's step budget; checks the limits (steps,
   * deadline, cancellation) whenever the count crosses a multiple of 1024, like the
   * evaluator's own steps. Throws RegoError('eval_limit_error' / 'eval_cancel_error').
   * Built-ins whose work grows with their input call it as they go.
   */
  charge: (steps: number) => void;
  /**
   * Check, before allocating, that `items` more produced elements fit the output-size limit.
   * Throws RegoError('eval_limit_error') when they do not; counts nothing (the evaluator
   * counts the result once it is returned).
   */
  reserve: (items: number) => void;
}

export interface BuiltinDecl {
  /** Full name as written in Rego, e.g. `strings.replace_n`, `count`, `plus`. */
  name: string;
  /** Category for docs and file grouping, e.g. `strings`, `numbers`, `encoding`. */
  category: string;
  args: BuiltinArg[];
  /** Result type; omitted for relations that produce no value. */
  result: RegoType;
  description: string;
  /** Infix operator form, e.g. `+` for `plus`, `==` for `equal`. */
  infix?: string;
  /** True for built-ins whose result varies between calls with equal arguments. */
  nondeterministic?: boolean;
  /** Variadic tail: extra arguments allowed, all of this type (e.g. `print`). */
  variadic?: RegoType;
  /** Deprecated built-ins are rejected in strict mode. */
  deprecated?: boolean;
  /**
   * The implementation. Returns the result, or `undefined` when the call is undefined
   * (e.g. `object.get` never is, `regex.find_n` can be). Throws BuiltinError on bad input.
   * Relations (like `walk`) return an array of results flagged by `relation: true`.
   */
  impl: (args: Value[], ctx: BuiltinContext) => Value | undefined;
  /** When true, `impl` returns an array of alternative results (each a Value) — see `walk`. */
  relation?: boolean;
}
