/**
 * Stage `plan`: compiles the IR into closures (eval/types.ts) once, so evaluation never
 * re-walks the AST. Because bodies were reordered by check-safety, the planner knows for
 * every variable occurrence whether it is already bound: a bound variable compiles to a
 * slot read, an unbound one to a binder, a ref operand that is unbound to an iteration.
 * `data` refs are resolved against the rule tree here: a ref naming a rule becomes a direct
 * call of that group's evaluator, a ref into base data a path lookup.
 */
import { NOT_PLAIN, ObjectValue, SetValue, compare, equals, isObject, jsonPathReader, toRegoText, valueKey, type Value } from '../value.ts';
import { RegoError, type ErrorList } from './errors.ts';
import type { FnTarget, IBody, IExpr, IQuery, IRule, ITerm, IWith, Slot } from './ir.ts';
import type { BodyFn, DefPlan, Frame, GroupPlan, IterFn, MatchFn, ValFn, VK, K, RuleGroup, RuleTree, TreeNode } from '../eval/types.ts';
import type { EvalContext, FnOverride } from '../eval/context.ts';
import { baseAt, baseWithOverrides, dataWalk, indexFrom, indexValue, iterate, nodeValue, overrideAt, patchValue } from '../eval/refs.ts';
import { callFunction, groupValue } from '../eval/rules.ts';
import { callBuiltin, member2, member3, overridden, printText } from '../eval/calls.ts';
import { withData, withFunction, withInput } from '../eval/with.ts';
import {
  evalArrayComprehension,
  evalEvery,
  evalLogical,
  evalNot,
  evalObjectComprehension,
  evalSetComprehension,
  evalSomeIn,
  evalWith,
  type WithApplier,
} from '../eval/constructs.ts';
import { patternVars, refOutputs, termVars } from './vars.ts';
import { JoinIndex, type Level } from '../eval/join-index.ts';
import { metadataChain, metadataRule, parseModuleBuiltin } from '../eval/metadata.ts';

const TRUE_K: K = () => true;
/** The rest of a body that has nothing left: the continuation. */
const END: BodyFn = (_c, _f, k) => k();

/** A test-only expression (see `Planner.pred`). */
type Pred = (c: EvalContext, f: Frame) => boolean;

/** A test expression of a body: the test, where it is (coverage) and whether it is negated. */
interface Test {
  test: Pred;
  where: string;
  negated: boolean;
  /** For a test that a term is true (defined and not false): the term (read inline). */
  truthy?: ValFn;
}

/** Comparison built-ins evaluated inline (same semantics as builtins/comparison.ts). */
const FAST_BINARY: Record<string, (a: Value, b: Value) => Value> = {
  equal: (a, b) => a === b || equals(a, b),
  neq: (a, b) => !(a === b || equals(a, b)),
  lt: (a, b) => compare(a, b) < 0,
  lte: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  gte: (a, b) => compare(a, b) >= 0,
  'internal.member_2': member2,
};

/** The ordering comparisons on two JS numbers (Rego's order agrees with JS's there). */
const NUMERIC_BINARY: Record<string, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

/**
 * The value of a group that is one unconditional constant (`max := 3600`): known at compile
 * time. Undefined when the group has conditions, several definitions, a default or `else`.
 */
function constantGroupValue(g: RuleGroup): Value | undefined {
  if (g.kind !== 'complete' || g.defs.length !== 1 || g.defaultRule) return undefined;
  return constantRuleValue(g.defs[0]!);
}

/** The value of a rule that is an unconditional constant (`default allow := false`). */
function constantRuleValue(r: IRule): Value | undefined {
  if (r.else || r.keys.length > 0 || r.value?.k !== 'const') return undefined;
  for (const e of r.body.exprs) {
    if (e.negated || e.with.length > 0 || e.e.k !== 'term' || e.e.term.k !== 'const' || e.e.term.v !== true) return undefined;
  }
  return r.value.v;
}

/**
 * The distinct constant elements of a partial set's definitions in Rego order (setting each
 * definition's `constPos`), when every definition has one and there are at most 30.
 */
function constElements(defs: DefPlan[]): GroupPlan['constSet'] {
  if (defs.length === 0 || defs.length > 30 || defs.some((d) => !d.constElem || d.keys.length > 0)) return undefined;
  const byKey = new Map<string, Value>();
  for (const d of defs) byKey.set(d.constElem!.key, d.constElem!.value);
  const sorted = [...byKey].sort((a, b) => compare(a[1], b[1]));
  const keys = sorted.map(([k]) => k);
  for (const d of defs) d.constPos = keys.indexOf(d.constElem!.key);
  return { values: sorted.map(([, v]) => v), keys, made: [] };
}

export class Planner {
  constructor(
    readonly tree: RuleTree,
    readonly errors: ErrorList,
  ) {}

  planGroups(): void {
    for (const g of this.tree.groups) {
      const defs = g.defs.map((d) => this.planDef(d));
      const dflt = g.defaultRule ? this.planDef(g.defaultRule) : undefined;
      const first = defs[0]?.rule.value;
      const earlyExit =
        g.kind === 'complete' &&
        first?.k === 'const' &&
        defs.every((d) => {
          for (let e: DefPlan | undefined = d; e; e = e.else) {
            const v = e.rule.value;
            if (v?.k !== 'const' || !equals(v.v, (first as { v: Value }).v)) return false;
          }
          return true;
        });
      const defaultConst = g.defaultRule ? constantRuleValue(g.defaultRule) : undefined;
      const constSet = g.kind === 'set' ? constElements(defs) : undefined;
      g.plan = { group: g, defs, default: dflt, defaultConst, index: undefined, earlyExit, constSet };
    }
  }

  /** Extra frame slots for head terms that iterate, allocated past the rule's own slots. */
  private extraSlots = 0;

  planDef(r: IRule): DefPlan {
    const bound = new Set<Slot>();
    const args = (r.args ?? []).map((a) => this.match(a, bound));
    this.extraSlots = 0;
    const plan = this.planChain(r, bound, args);
    for (let d: DefPlan | undefined = plan; d; d = d.else) d.nslots = r.nslots + this.extraSlots;
    return plan;
  }

  /**
   * A head term: deterministic terms are read after the body; a term that iterates (a value
   * like `xs[_]`) extends the body with a binder into an extra slot, so each of its values
   * is a separate solution (and conflicting ones are reported).
   */
  private headTerm(t: ITerm, bound: Set<Slot>, r: IRule, body: { fn: BodyFn }): ValFn {
    const v = this.val(t, bound);
    if (v) return v;
    const s = r.nslots + this.extraSlots++;
    const it = this.iter(t, bound);
    const inner = body.fn;
    body.fn = (c, f, k) =>
      inner(c, f, () =>
        it(c, f, (x) => {
          f[s] = x;
          const res = k();
          f[s] = undefined;
          return res;
        }),
      );
    return (_c, f) => f[s];
  }

  private planChain(r: IRule, argBound: Set<Slot>, args: MatchFn[]): DefPlan {
    const bound = new Set(argBound);
    const body = { fn: this.body(r.body, bound) };
    const keys = r.keys.map((k) => this.headTerm(k, bound, r, body));
    const elem = r.elem ? this.headTerm(r.elem, bound, r, body) : undefined;
    const value = r.value ? this.headTerm(r.value, bound, r, body) : undefined;
    return {
      rule: r,
      nslots: r.nslots,
      args,
      body: body.fn,
      keys,
      elem,
      value,
      constValue: r.value?.k === 'const' && r.keys.length === 0,
      constElem: r.elem?.k === 'const' && r.keys.length === 0 ? { value: r.elem.v, key: valueKey(r.elem.v) } : undefined,
      else: r.else ? this.planChain(r.else, argBound, args) : undefined,
    };
  }

