/**
 * One `evalX` per body construct. The planner (compiler/plan.ts) decides at compile time
 * which construct an expression is and which slots it binds; these functions execute that
 * decision. All are in continuation-passing style (see types.ts): `k` is called once per
 * solution and returns true to stop.
 */
import { ObjectValue, SetValue, equals, type Value } from '../value.ts';
import { RegoError } from '../compiler/errors.ts';
import type { Location } from '../ast/nodes.ts';
import type { EvalContext } from './context.ts';
import type { BodyFn, Frame, IterFn, K, MatchFn, ValFn } from './types.ts';
import { iterate } from './refs.ts';
import { restoreState, saveState } from './with.ts';

const STOP: K = () => true;

/** `not expr`: succeeds (once) when `inner` has no solution. */
export function evalNot(c: EvalContext, f: Frame, inner: BodyFn, k: K): boolean {
  return inner(c, f, STOP) ? false : k();
}

/** `every k, v in domain { body }`: every element satisfies the body; non-collections fail. */
export function evalEvery(c: EvalContext, f: Frame, domain: IterFn, keySlot: number | undefined, valueSlot: number, body: BodyFn, k: K): boolean {
  return domain(c, f, (d) => {
    if (d === null || typeof d !== 'object') return false;
    let ok = true;
    iterate(d, (key, val) => {
      if (keySlot !== undefined) f[keySlot] = key;
      f[valueSlot] = val;
      const found = body(c, f, STOP);
      if (keySlot !== undefined) f[keySlot] = undefined;
      f[valueSlot] = undefined;
      if (!found) ok = false;
      return !ok;
    });
    return ok ? k() : false;
  });
}

/** `some k, v in coll`: matches each element (key and value patterns) in turn. */
export function evalSomeIn(c: EvalContext, f: Frame, coll: IterFn, key: MatchFn | undefined, value: MatchFn, k: K): boolean {
  if (key) return coll(c, f, (cv) => iterate(cv, (kx, vx) => key(c, f, kx, () => value(c, f, vx, k))));
  return coll(c, f, (cv) => iterate(cv, (_kx, vx) => value(c, f, vx, k)));
}

/** `a and b`, `a or b`, `not { … }` bodies: all (or any) of the bodies have a solution. */
export function evalLogical(c: EvalContext, f: Frame, bodies: BodyFn[], all: boolean, k: K): boolean {
  for (const body of bodies) {
    const found = body(c, f, STOP);
    if (all && !found) return false;
    if (!all && found) return k();
  }
  return all ? k() : false;
}

/** `[head | body]`. */
export function evalArrayComprehension(c: EvalContext, f: Frame, body: BodyFn, head: ValFn): Value[] {
  const out: Value[] = [];
  body(c, f, () => {
    const v = head(c, f);
    if (v !== undefined) {
      out.push(v);
      c.produced(1);
    }
    return false;
  });
  return out;
}

/** `{head | body}`. */
export function evalSetComprehension(c: EvalContext, f: Frame, body: BodyFn, head: ValFn): SetValue {
  const out = new SetValue();
  body(c, f, () => {
    const v = head(c, f);
    if (v !== undefined) {
      out.add(v);
      c.produced(1);
    }
    return false;
  });
  return out;
}

/** `{key: value | body}`; two different values for one key are a conflict. */
export function evalObjectComprehension(c: EvalContext, f: Frame, body: BodyFn, key: ValFn, value: ValFn, loc: Location): ObjectValue {
  const out = new ObjectValue();
  body(c, f, () => {
    const kx = key(c, f);
    const vx = value(c, f);
    if (kx === undefined || vx === undefined) return false;
    const prev = out.get(kx);
    if (prev !== undefined && !equals(prev, vx)) throw new RegoError('eval_conflict_error', 'object keys must be unique', loc);
    out.set(kx, vx);
    c.produced(1);
    return false;
  });
  return out;
}

/** Installs one `with` modifier on the context; false when its value is undefined. */
export type WithApplier = (c: EvalContext, f: Frame) => boolean;

/**
 * `expr with … as …`: install the modifiers (values evaluated in the outer state), run the
 * expression with fresh rule caches, and run the continuation — the rest of the body —
 * with the outer state restored, re-installing the modifiers when the expression resumes.
 */
export function evalWith(c: EvalContext, f: Frame, appliers: WithApplier[], inner: BodyFn, k: K): boolean {
  const saved = saveState(c);
  for (const a of appliers) {
    if (!a(c, f)) {
      restoreState(c, saved);
      return false;
    }
  }
  c.cache = [];
  const inside = saveState(c);
  try {
    return inner(c, f, () => {
      restoreState(c, saved);
      try {
        return k();
      } finally {
        restoreState(c, inside);
      }
    });
  } finally {
    restoreState(c, saved);
  }
}
