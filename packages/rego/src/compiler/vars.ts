/**
 * Variable analysis over the IR, shared by the safety check and the planner: which slots a
 * term mentions, which it can bind by pattern matching, and which a ref can bind by iteration.
 */
import type { IBody, IExpr, ITerm, Slot } from './ir.ts';

/** Every slot `t` reads or binds, including the captures of nested closures. */
export function termVars(t: ITerm, out: Set<Slot>): Set<Slot> {
  switch (t.k) {
    case 'var':
      out.add(t.slot);
      break;
    case 'ref':
      termVars(t.head, out);
      for (const p of t.path) termVars(p, out);
      break;
    case 'array':
    case 'set':
      for (const x of t.items) termVars(x, out);
      break;
    case 'object':
      for (const [a, b] of t.items) {
        termVars(a, out);
        termVars(b, out);
      }
      break;
    case 'arrayc':
    case 'setc':
    case 'objectc':
      for (const s of t.body.captures) out.add(s);
      break;
    case 'call':
      for (const a of t.args) termVars(a, out);
      break;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') exprVars(p, out);
      break;
    default:
      break;
  }
  return out;
}

/** Every slot an expression mentions (with-values included; closure captures only). */
export function exprVars(e: IExpr, out: Set<Slot>): Set<Slot> {
  const b = e.e;
  switch (b.k) {
    case 'term':
      termVars(b.term, out);
      break;
    case 'unify':
      termVars(b.a, out);
      termVars(b.b, out);
      break;
    case 'somein':
      if (b.key) termVars(b.key, out);
      termVars(b.value, out);
      termVars(b.coll, out);
      break;
    case 'every':
      termVars(b.domain, out);
      for (const s of b.body.captures) out.add(s);
      break;
    case 'sub':
      for (const body of b.bodies) for (const s of body.captures) out.add(s);
      break;
    case 'noop':
      break;
  }
  for (const w of e.with) termVars(w.value, out);
  return out;
}

/** Slots a term binds when matched against a value (vars, array items, object values). */
export function patternVars(t: ITerm, out: Set<Slot>): Set<Slot> {
  if (t.k === 'var') out.add(t.slot);
  else if (t.k === 'array') for (const x of t.items) patternVars(x, out);
  else if (t.k === 'object') for (const [, v] of t.items) patternVars(v, out);
  return out;
}

/** Slots bound by iterating refs inside `t` (not inside closures or call arguments). */
export function refOutputs(t: ITerm, safe: Set<Slot>, out: Set<Slot>): void {
  switch (t.k) {
    case 'ref': {
      const headVars = termVars(t.head, new Set());
      for (const v of headVars) if (!safe.has(v) && !out.has(v)) return;
      refOutputs(t.head, safe, out);
      for (const p of t.path) {
        if (p.k === 'var') {
          if (!safe.has(p.slot)) out.add(p.slot);
        } else if (p.k === 'array' || p.k === 'object') {
          // Composite keys are matched as patterns against the collection's keys.
          const pv = patternVars(p, new Set());
          for (const v of pv) if (!safe.has(v)) out.add(v);
        } else refOutputs(p, safe, out);
      }
      break;
    }
    case 'array':
    case 'set':
      for (const x of t.items) refOutputs(x, safe, out);
      break;
    case 'object':
      for (const [a, b] of t.items) {
        refOutputs(a, safe, out);
        refOutputs(b, safe, out);
      }
      break;
    case 'call':
      for (const a of t.args) refOutputs(a, safe, out);
      break;
    default:
      break;
  }
}

function subset(a: Set<Slot>, s1: Set<Slot>, s2: Set<Slot>): boolean {
  for (const v of a) if (!s1.has(v) && !s2.has(v)) return false;
  return true;
}

/** Unifier outputs: the slots `a = b` binds given the bound set. */
function unifyOutputs(a: ITerm, b: ITerm, safe: Set<Slot>, out: Set<Slot>): void {
  if (a.k === 'array' && b.k === 'array' && a.items.length === b.items.length) {
    for (let i = 0; i < a.items.length; i++) unifyOutputs(a.items[i]!, b.items[i]!, safe, out);
    return;
  }
  if (a.k === 'object' && b.k === 'object' && a.items.length === b.items.length) {
    for (let i = 0; i < a.items.length; i++) unifyOutputs(a.items[i]![1], b.items[i]![1], safe, out);
    return;
  }
  if (subset(termVars(b, new Set()), safe, out)) patternVars(a, out);
  if (subset(termVars(a, new Set()), safe, out)) patternVars(b, out);
}

/** The slots an expression binds, given those bound before it (iterated to a fixpoint). */
export function exprOutputs(e: IExpr, safe: Set<Slot>): Set<Slot> {
  const out = new Set<Slot>();
  if (e.negated) return out;
  const b = e.e;
  for (let round = 0; round < 8; round++) {
    const before = out.size;
    switch (b.k) {
      case 'term':
        refOutputs(b.term, safe, out);
        break;
      case 'unify':
        refOutputs(b.a, safe, out);
        refOutputs(b.b, safe, out);
        unifyOutputs(b.a, b.b, safe, out);
        break;
      case 'somein':
        refOutputs(b.coll, safe, out);
        if (subset(termVars(b.coll, new Set()), safe, out)) {
          if (b.key) patternVars(b.key, out);
          patternVars(b.value, out);
        }
        break;
      default:
        break;
    }
    if (out.size === before) break;
  }
  for (const s of safe) out.delete(s);
  return out;
}

/** All nested bodies of a term/expression (comprehensions), for recursive processing. */
export function nestedBodies(e: IExpr): { body: IBody; extra: ITerm[] }[] {
  const out: { body: IBody; extra: ITerm[] }[] = [];
  const visit = (t: ITerm): void => {
    switch (t.k) {
      case 'ref':
        visit(t.head);
        t.path.forEach(visit);
        break;
      case 'array':
      case 'set':
        t.items.forEach(visit);
        break;
      case 'object':
        t.items.forEach(([a, b]) => {
          visit(a);
          visit(b);
        });
        break;
      case 'arrayc':
      case 'setc':
        out.push({ body: t.body, extra: [t.head] });
        break;
      case 'objectc':
        out.push({ body: t.body, extra: [t.key, t.value] });
        break;
      case 'call':
        t.args.forEach(visit);
        break;
      case 'template':
        for (const p of t.parts) if (typeof p !== 'string') visitExpr(p);
        break;
      default:
        break;
    }
  };
  const visitExpr = (x: IExpr): void => {
    const b = x.e;
    if (b.k === 'term') visit(b.term);
    else if (b.k === 'unify') {
      visit(b.a);
      visit(b.b);
    } else if (b.k === 'somein') {
      if (b.key) visit(b.key);
      visit(b.value);
      visit(b.coll);
    } else if (b.k === 'every') {
      visit(b.domain);
      out.push({ body: b.body, extra: [] });
    } else if (b.k === 'sub') {
      for (const body of b.bodies) out.push({ body, extra: [] });
    }
    for (const w of x.with) visit(w.value);
  };
  visitExpr(e);
  return out;
}