  planQuery(q: IQuery): BodyFn {
    return this.body(q.body, new Set());
  }

  // -------------------------------------------------------------------------------------------
  // Bodies and expressions
  // -------------------------------------------------------------------------------------------

  body(b: IBody, bound: Set<Slot>): BodyFn {
    // Expressions that only test (no binding, no iteration) compile to predicates, chained
    // without allocating a continuation per solution.
    const parts = b.exprs.map((e, i): { pred?: Test; fn?: BodyFn } => {
      const pred = this.pred(e, bound);
      return pred ? { pred } : { fn: this.expr(e, bound, this.join(b.exprs, i, bound)) };
    });
    if (parts.some((p) => p.pred)) {
      // `end` is true while `next` is still the empty rest (then the continuation is called
      // directly). Consecutive predicates are tested in one closure.
      let next: BodyFn = END;
      let end = true;
      for (let i = parts.length - 1; i >= 0; ) {
        const { fn } = parts[i]!;
        if (fn) {
          next = end ? fn : this.then(fn, next);
          end = false;
          i--;
          continue;
        }
        let j = i;
        while (j > 0 && parts[j - 1]!.pred) j--;
        next = predGroup(parts.slice(j, i + 1).map((p) => p.pred!), end ? undefined : next);
        end = false;
        i = j - 1;
      }
      return next;
    }
    const fns = parts.map((p) => p.fn!);
    if (fns.length === 0) return END;
    if (fns.length === 1) return fns[0]!;
    let next: BodyFn = fns[fns.length - 1]!;
    for (let i = fns.length - 2; i >= 0; i--) next = this.then(fns[i]!, next);
    return next;
  }

  /**
   * The loop factories of `some x in coll` expressions compiled by `expr`, by the closure
   * `expr` returned: `body` asks for the loop with the rest of the body built in.
   */
  private readonly loops = new WeakMap<BodyFn, Loop>();

  /**
   * `fn` followed by `rest`. A loop runs `rest` for each element itself; anything else gets
   * a continuation (one closure allocated per call of `fn`).
   */
  private then(fn: BodyFn, rest: BodyFn): BodyFn {
    const loop = this.loops.get(fn);
    if (loop) return loop(rest);
    return (c, f, k) => fn(c, f, () => rest(c, f, k));
  }

  /** A test-only expression as a predicate, or undefined if it binds, iterates or uses `with`. */
  pred(e: IExpr, bound: Set<Slot>): Test | undefined {
    if (e.with.length > 0) return undefined;
    const b = e.e;
    let test: Pred | undefined;
    let truthy: ValFn | undefined;
    if (b.k === 'term') {
      test = this.comparePred(b.term, bound);
      const v = !test && this.isDet(b.term, bound) ? this.val(b.term, bound) : undefined;
      if (v) {
        truthy = v;
        test = (c, f) => {
          const x = v(c, f);
          return x !== undefined && x !== false;
        };
      }
    } else if (b.k === 'unify' && this.isDet(b.a, bound) && this.isDet(b.b, bound)) {
      const av = this.val(b.a, bound);
      const bv = this.val(b.b, bound);
      if (av && bv) test = (c, f) => {
        const x = av(c, f);
        if (x === undefined) return false;
        const y = bv(c, f);
        return y !== undefined && equals(x, y);
      };
    }
    if (!test) return undefined;
    return { test, where: `${e.loc.file}:${e.loc.row}`, negated: e.negated, truthy };
  }

  /**
   * `a == b`, `a < b`, `x in xs`, … as a test: both operands and the comparison in one
   * closure (no intermediate call value). Undefined operands make the test fail.
   */
  private comparePred(t: ITerm, bound: Set<Slot>): Pred | undefined {
    if (t.k !== 'call' || t.fn.kind === 'user' || t.args.length !== 2) return undefined;
    const fast = FAST_BINARY[t.fn.name];
    if (!fast || !this.isDet(t, bound)) return undefined;
    const a0 = this.val(t.args[0]!, bound);
    const a1 = this.val(t.args[1]!, bound);
    if (!a0 || !a1) return undefined;
    const fn = t.fn;
    const loc = t.loc;
    const slow = (c: EvalContext, x: Value, y: Value): boolean => {
      const r = this.invoke(c, fn, [x, y], loc);
      return r !== undefined && r !== false;
    };
    if (fn.name === 'equal') {
      return (c, f) => {
        const x = a0(c, f);
        if (x === undefined) return false;
        const y = a1(c, f);
        if (y === undefined) return false;
        if (c.fnOverrides) return slow(c, x, y);
        return x === y || equals(x, y);
      };
    }
    const numeric = NUMERIC_BINARY[fn.name];
    if (numeric) {
      return (c, f) => {
        const x = a0(c, f);
        if (x === undefined) return false;
        const y = a1(c, f);
        if (y === undefined) return false;
        if (c.fnOverrides) return slow(c, x, y);
        return typeof x === 'number' && typeof y === 'number' ? numeric(x, y) : fast(x, y) === true;
      };
    }
    return (c, f) => {
      const x = a0(c, f);
      if (x === undefined) return false;
      const y = a1(c, f);
      if (y === undefined) return false;
      if (c.fnOverrides) return slow(c, x, y);
      return fast(x, y) === true;
    };
  }

  /**
   * For `some x in coll` (expression `i`) followed by tests `x.path == e` whose `e` is known
   * before the loop: the equality index the loop can use to visit only candidate elements.
   * Each `e` must be an input/variable/constant read (evaluating it early can raise nothing).
   */
  private join(exprs: IExpr[], i: number, bound: Set<Slot>): Join | undefined {
    const e = exprs[i]!;
    const b = e.e;
    if (b.k !== 'somein' || e.negated || e.with.length > 0 || b.key || b.value.k !== 'var' || bound.has(b.value.slot) || !this.isDet(b.coll, bound)) return undefined;
    const s = b.value.slot;
    const paths: string[][] = [];
    const keys: ValFn[] = [];
    for (let j = i + 1; j < exprs.length; j++) {
      const eq = elementEquality(exprs[j]!, s);
      if (!eq || !plainRead(eq.other) || termVars(eq.other, new Set()).has(s) || !this.isDet(eq.other, bound)) break;
      const kv = this.val(eq.other, bound);
      if (!kv) break;
      paths.push(eq.path);
      keys.push(kv);
    }
    if (paths.length === 0) return undefined;
    const invariant = exprs.slice(i + 1, i + 1 + paths.length).every((x) => {
      const eq = elementEquality(x, s)!;
      return termVars(eq.other, new Set()).size === 0;
    });
    return { index: new JoinIndex(paths), keys, invariant };
  }

  expr(e: IExpr, bound: Set<Slot>, join?: Join): BodyFn {
    const where = `${e.loc.file}:${e.loc.row}`;
    if (!e.negated && e.with.length === 0 && e.e.k === 'somein') {
      // The loop counts the expression itself (one closure less per evaluation).
      const loop = this.someInLoop(e.e, bound, join, where);
      if (loop) {
        const fn = loop(undefined);
        this.loops.set(fn, loop);
        return fn;
      }
    }
    let fn: BodyFn;
    if (e.negated) {
      const inner = this.exprCore(e, new Set(bound));
      const wrapped = e.with.length > 0 ? this.wrapWith(e.with, bound, inner) : inner;
      fn = (c, f, k) => evalNot(c, f, wrapped, k);
    } else {
      const inner = this.exprCore(e, bound, join);
      fn = e.with.length > 0 ? this.wrapWith(e.with, bound, inner) : inner;
    }
    const counted = fn;
    return (c, f, k) => {
      if ((++c.steps & 1023) === 0) c.checkLimits();
      if (c.coverage) c.coverage.add(where);
      return counted(c, f, k);
    };
  }

