/**
 * Compiling and evaluating policies: `compile` turns Rego modules into a `Policy`, which
 * evaluates documents (`evaluate`, `evaluateValue`) and queries (`query`, `queryValues`) for
 * many inputs. The package index re-exports everything here; the test runner (`tester/`)
 * imports it directly, so neither depends on the other.
 */
import { compileModules, compileQuery, parseModules, type CompiledPolicy, type CompiledQuery } from './compiler/index.ts';
import { RegoError } from './compiler/errors.ts';
import { EvalContext, type EvalOptions } from './eval/context.ts';
import type { ITerm } from './compiler/ir.ts';
import type { ValFn } from './eval/types.ts';
import { fromJSON, fromJSONLazy, fromJSONShared, toJSON, ObjectValue, type JSONValue, type Value } from './value.ts';

/**
 * Options for `compile`.
 *
 * @example
 * const opts: CompileOptions = { modules: { 'authz.rego': 'package authz\nallow if input.admin' } };
 */
export interface CompileOptions {
  /** Module file name → Rego source. */
  modules: Record<string, string>;
  /** Base documents under `data` (JSON). */
  data?: unknown;
  /**
   * Syntax of the modules: `v1` (default, OPA 1.x), `v0`, or `auto`: each module is parsed as
   * v1 and, when that fails and it parses as v0 (without `import rego.v1`), accepted as v0 —
   * per file, as an OPA bundle manifest's per-file rego versions allow.
   */
  regoVersion?: 'v0' | 'v1' | 'auto';
  /** Strict mode (`opa check --strict`): unused vars/imports, deprecated built-ins, shadowing. */
  strict?: boolean;
}

/**
 * Options for one evaluation: the input and data, plus the context's own options (limits,
 * signal, print, …; see `EvalOptions`).
 *
 * @example
 * policy.evaluate('data.authz.allow', { input: { user: 'ann' }, limits: { timeoutMs: 50 } });
 */
export interface EvaluateOptions extends EvalOptions {
  /**
   * The input document (JSON-like). Plain objects are converted lazily: only the members the
   * policy reads are converted (own properties only, never inherited ones). Do not mutate
   * it while Values returned by `evaluateValue`/`queryValues` for it are in use.
   */
  input?: unknown;
  /** The input as an already-converted Rego value (takes precedence over `input`). */
  inputValue?: Value;
  /** Replaces the base data given to `compile` for this evaluation. */
  data?: unknown;
}

/** One solution of a query: variable name → value (JSON). */
export type Bindings = Record<string, JSONValue>;

/**
 * A compiled policy: evaluate it as often as needed; it is immutable and safe to share.
 *
 * @example
 * const policy = compile({ modules: { 'a.rego': 'package a\nallow if input.x == 1' } });
 * policy.evaluate('data.a.allow', { input: { x: 1 } }); // true
 */
export class Policy {
  private readonly queries = new Map<string, CompiledQuery>();
  private readonly refs = new Map<string, { q: CompiledQuery; slot: number }>();
  private readonly paths = new Map<string, ValFn | null>();
  /** The last document path evaluated and its reader (callers usually repeat one path). */
  private lastRef: string | undefined;
  private lastDirect: ValFn | null | undefined;
  /**
   * A context whose evaluation finished, reused by the next one (none while an evaluation is
   * running, so a nested evaluation — say from a print sink — gets its own).
   */
  private spare: EvalContext | undefined;
  constructor(
    readonly compiled: CompiledPolicy,
    private readonly data: Value,
  ) {}

  /** Compile (and cache) a query string. Throws RegoCompileError. */
  prepare(query: string): CompiledQuery {
    let q = this.queries.get(query);
    if (!q) {
      q = compileQuery(this.compiled, query);
      if (this.queries.size > 1000) this.queries.clear();
      this.queries.set(query, q);
    }
    return q;
  }

  /**
   * Evaluate a query and return every solution's bindings as Rego values.
   *
   * @example
   * policy.queryValues('x := data.a.roles[_]').map((b) => b.get('x'));
   */
  queryValues(query: string, opts: EvaluateOptions = {}): Map<string, Value>[] {
    const q = this.prepare(query);
    const out: Map<string, Value>[] = [];
    const frame: (Value | undefined)[] = new Array(q.query.nslots);
    run(() =>
      q.body(this.context(opts), frame, () => {
        const b = new Map<string, Value>();
        for (const [name, slot] of q.outputs) {
          const v = frame[slot];
          if (v !== undefined) b.set(name, v);
        }
        out.push(b);
        return false;
      }),
    );
    return out;
  }

  /**
   * Evaluate a query and return every solution's bindings as JSON.
   *
   * @example
   * policy.query('data.a.allow == true'); // [{}] when allowed, [] otherwise
   */
  query(query: string, opts: EvaluateOptions = {}): Bindings[] {
    return this.queryValues(query, opts).map((b) => {
      const o: Bindings = {};
      for (const [k, v] of b) o[k] = toJSON(v);
      return o;
    });
  }

