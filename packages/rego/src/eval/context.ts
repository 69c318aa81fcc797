/**
 * The state of one evaluation: input, base data, the active `with` overrides, per-query
 * caches of rule values, the built-in context, and the safety limits (steps, deadline,
 * recursion depth, output size, cancellation). Limits are checked by counting steps: every
 * expression evaluated costs one step, and every 1024 steps the clock and the AbortSignal
 * are consulted, so a hostile policy is stopped in bounded time without a timer.
 */
import type { BuiltinContext } from '../builtins/decl.ts';
import { RegoError } from '../compiler/errors.ts';
import type { IRule } from '../compiler/ir.ts';
import type { Value } from '../value.ts';

/**
 * Safety limits for one evaluation. Every field is optional; defaults are generous.
 *
 * @example
 * policy.evaluate('data.x.allow', { input, limits: { timeoutMs: 100, maxSteps: 1_000_000 } });
 */
export interface Limits {
  /** Maximum expressions evaluated (default 10,000,000). */
  maxSteps?: number;
  /**
   * Wall-time budget in milliseconds, from the start of the evaluation. Default 5,000, counted
   * from the first limit check (after 1,024 expressions) so short evaluations read no clock.
   */
  timeoutMs?: number;
  /** Maximum nesting of rule and function evaluation (default 2,000). */
  maxDepth?: number;
  /** Maximum elements produced by comprehensions and partial rules in total (default 1,000,000). */
  maxOutputItems?: number;
}

export const defaultLimits: Required<Limits> = {
  maxSteps: 10_000_000,
  timeoutMs: 5_000,
  maxDepth: 2_000,
  maxOutputItems: 1_000_000,
};

/** A node of the `with data…` override tree: a value replacing the document at this path. */
export interface OverrideNode {
  value: Value | undefined;
  children: Map<string, OverrideNode>;
}

/** What a `with f as …` replaces a function with: a value, or another function. */
export type FnOverride =
  | { kind: 'value'; value: Value }
  | { kind: 'fn'; call: (c: EvalContext, args: Value[]) => Value | undefined };

/** The per-evaluation options the context reads; `EvaluateOptions` adds the input and data. */
export interface EvalOptions {
  limits?: Limits;
  signal?: AbortSignal;
  /** Receives `print(...)` output, one line per call. */
  print?: (line: string) => void;
  /** Raise built-in errors instead of treating the failing call as undefined (OPA's strict-builtin-errors). */
  strictBuiltinErrors?: boolean;
  /** Collects `file:row` of every expression evaluated (coverage). */
  coverage?: Set<string>;
  /** The time `time.now_ns()` reports, in ns since the epoch (default: now). */
  nowNs?: bigint;
}

/** Marks a rule group whose value was computed as undefined in `EvalContext.cache`. */
export const UNDEFINED_RULE: unique symbol = Symbol('undefined rule');
export type RuleCache = (Value | typeof UNDEFINED_RULE | undefined)[];

export class EvalContext {
  // Fields are declared here and set by `init` (also when the Policy reuses a context).
  declare input: Value | undefined;
  declare data: Value;
  declare dataOverrides: OverrideNode | null;
  declare fnOverrides: Map<string, FnOverride> | null;
  /**
   * Values of rule groups computed in the current `with` scope, indexed by group id
   * (`UNDEFINED_RULE` for a group computed as undefined; a hole for one not computed yet).
   */
  declare cache: RuleCache;
  declare steps: number;
  declare depth: number;
  declare items: number;
  declare maxSteps: number;
  declare maxDepth: number;
  declare maxItems: number;
  /**
   * When the time budget runs out (ms since the epoch). With an explicit `timeoutMs` it is
   * set when the evaluation starts; the default budget starts at the first limit check
   * (after 1,024 steps), which spares short evaluations a clock read. 0 until then.
   */
  private declare deadline: number;
  declare signal: AbortSignal | undefined;
  private declare bctxLazy: BuiltinContext | undefined;
  private declare printSink: ((line: string) => void) | undefined;
  private declare nowNs: bigint | undefined;
  declare strictBuiltinErrors: boolean;
  /** Rule/expression locations evaluated (`file:row`), when collecting coverage. */
  declare coverage: Set<string> | undefined;
  /** The rule whose body is being evaluated, if any (for rego.metadata.*). */
  declare currentRule: IRule | undefined;
  /** Solutions counted by `countSolution` and `firstSolution` (rules.ts). */
  solutions = 0;
  /**
   * The continuation that counts a solution (and charges it as an output item): made once per
   * context, which the Policy reuses, rather than once per evaluation of such a set.
   */
  readonly countSolution = (): boolean => {
    this.produced(1);
    this.solutions++;
    return false;
  };
  /** The continuation that notes a solution and stops (a definition with a constant value). */
  readonly firstSolution = (): boolean => {
    this.solutions++;
    return true;
  };