  /**
   * `some x in coll` over a deterministic collection: bind the slot in a loop (over the
   * candidates of `join`, if given). With `where`, the loop also counts the expression.
   * Undefined for other forms of `some … in`.
   */
  private someInLoop(b: Extract<IExpr['e'], { k: 'somein' }>, bound: Set<Slot>, join: Join | undefined, where: string | undefined): Loop | undefined {
    if (b.key || b.value.k !== 'var' || bound.has(b.value.slot) || !this.isDet(b.coll, bound)) return undefined;
    const cv = this.val(b.coll, bound);
    if (!cv) return undefined;
    const s = b.value.slot;
    bound.add(s);
    if (join) {
      const keyed = this.keyedBase.get(cv);
      if (keyed && join.keys.length <= 2) return (rest) => keyedJoinLoop(cv, keyed, s, join, where, rest);
      return (rest) => joinLoop(cv, s, join, where, rest);
    }
    return (rest = END) => (c, f, k) => {
      if (where !== undefined) tick(c, where);
      const coll = cv(c, f);
      return coll === undefined ? false : bindThen(coll, c, f, s, rest, k);
    };
  }

  private exprCore(e: IExpr, bound: Set<Slot>, join?: Join): BodyFn {
    const b = e.e;
    switch (b.k) {
      case 'noop':
        return (_c, _f, k) => k();
      case 'term': {
        const t = b.term;
        const v = this.val(t, bound);
        if (v) return (c, f, k) => {
          const x = v(c, f);
          return x !== undefined && x !== false ? k() : false;
        };
        const it = this.iter(t, bound);
        return (c, f, k) => it(c, f, (x) => (x !== false ? k() : false));
      }
      case 'unify':
        return this.unify(b.a, b.b, bound, e);
      case 'somein': {
        const loop = this.someInLoop(b, bound, join, undefined);
        if (loop) return loop(undefined);
        const coll = this.iter(b.coll, bound);
        const km = b.key ? this.match(b.key, bound) : undefined;
        const vm = this.match(b.value, bound);
        return (c, f, k) => evalSomeIn(c, f, coll, km, vm, k);
      }
      case 'sub': {
        const bodies = b.bodies.map((x) => this.body(x, new Set(bound)));
        const all = b.all;
        return (c, f, k) => evalLogical(c, f, bodies, all, k);
      }
      case 'every': {
        const dom = this.iter(b.domain, bound);
        const inner = new Set(bound);
        const ks = b.key?.k === 'var' ? b.key.slot : undefined;
        const vs = b.value.k === 'var' ? b.value.slot : -1;
        if (ks !== undefined) inner.add(ks);
        inner.add(vs);
        const body = this.body(b.body, inner);
        return (c, f, k) => evalEvery(c, f, dom, ks, vs, body, k);
      }
    }
  }

  /** Run `inner` with the `with` modifiers installed; the continuation runs outside them. */
  wrapWith(withs: IWith[], bound: Set<Slot>, inner: BodyFn): BodyFn {
    const appliers: WithApplier[] = withs.map((w) => {
      if (w.fnValue && w.value.k === 'call') {
        const target = w.value.fn;
        const name = w.target.kind === 'fn' ? w.target.name : '';
        // Inside a replacement no function is mocked: it may call the function it replaces,
        // and never another mock (OPA's rule).
        const call = (c: EvalContext, args: Value[]): Value | undefined => {
          const saved = c.fnOverrides;
          const savedCache = c.cache;
          c.fnOverrides = null;
          c.cache = [];
          try {
            return this.callTarget(c, target, args, w.loc);
          } finally {
            c.fnOverrides = saved;
            c.cache = savedCache;
          }
        };
        const o: FnOverride = { kind: 'fn', call };
        return (c) => {
          withFunction(c, name, o);
          return true;
        };
      }
      const v = this.valOrIterFirst(w.value, new Set(bound));
      const target = w.target;
      const replace: (c: EvalContext, x: Value) => void =
        target.kind === 'input' ? (c, x) => withInput(c, target.path, x)
        : target.kind === 'data' ? (c, x) => withData(c, target.path, x)
        : (c, x) => withFunction(c, target.name, { kind: 'value', value: x });
      return (c, f) => {
        const x = v(c, f);
        if (x === undefined) return false;
        replace(c, x);
        return true;
      };
    });
    return (c, f, k) => evalWith(c, f, appliers, inner, k);
  }

  // -------------------------------------------------------------------------------------------
  // Unification and patterns
  // -------------------------------------------------------------------------------------------

  /** Slots of `t` that are neither bound nor bindable by iterating its refs. */
  private unresolved(t: ITerm, bound: Set<Slot>): Set<Slot> {
    const vars = termVars(t, new Set());
    const outs = new Set<Slot>();
    refOutputs(t, bound, outs);
    for (const v of [...vars]) if (bound.has(v) || outs.has(v)) vars.delete(v);
    return vars;
  }

  unify(a: ITerm, b: ITerm, bound: Set<Slot>, e: IExpr): BodyFn {
    const ua = this.unresolved(a, bound);
    const ub = this.unresolved(b, bound);
    if (ub.size === 0 && (ua.size === 0 || this.isPattern(a, bound))) {
      const av = ua.size === 0 ? this.val(a, bound) : undefined;
      const bv = this.val(b, bound);
      if (av && bv) {
        return (c, f, k) => {
          const x = av(c, f);
          if (x === undefined) return false;
          const y = bv(c, f);
          return y !== undefined && equals(x, y) ? k() : false;
        };
      }
      const it = bv ? undefined : this.iter(b, bound);
      const m = this.match(a, bound);
      if (bv) return (c, f, k) => {
        const y = bv(c, f);
        return y === undefined ? false : m(c, f, y, k);
      };
      return (c, f, k) => it!(c, f, (y) => m(c, f, y, k));
    }
    if (ua.size === 0 && this.isPattern(b, bound)) {
      const av = this.val(a, bound);
      const it = av ? undefined : this.iter(a, bound);
      const m = this.match(b, bound);
      if (av) return (c, f, k) => {
        const y = av(c, f);
        return y === undefined ? false : m(c, f, y, k);
      };
      return (c, f, k) => it!(c, f, (y) => m(c, f, y, k));
    }
    if (a.k === 'array' && b.k === 'array' && a.items.length === b.items.length) {
      return this.unifyPairs(a.items.map((x, i) => [x, b.items[i]!] as [ITerm, ITerm]), bound, e);
    }
    if (a.k === 'object' && b.k === 'object' && a.items.length === b.items.length) {
      const pairs: [ITerm, ITerm][] = [];
      for (const [ka, va] of a.items) {
        const kb = b.items.find(([x]) => x.k === 'const' && ka.k === 'const' && equals(x.v, ka.v));
        if (!kb) return () => false;
        pairs.push([va, kb[1]]);
      }
      return this.unifyPairs(pairs, bound, e);
    }
    for (const s of [...ua, ...ub]) {
      this.errors.add('rego_unsafe_var_error', `var ${this.nameOf(a, b, s)} is unsafe`, e.loc);
      break;
    }
    return () => false;
  }

  private nameOf(a: ITerm, b: ITerm, s: Slot): string {
    let name = '?';
    const visit = (t: ITerm): void => {
      if (t.k === 'var' && t.slot === s) name = t.name;
      else if (t.k === 'array' || t.k === 'set') t.items.forEach(visit);
      else if (t.k === 'object') t.items.forEach(([x, y]) => (visit(x), visit(y)));
      else if (t.k === 'ref') {
        visit(t.head);
        t.path.forEach(visit);
      }
      else if (t.k === 'call') t.args.forEach(visit);
    };
    visit(a);
    visit(b);
    return name;
  }