  /**
   * The value of a document (`data.pkg.rule`, or any query term), as a Rego value;
   * undefined when the document is undefined.
   *
   * @example
   * policy.evaluateValue('data.a.allow', { input: { x: 1 } }); // true
   */
  evaluateValue(ref: string, opts: EvaluateOptions = {}): Value | undefined {
    try {
      return this.valueOf(ref, opts);
    } catch (e) {
      throw limitError(e);
    }
  }

  private valueOf(ref: string, opts: EvaluateOptions): Value | undefined {
    // A plain `data.a.b` path is read directly through the rule tree (no query frame).
    let direct = ref === this.lastRef ? this.lastDirect : this.paths.get(ref);
    if (direct === undefined && /^data(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(ref)) {
      const loc = { file: '', row: 1, col: 1, offset: 0 };
      const path = ref.split('.').slice(1).map((s) => ({ k: 'const' as const, v: s, loc }));
      const term: ITerm = path.length ? { k: 'ref', head: { k: 'data', loc }, path, loc } : { k: 'data', loc };
      direct = this.compiled.planner.val(term, new Set()) ?? null;
      if (this.paths.size > 1000) this.paths.clear();
      this.paths.set(ref, direct);
    }
    this.lastRef = ref;
    this.lastDirect = direct;
    if (direct) {
      const c = this.context(opts);
      const v = direct(c, NO_FRAME);
      // Finished without an error: the context can serve the next evaluation.
      this.spare = c;
      return v;
    }
    let prepared = this.refs.get(ref);
    if (!prepared) {
      const q = this.prepare(`__result__ = ${ref}`);
      prepared = { q, slot: q.outputs.find(([n]) => n === '__result__')![1] };
      if (this.refs.size > 1000) this.refs.clear();
      this.refs.set(ref, prepared);
    }
    const { q, slot } = prepared;
    const frame: (Value | undefined)[] = new Array(q.query.nslots);
    let result: Value | undefined;
    q.body(this.context(opts), frame, () => {
      result = frame[slot];
      return true;
    });
    return result;
  }

  /**
   * The value of a document as JSON; undefined when it is undefined.
   *
   * @example
   * policy.evaluate('data.a.allow', { input: { x: 1 } }); // true
   */
  evaluate(ref: string, opts: EvaluateOptions = {}): JSONValue | undefined {
    try {
      const v = this.valueOf(ref, opts);
      return v === undefined ? undefined : toJSON(v);
    } catch (e) {
      throw limitError(e);
    }
  }

  private context(opts: EvaluateOptions): EvalContext {
    const input = opts.inputValue !== undefined ? opts.inputValue : opts.input === undefined ? undefined : isValue(opts.input) ? opts.input : fromJSONLazy(opts.input);
    const data = opts.data === undefined ? this.data : isValue(opts.data) ? opts.data : fromJSON(opts.data);
    const ngroups = this.compiled.tree.groups.length;
    const c = this.spare;
    if (c === undefined) return new EvalContext(ngroups, input, data, opts);
    this.spare = undefined;
    c.init(ngroups, input, data, opts, c.cache);
    return c;
  }
}

function isValue(x: unknown): x is Value {
  return x instanceof ObjectValue;
}

/** The frame of a direct document read (it binds no variables). */
const NO_FRAME: (Value | undefined)[] = [];

/** Run an evaluation, turning a JS stack overflow into a limit error. */
function run(f: () => void): void {
  try {
    f();
  } catch (e) {
    throw limitError(e);
  }
}

/**
 * What an error escaping an evaluation becomes: a stack overflow, or a string/array too large
 * for the JS engine, is a resource limit (`eval_limit_error`), never a crash of the caller.
 */
function limitError(e: unknown): unknown {
  if (e instanceof RangeError) {
    const why = /call stack/i.test(e.message) ? 'the maximum nesting depth (stack exhausted)' : `a resource limit (${e.message})`;
    return new RegoError('eval_limit_error', `evaluation exceeded ${why}`);
  }
  return e;
}

/**
 * Compile Rego modules into a `Policy`. Throws `RegoCompileError` (with `errors[]`, each
 * having `code`, `message` and `loc`) when the modules do not parse or compile.
 *
 * @example
 * const policy = compile({
 *   modules: { 'authz.rego': 'package authz\n\ndefault allow := false\nallow if input.user == "admin"' },
 * });
 * policy.evaluate('data.authz.allow', { input: { user: 'admin' } }); // true
 */
export function compile(opts: CompileOptions): Policy {
  const { modules } = parseModules(opts.modules, opts.regoVersion ?? 'v1');
  const compiled = compileModules(modules, { ...(opts.regoVersion === 'v0' ? { regoVersion: 'v0' as const } : {}), strict: opts.strict });
  const data = opts.data === undefined ? new ObjectValue() : fromJSONShared(opts.data);
  return new Policy(compiled, data);
}

/**
 * One-shot: compile `modules` and evaluate `query`, returning its binding sets.
 *
 * @example
 * evalQuery({ modules: {}, query: 'x := 1 + 2' }); // [{ x: 3 }]
 */
export function evalQuery(opts: CompileOptions & EvaluateOptions & { query: string }): Bindings[] {
  return compile(opts).query(opts.query, opts);
}
