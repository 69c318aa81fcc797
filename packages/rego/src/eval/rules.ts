/**
 * Evaluating rules: one `evalX` per kind of rule group (complete, partial set, partial
 * object, function), with OPA's conflict errors, `default` and `else`, early exit for groups
 * whose definitions all produce the same constant, and rule-index candidate selection.
 * Group values are cached per `with` scope (EvalContext.cache).
 */
import { ObjectValue, SetValue, equals, isObject, isSet, valueKey, type Value } from '../value.ts';
import { RegoError } from '../compiler/errors.ts';
import { UNDEFINED_RULE, type EvalContext } from './context.ts';
import type { DefPlan, Frame, GroupPlan, K, RuleGroup } from './types.ts';

const COMPLETE_CONFLICT = 'complete rules must not produce multiple outputs';
const FUNCTION_CONFLICT = 'functions must not produce multiple outputs for same inputs';
const OBJECT_CONFLICT = 'object keys must be unique';
/** The frame of a definition without variables (never written). */
const NO_SLOTS: Frame = [];
const NO_ELEM: { value: Value; key: string } = { value: null, key: '' };

/** The value of a (non-function) rule group, computed once per `with` scope. */
export function groupValue(c: EvalContext, g: RuleGroup): Value | undefined {
  const cache = c.cache;
  const hit = cache[g.id];
  if (hit !== undefined) return hit === UNDEFINED_RULE ? undefined : hit;
  const plan = g.plan!;
  let v: Value | undefined;
  c.enter();
  try {
    switch (g.kind) {
      case 'complete':
        v = evalComplete(c, plan);
        break;
      case 'set':
      case 'object':
        v = evalPartial(c, plan);
        break;
      case 'function':
        v = undefined;
        break;
    }
  } finally {
    c.depth--;
  }
  cache[g.id] = v === undefined ? UNDEFINED_RULE : v;
  return v;
}

/** Candidate definitions: all of them, or those the rule index selects for this input. */
function candidates(c: EvalContext, plan: GroupPlan): DefPlan[] {
  const idx = plan.index;
  if (!idx) return plan.defs;
  const v = idx.lookup(c, []);
  if (v === undefined) return idx.always;
  return idx.byValue.get(valueKey(v)) ?? idx.always;
}

function evalDefValue(c: EvalContext, d: DefPlan, f: Frame, conflict: string): Value | undefined {
  let result: Value | undefined;
  const valueFn = d.value!;
  // No try/finally: an exception aborts the whole evaluation, so the context is never reused.
  const outer = c.currentRule;
  c.currentRule = d.rule;
  if (d.constValue) {
    // The first solution decides (no conflict is possible): the context's continuation
    // notes it, so no closure is made per evaluation. Its counter is saved and restored, as
    // the body may evaluate other rules.
    const saved = c.solutions;
    c.solutions = 0;
    d.body(c, f, c.firstSolution);
    const found = c.solutions !== 0;
    c.solutions = saved;
    c.currentRule = outer;
    if (found) return valueFn(c, f);
    return d.else ? evalDefValue(c, d.else, f, conflict) : undefined;
  }
  d.body(c, f, () => {
    const v = valueFn(c, f);
    if (v === undefined) return false;
    if (result === undefined) result = v;
    else if (!equals(result, v)) throw new RegoError('eval_conflict_error', conflict, d.rule.loc);
    return d.constValue;
  });
  c.currentRule = outer;
  if (result === undefined && d.else) return evalDefValue(c, d.else, f, conflict);
  return result;
}

function evalComplete(c: EvalContext, plan: GroupPlan): Value | undefined {
  let result: Value | undefined;
  for (const d of candidates(c, plan)) {
    const v = evalDefValue(c, d, d.nslots === 0 ? NO_SLOTS : new Array(d.nslots), COMPLETE_CONFLICT);
    if (v === undefined) continue;
    if (result !== undefined && !equals(result, v)) {
      throw new RegoError('eval_conflict_error', COMPLETE_CONFLICT, d.rule.loc);
    }
    result = v;
    if (plan.earlyExit) break;
  }
  if (result === undefined && plan.default) {
    // A constant default needs no evaluation (unless coverage records its line).
    if (plan.defaultConst !== undefined && !c.coverage) return plan.defaultConst;
    result = evalDefValue(c, plan.default, plan.default.nslots === 0 ? NO_SLOTS : new Array(plan.default.nslots), COMPLETE_CONFLICT);
  }
  return result;
}

/**
 * A partial set of constant elements (`GroupPlan.constSet`): each definition's body is run for
 * all its solutions as usual, and the set is built afterwards, already in Rego order.
 */
function evalConstSet(c: EvalContext, plan: GroupPlan, cs: NonNullable<GroupPlan['constSet']>): Value | undefined {
  let hits = 0;
  // The context's counter: saved and restored, since a body may evaluate another such set.
  const saved = c.solutions;
  const count = c.countSolution;
  const outer = c.currentRule;
  const defs = candidates(c, plan);
  for (let i = 0; i < defs.length; i++) {
    const d = defs[i]!;
    c.currentRule = d.rule;
    c.solutions = 0;
    d.body(c, d.nslots === 0 ? NO_SLOTS : new Array(d.nslots), count);
    if (c.solutions !== 0) hits |= 1 << d.constPos!;
  }
  c.solutions = saved;
  c.currentRule = outer;
  if (hits === 0 && plan.default) return evalDefValue(c, plan.default, new Array(plan.default.nslots), COMPLETE_CONFLICT);
  // Sets are immutable: the same elements give the same set, made once (for the first six
  // elements' combinations).
  const made = hits < 64 ? cs.made[hits] : undefined;
  if (made !== undefined) return made;
  const keys: string[] = [];
  const values: Value[] = [];
  for (let p = 0, h = hits; h !== 0; p++, h >>>= 1) {
    if (h & 1) {
      keys.push(cs.keys[p]!);
      values.push(cs.values[p]!);
    }
  }
  const root = SetValue.ordered(keys, values);
  root.structural = true;
  if (hits < 64) cs.made[hits] = root;
  return root;
}