  private unifyPairs(pairs: [ITerm, ITerm][], bound: Set<Slot>, e: IExpr): BodyFn {
    const fns: BodyFn[] = [];
    const todo = [...pairs];
    while (todo.length > 0) {
      let idx = todo.findIndex(([x, y]) => this.unresolved(x, bound).size === 0 || this.unresolved(y, bound).size === 0);
      if (idx < 0) idx = 0;
      const [x, y] = todo.splice(idx, 1)[0]!;
      fns.push(this.unify(x, y, bound, e));
    }
    return chain(fns);
  }

  /** True if `t` has unbound variables in pattern positions (and nowhere else unresolvable). */
  private isPattern(t: ITerm, bound: Set<Slot>): boolean {
    const pv = patternVars(t, new Set());
    const un = this.unresolved(t, bound);
    for (const v of un) if (!pv.has(v)) return false;
    return true;
  }

  match(t: ITerm, bound: Set<Slot>): MatchFn {
    if (t.k === 'var') {
      const s = t.slot;
      if (!bound.has(s)) {
        bound.add(s);
        return (_c, f, v, k) => {
          f[s] = v;
          const r = k();
          f[s] = undefined;
          return r;
        };
      }
      return (_c, f, v, k) => (equals(f[s]!, v) ? k() : false);
    }
    const hasPattern = [...patternVars(t, new Set())].some((s) => !bound.has(s));
    if (hasPattern && t.k === 'array') {
      const ms = t.items.map((x) => this.match(x, bound));
      const n = ms.length;
      return (c, f, v, k) => {
        if (!Array.isArray(v) || v.length !== n) return false;
        const run = (i: number): boolean => (i === n ? k() : ms[i]!(c, f, v[i]!, () => run(i + 1)));
        return run(0);
      };
    }
    if (hasPattern && t.k === 'object') {
      const keys = t.items.map(([kt]) => this.valOrIterFirst(kt, bound));
      const ms = t.items.map(([, vt]) => this.match(vt, bound));
      const n = ms.length;
      return (c, f, v, k) => {
        if (!isObject(v) || v.size !== n) return false;
        const run = (i: number): boolean => {
          if (i === n) return k();
          const key = keys[i]!(c, f);
          if (key === undefined) return false;
          const x = v.get(key);
          return x === undefined ? false : ms[i]!(c, f, x, () => run(i + 1));
        };
        return run(0);
      };
    }
    const tv = this.val(t, bound);
    if (tv) return (c, f, v, k) => {
      const x = tv(c, f);
      return x !== undefined && equals(x, v) ? k() : false;
    };
    const it = this.iter(t, bound);
    return (c, f, v, k) => it(c, f, (x) => (equals(x, v) ? k() : false));
  }

  // -------------------------------------------------------------------------------------------
  // Terms
  // -------------------------------------------------------------------------------------------

  /** A term's single value when it must have one (head terms, keys): first solution. */
  valOrIterFirst(t: ITerm, bound: Set<Slot>): ValFn {
    const v = this.val(t, bound);
    if (v) return v;
    const it = this.iter(t, new Set(bound));
    return (c, f) => {
      let out: Value | undefined;
      it(c, f, (x) => {
        out = x;
        return true;
      });
      return out;
    };
  }

  /** Deterministic compile of `t`, or undefined if `t` may iterate or bind. */
  val(t: ITerm, bound: Set<Slot>): ValFn | undefined {
    switch (t.k) {
      case 'const': {
        const v = t.v;
        return () => v;
      }
      case 'var': {
        if (!bound.has(t.slot)) return undefined;
        const s = t.slot;
        return (_c, f) => f[s];
      }
      case 'input':
        return (c) => c.input;
      case 'data': {
        const root = this.tree.root;
        return (c) => nodeValue(c, root);
      }
      case 'ref':
        return this.refVal(t, bound);
      case 'array': {
        const items = this.vals(t.items, bound);
        if (!items) return undefined;
        return (c, f) => {
          const out: Value[] = new Array(items.length);
          for (let i = 0; i < items.length; i++) {
            const x = items[i]!(c, f);
            if (x === undefined) return undefined;
            out[i] = x;
          }
          return out;
        };
      }
      case 'set': {
        const items = this.vals(t.items, bound);
        if (!items) return undefined;
        return (c, f) => {
          const out = new SetValue();
          for (const it of items) {
            const x = it(c, f);
            if (x === undefined) return undefined;
            out.add(x);
          }
          return out;
        };
      }
      case 'object': {
        const ks = this.vals(t.items.map(([a]) => a), bound);
        const vs = this.vals(t.items.map(([, b]) => b), bound);
        if (!ks || !vs) return undefined;
        return (c, f) => {
          const out = new ObjectValue();
          for (let i = 0; i < ks.length; i++) {
            const kx = ks[i]!(c, f);
            if (kx === undefined) return undefined;
            const vx = vs[i]!(c, f);
            if (vx === undefined) return undefined;
            out.set(kx, vx);
          }
          return out;
        };
      }
      case 'arrayc':
      case 'setc': {
        const inner = new Set(bound);
        const body = this.body(t.body, inner);
        const head = this.valOrIterFirst(t.head, inner);
        if (t.k === 'arrayc') return (c, f) => evalArrayComprehension(c, f, body, head);
        return (c, f) => evalSetComprehension(c, f, body, head);
      }
      case 'objectc': {
        const inner = new Set(bound);
        const body = this.body(t.body, inner);
        const key = this.valOrIterFirst(t.key, inner);
        const value = this.valOrIterFirst(t.value, inner);
        const loc = t.loc;
        return (c, f) => evalObjectComprehension(c, f, body, key, value, loc);
      }
      case 'call':
        return this.callVal(t, bound);
      case 'template':
        return this.template(t.parts, bound);
    }
  }

  private vals(ts: ITerm[], bound: Set<Slot>): ValFn[] | undefined {
    const out: ValFn[] = [];
    for (const t of ts) {
      const v = this.val(t, bound);
      if (!v) return undefined;
      out.push(v);
    }
    return out;
  }

  /** Compile a term that may iterate (and bind the unbound ref operands it contains). */
  iter(t: ITerm, bound: Set<Slot>): IterFn {
    const v = this.val(t, bound);
    if (v) return (c, f, k) => {
      const x = v(c, f);
      return x === undefined ? false : k(x);
    };
    switch (t.k) {
      case 'ref':
        return this.refIter(t, bound);
      case 'array':
      case 'set':
      case 'call': {
        const items = t.k === 'call' ? t.args : t.items;
        // Compile (and evaluate) first the items whose variables can be bound by iteration,
        // so `x == xs[x]` binds x from the ref before comparing.
        const order: number[] = [];
        const left = items.map((_x, i) => i);
        while (left.length > 0) {
          let pick = left.findIndex((i) => this.unresolved(items[i]!, bound).size === 0);
          if (pick < 0) pick = 0;
          order.push(left.splice(pick, 1)[0]!);
        }
        const compiled = new Map(order.map((i) => [i, this.iter(items[i]!, bound)] as [number, IterFn]));
        const its = order.map((i) => compiled.get(i)!);
        const n = its.length;
        let build: (c: EvalContext, f: Frame, xs: Value[], k: VK) => boolean;
        if (t.k === 'array') build = (_c, _f, xs, k) => k(xs.slice());
        else if (t.k === 'set') build = (_c, _f, xs, k) => k(new SetValue(xs));
        else build = this.callWith(t, (c, args, k) => {
          const r = this.invoke(c, t.fn, args, t.loc);
          return r === undefined ? false : k(r);
        }, (c, args, k) => this.invokeRelation(c, t.fn, args, t.loc, k));
        return (c, f, k) => {
          const xs: Value[] = new Array(n);
          const run = (i: number): boolean => (i === n ? build(c, f, xs, k) : its[i]!(c, f, (x) => ((xs[order[i]!] = x), run(i + 1))));
          return run(0);
        };
      }
      case 'object': {
        const ks = t.items.map(([a]) => this.iter(a, bound));
        const vs = t.items.map(([, b]) => this.iter(b, bound));
        const n = ks.length;
        return (c, f, k) => {
          const pairs: [Value, Value][] = new Array(n);
          const run = (i: number): boolean => {
            if (i === n) return k(ObjectValue.fromEntries(pairs));
            return ks[i]!(c, f, (kx) => vs[i]!(c, f, (vx) => ((pairs[i] = [kx, vx]), run(i + 1))));
          };
          return run(0);
        };
      }
      case 'var':
        this.errors.add('rego_unsafe_var_error', `var ${t.name} is unsafe`, t.loc);
        return () => false;
      default:
        this.errors.add('rego_compile_error', `cannot evaluate term`, t.loc);
        return () => false;
    }
  }