  /** `ngroups`: how many rule groups the policy has (the size of `cache`). */
  constructor(ngroups: number, input: Value | undefined, data: Value, opts: EvalOptions) {
    this.init(ngroups, input, data, opts, undefined);
  }

  /**
   * Start an evaluation: every field set afresh, so a context whose evaluation has finished
   * can be reused for the next one (`Policy` keeps one spare). `cache` is the finished
   * evaluation's cache to clear and reuse, if any.
   */
  init(ngroups: number, input: Value | undefined, data: Value, opts: EvalOptions, cache: RuleCache | undefined): void {
    const l = opts.limits;
    this.input = input;
    this.data = data;
    this.dataOverrides = null;
    this.fnOverrides = null;
    // Sized for the policy's groups up front (no growth on the first writes).
    if (ngroups > 64) this.cache = [];
    else if (cache !== undefined && cache.length === ngroups) {
      // A loop, not `fill`: for a handful of groups the call into the built-in costs more.
      for (let i = 0; i < ngroups; i++) cache[i] = undefined;
      this.cache = cache;
    } else this.cache = new Array<Value | typeof UNDEFINED_RULE | undefined>(ngroups);
    this.steps = 0;
    this.depth = 0;
    this.items = 0;
    this.maxSteps = l?.maxSteps ?? defaultLimits.maxSteps;
    this.maxDepth = l?.maxDepth ?? defaultLimits.maxDepth;
    this.maxItems = l?.maxOutputItems ?? defaultLimits.maxOutputItems;
    this.deadline = l?.timeoutMs !== undefined ? Date.now() + l.timeoutMs : 0;
    this.signal = opts.signal;
    this.bctxLazy = undefined;
    this.printSink = opts.print;
    this.nowNs = opts.nowNs;
    this.strictBuiltinErrors = opts.strictBuiltinErrors ?? false;
    this.coverage = opts.coverage;
    this.currentRule = undefined;
  }

  /** The built-in context, created on first use (most decisions never need it). */
  get bctx(): BuiltinContext {
    if (!this.bctxLazy) {
      this.bctxLazy = {
        nowNs: this.nowNs ?? BigInt(Date.now()) * 1_000_000n,
        cache: new Map(),
        print: this.printSink ?? (() => undefined),
        strictBuiltinErrors: this.strictBuiltinErrors,
        charge: (n) => this.charge(n),
        reserve: (n) => {
          if (this.items + n > this.maxItems) throw outputLimitError(this.maxItems);
        },
      };
    }
    return this.bctxLazy;
  }

  /** Called every 1024 steps: enforce the step budget, the deadline and cancellation. */
  checkLimits(): void {
    if (this.steps > this.maxSteps) {
      throw new RegoError('eval_limit_error', `evaluation exceeded the step limit (${this.maxSteps})`);
    }
    const now = Date.now();
    if (this.deadline === 0) this.deadline = now + defaultLimits.timeoutMs;
    if (now > this.deadline) throw new RegoError('eval_limit_error', 'evaluation exceeded its time limit');
    if (this.signal?.aborted) throw new RegoError('eval_cancel_error', 'caller cancelled query execution');
  }

  /** Count `n` steps of work at once (a built-in's), checking limits on each 1024 boundary crossed. */
  charge(n: number): void {
    const before = this.steps;
    this.steps += n;
    if (Math.floor(before / 1024) !== Math.floor(this.steps / 1024)) this.checkLimits();
  }

  /** Count produced elements against the output limit. */
  produced(n: number): void {
    this.items += n;
    if (this.items > this.maxItems) throw outputLimitError(this.maxItems);
  }

  enter(): void {
    if (++this.depth > this.maxDepth) {
      throw new RegoError('eval_limit_error', `evaluation exceeded the recursion depth limit (${this.maxDepth})`);
    }
  }
}

function outputLimitError(max: number): RegoError {
  return new RegoError('eval_limit_error', `evaluation exceeded the output size limit (${max} items)`);
}
