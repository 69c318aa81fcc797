/**
 * Stage `check-safety`: reorders every body so that each expression runs only once the
 * variables it reads are bound (OPA's `reorderBodyForSafety`), and reports the variables no
 * ordering can bind as `rego_unsafe_var_error: var x is unsafe`. The order chosen keeps the
 * written order wherever it is already safe. Doing this at compile time means the evaluator
 * never has to check whether an operand is bound: the planner knows it statically.
 */
import type { ErrorList } from './errors.ts';
import type { IBody, IExpr, IQuery, IRule, ITerm, Slot } from './ir.ts';
import { exprOutputs, exprVars, nestedBodies, patternVars, refOutputs, termVars } from './vars.ts';

/** Reorder `body` given the slots bound on entry; returns the slots bound on exit. */
export function reorderBody(body: IBody, safe0: Set<Slot>, names: string[], errors: ErrorList): Set<Slot> {
  const safe = new Set(safe0);
  const remaining = [...body.exprs];
  const ordered: IExpr[] = [];
  while (remaining.length > 0) {
    let picked = -1;
    for (let i = 0; i < remaining.length; i++) {
      const e = remaining[i]!;
      const out = exprOutputs(e, safe);
      const need = exprVars(e, new Set());
      let ok = true;
      for (const v of need) {
        if (!safe.has(v) && !out.has(v)) {
          ok = false;
          break;
        }
      }
      if (ok) {
        picked = i;
        for (const v of out) safe.add(v);
        break;
      }
    }
    if (picked < 0) {
      // Report each unsafe variable once, at its first expression.
      const reported = new Set<Slot>();
      for (const e of remaining) {
        const out = exprOutputs(e, safe);
        for (const v of exprVars(e, new Set())) {
          if (!safe.has(v) && !out.has(v) && !reported.has(v) && names[v] !== '_') {
            reported.add(v);
            errors.add('rego_unsafe_var_error', `var ${names[v] ?? '?'} is unsafe`, e.loc);
          }
        }
      }
      if (reported.size === 0) errors.add('rego_unsafe_var_error', 'var _ is unsafe', remaining[0]!.loc);
      ordered.push(...remaining);
      break;
    }
    const e = remaining.splice(picked, 1)[0]!;
    ordered.push(e);
    // Nested closures see everything bound so far.
    for (const nb of nestedBodies(e)) {
      const inner = new Set(safe);
      if (e.e.k === 'every' && nb.body === e.e.body) {
        if (e.e.key) patternVars(e.e.key, inner);
        patternVars(e.e.value, inner);
      }
      const after = reorderBody(nb.body, inner, names, errors);
      checkHead(nb.extra, after, names, errors);
    }
  }
  body.exprs = ordered;
  return safe;
}

function checkHead(terms: ITerm[], safe0: Set<Slot>, names: string[], errors: ErrorList): void {
  const reported = new Set<Slot>();
  const safe = new Set(safe0);
  for (const t of terms) refOutputs(t, safe, safe);
  for (const t of terms) {
    for (const v of termVars(t, new Set())) {
      if (!safe.has(v) && !reported.has(v)) {
        reported.add(v);
        errors.add('rego_unsafe_var_error', `var ${names[v] ?? '?'} is unsafe`, t.loc);
      }
    }
  }
}

export function checkSafety(rules: IRule[], errors: ErrorList): void {
  for (const r of rules) {
    const argSafe = new Set<Slot>();
    for (const a of r.args ?? []) termVars(a, argSafe);
    for (let e: IRule | undefined = r; e; e = e.else) {
      const after = reorderBody(e.body, argSafe, e.slotNames, errors);
      const head: ITerm[] = [...e.keys];
      if (e.elem) head.push(e.elem);
      if (e.value) head.push(e.value);
      checkHead(head, after, e.slotNames, errors);
    }
  }
}

export function checkQuerySafety(q: IQuery, errors: ErrorList): void {
  reorderBody(q.body, new Set(), q.slotNames, errors);
}