  private callWith(
    t: Extract<ITerm, { k: 'call' }>,
    single: (c: EvalContext, args: Value[], k: VK) => boolean,
    relation: (c: EvalContext, args: Value[], k: VK) => boolean,
  ): (c: EvalContext, f: Frame, xs: Value[], k: VK) => boolean {
    const isRel = t.fn.kind === 'builtin' && t.fn.decl.relation === true;
    return (c, _f, xs, k) => (isRel ? relation(c, xs.slice(), k) : single(c, xs.slice(), k));
  }

  // -------------------------------------------------------------------------------------------
  // References
  // -------------------------------------------------------------------------------------------

  /** Where a data ref's ground prefix lands, decided at compile time. */
  private dataHead(path: ITerm[], bound: Set<Slot>): { head: ValFn; rest: ITerm[] } {
    let node: TreeNode = this.tree.root;
    let i = 0;
    while (i < path.length && !node.group) {
      const p = path[i]!;
      if (p.k === 'const' && typeof p.v === 'string' && node.children.has(p.v)) {
        node = node.children.get(p.v)!;
        i++;
        continue;
      }
      break;
    }
    const n = node;
    if (n.group && n.children.size === 0) {
      const g = n.group;
      if (g.kind === 'function') return { head: () => undefined, rest: [] };
      const gpath = g.path;
      const evaluated = (c: EvalContext): Value | undefined => {
        if (c.dataOverrides) {
          const hit = overrideAt(c.dataOverrides, gpath);
          if (hit?.exact) return hit.value;
          if (hit) return patchValue(groupValue(c, g), hit.node);
        }
        return groupValue(c, g);
      };
      const constant = constantGroupValue(g);
      // A constant rule is evaluated like any other only when something could observe the
      // difference: `with` overrides of data, or coverage (which records the rule's lines).
      const head = constant === undefined ? evaluated : (c: EvalContext) => (!c.dataOverrides && !c.coverage ? constant : evaluated(c));
      return { head, rest: path.slice(i) };
    }
    if (i === path.length || n.group) return { head: (c) => nodeValue(c, n), rest: path.slice(i) };
    const p = path[i]!;
    if (!(p.k === 'const' && typeof p.v === 'string') && this.isDet(p, bound)) {
      // Bound operands below a namespace: walk the tree at runtime instead of materialising it.
      let j = i;
      const vals: ValFn[] = [];
      while (j < path.length && this.isDet(path[j]!, bound)) vals.push(this.val(path[j++]!, bound)!);
      return {
        head: (c, f) => {
          const keys: Value[] = [];
          for (const v of vals) {
            const x = v(c, f);
            if (x === undefined) return undefined;
            keys.push(x);
          }
          return dataWalk(c, n, keys, 0);
        },
        rest: path.slice(j),
      };
    }
    if (p.k === 'const' && typeof p.v === 'string') {
      // Below this node there are no rules: plain base data.
      const base = [...n.path];
      let j = i;
      while (j < path.length) {
        const q = path[j]!;
        if (q.k !== 'const' || typeof q.v !== 'string') break;
        base.push(q.v);
        j++;
      }
      // Base data is immutable: remember the document at this path for the last `data` seen.
      let seenData: Value | undefined;
      let seenValue: Value | undefined;
      const baseFn: ValFn = (c) => {
        if (c.dataOverrides) return baseWithOverrides(c, base);
        if (c.data !== seenData) {
          seenValue = baseAt(c.data, base);
          seenData = c.data;
        }
        return seenValue;
      };
      if (j < path.length && this.isDet(path[j]!, bound) && !(path[j]!.k === 'const' && typeof (path[j] as { v: Value }).v === 'string')) {
        // Bound non-string keys into base data: numbers address keys by their text.
        const vals: ValFn[] = [];
        while (j < path.length && this.isDet(path[j]!, bound)) vals.push(this.val(path[j++]!, bound)!);
        if (vals.length === 1) {
          // `data.roles[role]`: one runtime key.
          const v0 = vals[0]!;
          const head: ValFn = (c, f) => {
            const x = v0(c, f);
            if (x === undefined) return undefined;
            const b = baseFn(c, f);
            if (b instanceof ObjectValue && typeof x === 'string') return b.getStr(x);
            return b === undefined ? undefined : indexFrom(b, [x], 0);
          };
          this.keyedBase.set(head, { parent: baseFn, key: v0 });
          return { head, rest: path.slice(j) };
        }
        return {
          head: (c, f) => {
            const keys: Value[] = [];
            for (const v of vals) {
              const x = v(c, f);
              if (x === undefined) return undefined;
              keys.push(x);
            }
            return indexFrom(baseFn(c, f), keys, 0);
          },
          rest: path.slice(j),
        };
      }
      return { head: baseFn, rest: path.slice(j) };
    }
    return { head: (c) => nodeValue(c, n), rest: path.slice(i) };
  }

  /**
   * Reads of base data at one runtime key (`data.roles[role]`), by the closure `dataHead`
   * returned: the document holding the keys and the key (see `keyedJoinLoop`).
   */
  private readonly keyedBase = new WeakMap<ValFn, KeyedBase>();

  private refHead(t: Extract<ITerm, { k: 'ref' }>, bound: Set<Slot>): { head: ValFn | IterFn; det: boolean; rest: ITerm[] } {
    if (t.head.k === 'data') {
      const { head, rest } = this.dataHead(t.path, bound);
      return { head, det: true, rest };
    }
    const hv = this.val(t.head, bound);
    if (hv) return { head: hv, det: true, rest: t.path };
    return { head: this.iter(t.head, bound), det: false, rest: t.path };
  }

  private refVal(t: Extract<ITerm, { k: 'ref' }>, bound: Set<Slot>): ValFn | undefined {
    // Check determinism without compiling binders.
    for (const p of t.path) if (!this.isDet(p, bound)) return undefined;
    if (t.head.k !== 'data' && !this.isDet(t.head, bound)) return undefined;
    const { head, rest } = this.refHead(t, bound);
    const h = head as ValFn;
    if (rest.length === 0) return h;
    if (rest.every((p) => p.k === 'const' && typeof p.v === 'string')) {
      const keys = rest.map((p) => (p as { v: string }).v);
      const fused = fusedPath(t.head, bound, keys);
      if (fused) return fused;
      return (c, f) => {
        let v = h(c, f);
        for (let i = 0; i < keys.length; i++) {
          if (v instanceof ObjectValue) v = v.getStr(keys[i]!);
          else if (v === undefined) return undefined;
          else v = indexValue(v, keys[i]!);
          if (v === undefined) return undefined;
        }
        return v;
      };
    }
    const ps = rest.map((p) => this.val(p, bound)!);
    return (c, f) => {
      let v = h(c, f);
      for (let i = 0; i < ps.length && v !== undefined; i++) {
        const key = ps[i]!(c, f);
        if (key === undefined) return undefined;
        v = indexValue(v, key);
      }
      return v;
    };
  }

