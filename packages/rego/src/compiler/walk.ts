/**
 * Generic visitors over the IR, for stages that only need to look at every term or
 * expression (recursion, types, indexing).
 */
import type { IBody, IExpr, IRule, ITerm } from './ir.ts';

export function visitTerm(t: ITerm, f: (t: ITerm) => void): void {
  f(t);
  switch (t.k) {
    case 'ref':
      visitTerm(t.head, f);
      t.path.forEach((p) => visitTerm(p, f));
      break;
    case 'array':
    case 'set':
      t.items.forEach((x) => visitTerm(x, f));
      break;
    case 'object':
      t.items.forEach(([a, b]) => (visitTerm(a, f), visitTerm(b, f)));
      break;
    case 'arrayc':
    case 'setc':
      visitBody(t.body, f);
      visitTerm(t.head, f);
      break;
    case 'objectc':
      visitBody(t.body, f);
      visitTerm(t.key, f);
      visitTerm(t.value, f);
      break;
    case 'call':
      t.args.forEach((a) => visitTerm(a, f));
      break;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') visitExpr(p, f);
      break;
    default:
      break;
  }
}

export function visitExpr(e: IExpr, f: (t: ITerm) => void): void {
  const b = e.e;
  switch (b.k) {
    case 'term':
      visitTerm(b.term, f);
      break;
    case 'unify':
      visitTerm(b.a, f);
      visitTerm(b.b, f);
      break;
    case 'somein':
      if (b.key) visitTerm(b.key, f);
      visitTerm(b.value, f);
      visitTerm(b.coll, f);
      break;
    case 'every':
      if (b.key) visitTerm(b.key, f);
      visitTerm(b.value, f);
      visitTerm(b.domain, f);
      visitBody(b.body, f);
      break;
    case 'sub':
      b.bodies.forEach((x) => visitBody(x, f));
      break;
    case 'noop':
      break;
  }
  for (const w of e.with) if (!w.fnValue) visitTerm(w.value, f);
}

export function visitBody(b: IBody, f: (t: ITerm) => void): void {
  b.exprs.forEach((e) => visitExpr(e, f));
}

/** Every term of a rule: args, body, head (and its else chain). */
export function visitRule(r: IRule, f: (t: ITerm) => void): void {
  for (let e: IRule | undefined = r; e; e = e.else) {
    (e.args ?? []).forEach((a) => visitTerm(a, f));
    visitBody(e.body, f);
    e.keys.forEach((k) => visitTerm(k, f));
    if (e.elem) visitTerm(e.elem, f);
    if (e.value) visitTerm(e.value, f);
  }
}