/** Partial set and object rules (including ref heads with variables: nested objects). */
function evalPartial(c: EvalContext, plan: GroupPlan): Value | undefined {
  if (plan.constSet) return evalConstSet(c, plan, plan.constSet);
  const isSetKind = plan.group.kind === 'set';
  let root: SetValue | ObjectValue | undefined;
  // `p contains "msg" if …`: the element and its key are known at compile time; one
  // continuation serves every such definition (it reads the current one's element).
  let ce = NO_ELEM;
  const addConst = continuation(() => {
    c.produced(1);
    if (!root) (root = new SetValue()).structural = true;
    (root as SetValue).addKeyed(ce.key, ce.value);
    return false;
  });
  const outer = c.currentRule;
  for (const d of candidates(c, plan)) {
    const f: Frame = d.nslots === 0 ? NO_SLOTS : new Array(d.nslots);
    c.currentRule = d.rule;
    const nkeys = d.keys.length;
    if (isSetKind && d.constElem) {
      ce = d.constElem;
      d.body(c, f, addConst);
      continue;
    }
    d.body(c, f, () => {
      let leaf: Value | undefined;
      if (isSetKind) leaf = d.elem!(c, f);
      else leaf = d.value!(c, f);
      if (leaf === undefined) return false;
      if (isSetKind && nkeys === 0) {
        c.produced(1);
        if (!root) (root = new SetValue()).structural = true;
        (root as SetValue).add(leaf);
        return false;
      }
      const keys: Value[] = new Array(nkeys);
      for (let i = 0; i < nkeys; i++) {
        const kv = d.keys[i]!(c, f);
        if (kv === undefined) return false;
        keys[i] = kv;
      }
      c.produced(1);
      if (!root) (root = new ObjectValue()).structural = true;
      insertAt(root as ObjectValue, keys, leaf, isSetKind, d);
      return false;
    });
  }
  c.currentRule = outer;
  if (root === undefined) {
    if (plan.default) return evalDefValue(c, plan.default, new Array(plan.default.nslots), COMPLETE_CONFLICT);
    const empty = isSetKind && plan.defs[0]?.keys.length === 0 ? new SetValue() : new ObjectValue();
    empty.structural = true;
    return empty;
  }
  return root;
}

function insertAt(root: ObjectValue, keys: Value[], leaf: Value, isSetKind: boolean, d: DefPlan): void {
  let obj = root;
  const last = keys.length - 1;
  for (let i = 0; i < last; i++) {
    let next = obj.get(keys[i]!);
    if (!isObject(next)) {
      next = new ObjectValue();
      next.structural = true;
      obj.set(keys[i]!, next);
    }
    obj = next;
  }
  const k = keys[last]!;
  if (isSetKind) {
    let s = obj.get(k);
    if (!isSet(s)) {
      s = new SetValue();
      s.structural = true;
      obj.set(k, s);
    }
    s.add(leaf);
    return;
  }
  const prev = obj.get(k);
  if (prev !== undefined && !equals(prev, leaf)) throw new RegoError('eval_conflict_error', OBJECT_CONFLICT, d.rule.loc);
  obj.set(k, leaf);
}

/** Call a user function with argument values. */
export function callFunction(c: EvalContext, g: RuleGroup, args: Value[]): Value | undefined {
  const plan = g.plan!;
  let result: Value | undefined;
  c.enter();
  try {
    for (const d of plan.defs) {
      const v = applyDef(c, d, args);
      if (v === undefined) continue;
      if (result !== undefined && !equals(result, v)) throw new RegoError('eval_conflict_error', FUNCTION_CONFLICT, d.rule.loc);
      result = v;
    }
    if (result === undefined && plan.default) result = applyDef(c, plan.default, args);
  } finally {
    c.depth--;
  }
  return result;
}

function applyDef(c: EvalContext, d: DefPlan, args: Value[]): Value | undefined {
  const f: Frame = new Array(d.nslots);
  if (args.length !== d.args.length) return undefined;
  const cell: { out: Value | undefined } = { out: undefined };
  matchArgs(c, d, f, args, 0, cell);
  return cell.out;
}

/** Match argument `i` onward against the definition's patterns, then evaluate its value. */
function matchArgs(c: EvalContext, d: DefPlan, f: Frame, args: Value[], i: number, cell: { out: Value | undefined }): boolean {
  if (i === args.length) {
    cell.out = evalDefValue(c, d, f, FUNCTION_CONFLICT);
    return true;
  }
  return d.args[i]!(c, f, args[i]!, () => matchArgs(c, d, f, args, i + 1, cell));
}

/**
 * A continuation built inline, returned without being bound to a local name: tsx/esbuild's
 * keepNames would otherwise define a `name` property on the closure at every evaluation.
 */
function continuation(k: K): K {
  return k;
}