  /** Would `val` succeed (no unbound vars, no relation calls outside closures)? */
  isDet(t: ITerm, bound: Set<Slot>): boolean {
    switch (t.k) {
      case 'var':
        return bound.has(t.slot);
      case 'ref':
        return (t.head.k === 'data' || this.isDet(t.head, bound)) && t.path.every((p) => this.isDet(p, bound));
      case 'array':
      case 'set':
        return t.items.every((x) => this.isDet(x, bound));
      case 'object':
        return t.items.every(([a, b]) => this.isDet(a, bound) && this.isDet(b, bound));
      case 'call':
        return !(t.fn.kind === 'builtin' && t.fn.decl.relation) && t.args.every((a) => this.isDet(a, bound));
      case 'arrayc':
      case 'setc':
      case 'objectc':
        return [...t.body.captures].every((s) => bound.has(s));
      default:
        return true;
    }
  }

  private refIter(t: Extract<ITerm, { k: 'ref' }>, bound: Set<Slot>): IterFn {
    const { head, det, rest } = this.refHead(t, bound);
    type Step = (c: EvalContext, f: Frame, v: Value, k: VK) => boolean;
    const steps: Step[] = rest.map((p): Step => {
      const pv = this.val(p, bound);
      if (pv) {
        return (c, f, v, k) => {
          const key = pv(c, f);
          if (key === undefined) return false;
          const x = indexValue(v, key);
          return x === undefined ? false : k(x);
        };
      }
      if (p.k === 'var' && !bound.has(p.slot)) {
        const s = p.slot;
        bound.add(s);
        return (_c, f, v, k) =>
          iterate(v, (key, x) => {
            f[s] = key;
            const r = k(x);
            f[s] = undefined;
            return r;
          });
      }
      if (this.isPattern(p, bound)) {
        const m = this.match(p, bound);
        return (c, f, v, k) => iterate(v, (key, x) => m(c, f, key, () => k(x)));
      }
      const it = this.iter(p, bound);
      return (c, f, v, k) =>
        it(c, f, (key) => {
          const x = indexValue(v, key);
          return x === undefined ? false : k(x);
        });
    });
    let chainFn: Step = (_c, _f, v, k) => k(v);
    for (let i = steps.length - 1; i >= 0; i--) {
      const s = steps[i]!;
      const next = chainFn;
      chainFn = (c, f, v, k) => s(c, f, v, (x) => next(c, f, x, k));
    }
    const run = chainFn;
    if (det) {
      const h = head as ValFn;
      return (c, f, k) => {
        const v = h(c, f);
        return v === undefined ? false : run(c, f, v, k);
      };
    }
    const hi = head as IterFn;
    return (c, f, k) => hi(c, f, (v) => run(c, f, v, k));
  }

  // -------------------------------------------------------------------------------------------
  // Calls
  // -------------------------------------------------------------------------------------------

  private callVal(t: Extract<ITerm, { k: 'call' }>, bound: Set<Slot>): ValFn | undefined {
    const fn = t.fn;
    if (fn.kind === 'builtin' && fn.decl.relation) return undefined;
    if (fn.kind === 'native' && (fn.name === 'print' || fn.name === 'internal.print')) return this.printCall(t, bound);
    const args = this.vals(t.args, bound);
    if (!args) return undefined;
    const loc = t.loc;
    const fast = fn.kind !== 'user' ? FAST_BINARY[fn.name] : undefined;
    if (fast && args.length === 2) {
      // Comparisons and membership are the hottest calls in policies: evaluate them inline
      // unless a `with` replaces them.
      const [a0, a1] = args as [ValFn, ValFn];
      return (c, f) => {
        const x = a0(c, f);
        if (x === undefined) return undefined;
        const y = a1(c, f);
        if (y === undefined) return undefined;
        return c.fnOverrides ? this.invoke(c, fn, [x, y], loc) : fast(x, y);
      };
    }
    if (fn.kind === 'builtin') {
      const decl = fn.decl;
      if (args.length === 1) {
        const a0 = args[0]!;
        return (c, f) => {
          const x = a0(c, f);
          return x === undefined ? undefined : callBuiltin(c, decl, [x], loc);
        };
      }
      if (args.length === 2) {
        const [a0, a1] = args as [ValFn, ValFn];
        return (c, f) => {
          const x = a0(c, f);
          if (x === undefined) return undefined;
          const y = a1(c, f);
          return y === undefined ? undefined : callBuiltin(c, decl, [x, y], loc);
        };
      }
    }
    return (c, f) => {
      const xs: Value[] = new Array(args.length);
      for (let i = 0; i < args.length; i++) {
        const x = args[i]!(c, f);
        if (x === undefined) return undefined;
        xs[i] = x;
      }
      return this.invoke(c, fn, xs, loc);
    };
  }

  /** Call any target with evaluated arguments. */
  invoke(c: EvalContext, fn: FnTarget, args: Value[], loc: IExpr['loc']): Value | undefined {
    switch (fn.kind) {
      case 'builtin':
        if (fn.decl.relation) {
          let first: Value | undefined;
          this.invokeRelation(c, fn, args, loc, (x) => ((first = x), true));
          return first;
        }
        return callBuiltin(c, fn.decl, args, loc);
      case 'user':
        return this.callTarget(c, fn, args, loc);
      case 'native':
        return this.native(c, fn.name, args, loc);
    }
  }

  invokeRelation(c: EvalContext, fn: FnTarget, args: Value[], loc: IExpr['loc'], k: VK): boolean {
    if (fn.kind !== 'builtin') {
      const r = this.invoke(c, fn, args, loc);
      return r === undefined ? false : k(r);
    }
    const r = callBuiltin(c, fn.decl, args, loc);
    if (!Array.isArray(r)) return false;
    for (const x of r) if (k(x)) return true;
    return false;
  }

  /** Call a user function or built-in by target, honouring `with` replacements. */
  callTarget(c: EvalContext, fn: FnTarget, args: Value[], loc: IExpr['loc']): Value | undefined {
    if (fn.kind === 'user') {
      if (c.fnOverrides) {
        const o = overridden(c, fn.name, args);
        if (o) return o.v;
      }
      const g = this.group(fn.name);
      if (!g) return undefined;
      return callFunction(c, g, args);
    }
    return this.invoke(c, fn, args, loc);
  }

  private groupCache = new Map<string, RuleGroup | undefined>();
  private group(name: string): RuleGroup | undefined {
    if (!this.groupCache.has(name)) this.groupCache.set(name, this.tree.byName.get(name));
    return this.groupCache.get(name);
  }

  private native(c: EvalContext, name: string, args: Value[], loc: IExpr['loc']): Value | undefined {
    if (c.fnOverrides) {
      const o = overridden(c, name, args);
      if (o) return o.v;
    }
    switch (name) {
      case 'internal.member_2':
        return member2(args[0]!, args[1]!);
      case 'internal.member_3':
        return member3(args[0]!, args[1]!, args[2]!);
      case 'rego.metadata.chain':
        return metadataChain(c, this.tree);
      case 'rego.metadata.rule':
        return metadataRule(c, this.tree);
      case 'rego.parse_module':
        return parseModuleBuiltin(c, args, loc);
      case 'trace':
        return true;
      default:
        throw new RegoError('eval_builtin_error', `${name}: not implemented`, loc);
    }
  }

  private printCall(t: Extract<ITerm, { k: 'call' }>, bound: Set<Slot>): ValFn {
    const its = t.args.map((a) => this.iter(a, new Set(bound)));
    return (c, f) => {
      const parts: string[] = [];
      for (const it of its) {
        const vals: Value[] = [];
        it(c, f, (x) => (vals.push(x), false));
        parts.push(vals.length === 0 ? '<undefined>' : vals.map((v) => printText(v, toRegoText)).join(' '));
      }
      c.bctx.print(parts.join(' '));
      return true;
    };
  }

  private template(parts: (string | IExpr)[], bound: Set<Slot>): ValFn {
    const fns = parts.map((p): ValFn => {
      if (typeof p === 'string') return () => p;
      const b = p.e;
      if (b.k !== 'term') {
        const body = this.expr(p, new Set(bound));
        return (c, f) => (body(c, f, TRUE_K) ? 'true' : '<undefined>');
      }
      const it = this.iter(b.term, new Set(bound));
      let cell: { v: Value | undefined } = { v: undefined };
      const capture: BodyFn = (c, f, k) =>
        it(c, f, (x) => {
          cell.v = x;
          return k();
        });
      const inner = p.with.length > 0 ? this.wrapWith(p.with, bound, capture) : capture;
      return (c, f) => {
        const saved = cell;
        cell = { v: undefined };
        const mine = cell;
        inner(c, f, TRUE_K);
        cell = saved;
        const v = mine.v;
        if (v === undefined) return '<undefined>';
        return typeof v === 'string' ? v : toRegoText(v);
      };
    });
    return (c, f) => {
      let s = '';
      for (const fn of fns) s += fn(c, f) as string;
      return s;
    };
  }
}

function chain(fns: BodyFn[]): BodyFn {
  let next: BodyFn = END;
  for (let i = fns.length - 1; i >= 0; i--) {
    const e = fns[i]!;
    const rest = next;
    next = (c, f, k) => e(c, f, () => rest(c, f, k));
  }
  return next;
}

/** One step of a constant-key path: `v[key]` for a string key. */
function step(v: Value | undefined, key: string): Value | undefined {
  if (v instanceof ObjectValue) return v.getStr(key);
  return v === undefined ? undefined : indexValue(v, key);
}

/**
 * `input.a.b` or `x.a.b` (x bound) with 1–3 constant string keys: read inline in one closure
 * instead of a head closure plus a key loop (these are the most frequent terms in policies).
 */
function fusedPath(head: ITerm, bound: Set<Slot>, keys: string[]): ValFn | undefined {
  if (keys.length < 1 || keys.length > 3) return undefined;
  const [k0, k1, k2] = keys as [string, string, string];
  if (head.k === 'input') {
    // Paths into input still in JSON form (lazy): read scalars straight from the JSON,
    // without a view per object on the way, by a reader of this path's own. Anything else
    // (a composite member keeps its identity) goes through the lazy objects.
    const read = jsonPathReader(keys);
    return (c) => {
      const root = c.input;
      if (root instanceof ObjectValue) {
        const src = root.lazySource();
        if (src !== undefined) {
          const v = read(src);
          if (v !== NOT_PLAIN) return v;
        }
      }
      if (keys.length === 1) return step(root, k0);
      if (keys.length === 2) return step(step(root, k0), k1);
      return step(step(step(root, k0), k1), k2);
    };
  }
  if (head.k === 'var' && bound.has(head.slot)) {
    const s = head.slot;
    if (keys.length === 1) return (_c, f) => step(f[s], k0);
    if (keys.length === 2) return (_c, f) => step(step(f[s], k0), k1);
    return (_c, f) => step(step(step(f[s], k0), k1), k2);
  }
  return undefined;
}

/**
 * Bind slot `s` to each element of a collection in turn and run the rest of the body for it
 * (no continuation closure per loop); stops when the rest does.
 */
function bindThen(v: Value, c: EvalContext, f: Frame, s: Slot, rest: BodyFn, k: K): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      f[s] = v[i];
      if (rest(c, f, k)) {
        f[s] = undefined;
        return true;
      }
    }
    f[s] = undefined;
    return false;
  }
  return iterate(v, (_key, x) => {
    f[s] = x;
    const r = rest(c, f, k);
    f[s] = undefined;
    return r;
  });
}


/** Count one expression evaluated (step limit) and record it for coverage. */
function tick(c: EvalContext, where: string): void {
  if ((++c.steps & 1023) === 0) c.checkLimits();
  if (c.coverage) c.coverage.add(where);
}

/**
 * Test expressions evaluated in order, then the rest of the body (or, when `rest` is
 * undefined, the continuation directly): one closure for the run, no wrapper per test.
 */
function predGroup(tests: Test[], rest: BodyFn | undefined): BodyFn {
  const n = tests.length;
  const { test: t0, where: w0, negated: n0, truthy: v0 } = tests[0]!;
  if (n === 1 && v0) {
    // A lone term test (`input.x`, `not input.x`): the term is read here, one call less.
    if (!rest) return (c, f, k) => {
      tick(c, w0);
      const x = v0(c, f);
      return (x !== undefined && x !== false) !== n0 ? k() : false;
    };
    return (c, f, k) => {
      tick(c, w0);
      const x = v0(c, f);
      return (x !== undefined && x !== false) !== n0 ? rest(c, f, k) : false;
    };
  }
  if (n === 1) {
    if (!rest) return (c, f, k) => (tick(c, w0), t0(c, f) !== n0 ? k() : false);
    return (c, f, k) => (tick(c, w0), t0(c, f) !== n0 ? rest(c, f, k) : false);
  }
  if (n === 2) {
    const { test: t1, where: w1, negated: n1 } = tests[1]!;
    return (c, f, k) => {
      tick(c, w0);
      if (t0(c, f) === n0) return false;
      tick(c, w1);
      if (t1(c, f) === n1) return false;
      return rest ? rest(c, f, k) : k();
    };
  }
  const ts = tests.map((t) => t.test);
  const ws = tests.map((t) => t.where);
  const ns = tests.map((t) => t.negated);
  return (c, f, k) => {
    for (let i = 0; i < n; i++) {
      tick(c, ws[i]!);
      if (ts[i]!(c, f) === ns[i]) return false;
    }
    return rest ? rest(c, f, k) : k();
  };
}

/** A `some x in coll` loop, built with the rest of its body (`undefined`: the loop ends the body). */
type Loop = (rest: BodyFn | undefined) => BodyFn;

/** An equality index for a `some x in coll` loop, and the values its keys are compared to. */
interface Join {
  index: JoinIndex;
  keys: ValFn[];
  /** The keys read only `input` and constants: one value per input, however often the loop runs. */
  invariant: boolean;
}

/** No input seen yet (`undefined` is a possible input). */
const NO_INPUT: unique symbol = Symbol('no input');

/**
 * `some x in coll` with an equality index: the keys are read once, then only the candidate
 * elements are bound (all of them when the collection is not indexed, or when coverage or a
 * `with` replacing a function must observe every test).
 */
function joinLoop(cv: ValFn, s: Slot, join: Join, where: string | undefined, rest: BodyFn = END): BodyFn {
  const { index, keys, invariant } = join;
  const n = keys.length;
  if (n <= 2) {
    const key0 = keys[0]!;
    const key1 = keys[1] ?? key0;
    // Invariant keys are read once per input (the loop usually runs inside another one).
    let seen: Value | undefined | typeof NO_INPUT = NO_INPUT;
    let x0: Value | undefined;
    let x1: Value | undefined;
    return (c, f, k) => {
      if (where !== undefined) tick(c, where);
      const coll = cv(c, f);
      if (coll === undefined) return false;
      if (c.coverage === undefined && c.fnOverrides === null) {
        if (!invariant || c.input !== seen) {
          x0 = key0(c, f);
          x1 = n === 1 ? x0 : key1(c, f);
          seen = invariant ? c.input : NO_INPUT;
        }
        if (x0 === undefined || x1 === undefined) return false;
        const hits = index.candidates2(coll, x0, x1);
        if (hits !== undefined) return bindThen(hits as Value[], c, f, s, rest, k);
      }
      return bindThen(coll, c, f, s, rest, k);
    };
  }
  return (c, f, k) => {
    if (where !== undefined) tick(c, where);
    const coll = cv(c, f);
    if (coll === undefined) return false;
    if (c.coverage === undefined && c.fnOverrides === null) {
      const ks: Value[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const x = keys[i]!(c, f);
        // Every test `x.path == undefined` fails: no element can pass.
        if (x === undefined) return false;
        ks[i] = x;
      }
      const hits = index.candidates(coll, ks);
      if (hits !== undefined) return bindThen(hits as Value[], c, f, s, rest, k);
    }
    return bindThen(coll, c, f, s, rest, k);
  };
}

/** A read of base data at one runtime key: the document holding the keys, and the key. */
interface KeyedBase {
  parent: ValFn;
  key: ValFn;
}

/** A collection of base data at a string key, and its equality index once it has one. */
interface KeyedEntry {
  coll: Value;
  /** The index; null when the collection is not indexable (scanned). */
  idx: Level | null;
}

/**
 * `some x in data.a[k]` with an equality index of one or two keys (`joinLoop`), where the
 * collection is base data at a string key: the site remembers, for the document holding the
 * keys, each key's collection with its index, so finding an element's candidates takes one
 * lookup of the key instead of the document's and then the index's. When the keys read only
 * input (the same for every element of an enclosing loop), the site also remembers, per value
 * of the index's first key, what that value finds in each document key's index: the loop
 * inside `some role in …` then costs one lookup per role. The document is immutable, so the
 * memos hold until another document is read there (new base data, or a `with` replacing it);
 * the first grows to at most the document's own keys, the second to `MAX_REMEMBERED` answers.
 */
function keyedJoinLoop(cv: ValFn, keyed: KeyedBase, s: Slot, join: Join, where: string | undefined, rest: BodyFn = END): BodyFn {
  const { index, keys, invariant } = join;
  const { parent, key } = keyed;
  const n = keys.length;
  const key0 = keys[0]!;
  const key1 = keys[1] ?? key0;
  let seen: Value | undefined | typeof NO_INPUT = NO_INPUT;
  let x0: Value | undefined;
  let x1: Value | undefined;
  let seenParent: Value | undefined;
  let memo = new Map<string, KeyedEntry>();
  /** First key → document key → what the first key finds in that key's index. */
  let byFirst = new Map<Value, Map<string, Level | Value[] | typeof ABSENT_KEY>>();
  /** `byFirst` at the current input's first key (undefined until needed). */
  let byKey: Map<string, Level | Value[] | typeof ABSENT_KEY> | undefined;
  /** `byFirst` was consulted for the current input. */
  let looked = false;
  let remembered = 0;
  return (c, f, k) => {
    if (where !== undefined) tick(c, where);
    if (c.coverage !== undefined || c.fnOverrides !== null) {
      const coll = cv(c, f);
      return coll === undefined ? false : bindThen(coll, c, f, s, rest, k);
    }
    const kx = key(c, f);
    if (kx === undefined) return false;
    const b = parent(c, f);
    if (typeof kx !== 'string' || !(b instanceof ObjectValue)) {
      const coll = b === undefined ? undefined : indexFrom(b, [kx], 0);
      return coll === undefined ? false : bindThen(coll, c, f, s, rest, k);
    }
    if (b !== seenParent) {
      seenParent = b;
      memo = new Map();
      byFirst = new Map();
      byKey = undefined;
      looked = false;
      remembered = 0;
    }
    if (!invariant || c.input !== seen) {
      x0 = key0(c, f);
      x1 = n === 1 ? x0 : key1(c, f);
      seen = invariant ? c.input : NO_INPUT;
      byKey = undefined;
      looked = false;
    }
    // Every test `x.path == undefined` fails: no element can pass.
    if (x0 === undefined || x1 === undefined) return false;
    // Keys that stay the same for the input: what the first key finds in each document key's
    // index, remembered for that first key (one lookup per document key).
    if (invariant && byKey === undefined && byFirst.size > 0 && !looked) {
      // (Entries exist only once an index was built, which fixed the order of its levels.)
      byKey = byFirst.get(index.firstKey(x0, x1));
      looked = true;
    }
    if (byKey !== undefined) {
      const next = byKey.get(kx);
      if (next === ABSENT_KEY) return false;
      if (next !== undefined) {
        const hits = index.below(next, x0, x1);
        if (hits !== undefined) return bindThen(hits as Value[], c, f, s, rest, k);
      }
    }
    let e = memo.get(kx);
    if (e === undefined) {
      const coll = b.getStr(kx);
      if (coll === undefined) return false;
      const idx = index.levels(coll);
      // Not indexed yet: scan it (the index counts the meeting).
      if (idx === undefined) return bindThen(coll, c, f, s, rest, k);
      memo.set(kx, (e = { coll, idx }));
    }
    if (e.idx === null) return bindThen(e.coll, c, f, s, rest, k);
    if (invariant && remembered < MAX_REMEMBERED) {
      const fk = index.firstKey(x0, x1);
      if (JoinIndex.keyable(fk)) {
        if (byKey === undefined) {
          byKey = byFirst.get(fk);
          if (byKey === undefined) byFirst.set(fk, (byKey = new Map()));
        }
        byKey.set(kx, (e.idx.get(fk) as Level | Value[] | undefined) ?? ABSENT_KEY);
        remembered++;
      }
    }
    const hits = index.lookup2(e.idx, x0, x1);
    return bindThen(hits === undefined ? e.coll : (hits as Value[]), c, f, s, rest, k);
  };
}

/** A document key whose collection has no element with the first key (keyedJoinLoop). */
const ABSENT_KEY: unique symbol = Symbol('absent key');
/** How many (first key, document key) answers a keyed join site remembers at most. */
const MAX_REMEMBERED = 100_000;

/** `x.a.b == e` / `e == x.a.b` / `x = e` …: the constant path below slot `s` and the other side. */
function elementEquality(e: IExpr, s: Slot): { path: string[]; other: ITerm } | undefined {
  if (e.negated || e.with.length > 0) return undefined;
  let a: ITerm | undefined;
  let b: ITerm | undefined;
  const x = e.e;
  if (x.k === 'unify') {
    a = x.a;
    b = x.b;
  } else if (x.k === 'term' && x.term.k === 'call' && x.term.fn.kind === 'builtin' && x.term.fn.name === 'equal' && x.term.args.length === 2) {
    a = x.term.args[0];
    b = x.term.args[1];
  }
  if (!a || !b) return undefined;
  const pa = elementPath(a, s);
  if (pa) return { path: pa, other: b };
  const pb = elementPath(b, s);
  return pb ? { path: pb, other: a } : undefined;
}

function elementPath(t: ITerm, s: Slot): string[] | undefined {
  if (t.k === 'var') return t.slot === s ? [] : undefined;
  if (t.k !== 'ref' || t.head.k !== 'var' || t.head.slot !== s) return undefined;
  const out: string[] = [];
  for (const p of t.path) {
    if (p.k !== 'const' || typeof p.v !== 'string') return undefined;
    out.push(p.v);
  }
  return out;
}

/** A constant, a variable, or `input`/a variable read at constant or variable keys: reading it cannot fail loudly. */
function plainRead(t: ITerm): boolean {
  if (t.k === 'const' || t.k === 'var' || t.k === 'input') return true;
  return t.k === 'ref' && (t.head.k === 'input' || t.head.k === 'var') && t.path.every((p) => p.k === 'const' || p.k === 'var');
}
