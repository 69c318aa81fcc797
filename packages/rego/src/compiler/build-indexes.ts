/**
 * Stage `build-indexes`: OPA-style rule indexing. For a rule group with several definitions,
 * finds an `input` path that many definitions compare to a constant (`input.method == "GET"`,
 * `input.kind = "Pod"`, `input.verb in {"get", "list"}`) and builds a map from each
 * constant to the definitions that can match it, so evaluation reads the input value once and skips every definition whose
 * constant differs. Definitions without such a comparison (or with `else`) always run.
 */
import { valueKey, type Value } from '../value.ts';
import type { IExpr, ITerm } from './ir.ts';
import type { DefPlan, IndexPlan, RuleTree } from '../eval/types.ts';
import { ObjectValue, SetValue } from '../value.ts';

function inputPath(t: ITerm): string[] | undefined {
  if (t.k !== 'ref' || t.head.k !== 'input') return undefined;
  const out: string[] = [];
  for (const p of t.path) {
    if (p.k !== 'const' || typeof p.v !== 'string') return undefined;
    out.push(p.v);
  }
  return out;
}

function scalar(t: ITerm): Value | undefined {
  if (t.k !== 'const') return undefined;
  const v = t.v;
  return v === null || typeof v !== 'object' ? v : undefined;
}

/** `input.a.b == const` / `input.a.b = const` (either side) / `input.a.b in {consts}` at the top of a body. */
function equality(e: IExpr): { path: string[]; values: Value[] } | undefined {
  if (e.negated || e.with.length > 0) return undefined;
  if (e.e.k === 'term' && e.e.term.k === 'call' && e.e.term.fn.name === 'internal.member_2' && e.e.term.args.length === 2) {
    const [x, coll] = e.e.term.args as [ITerm, ITerm];
    const p = inputPath(x);
    if (p && coll.k === 'const') {
      const c = coll.v;
      const items = Array.isArray(c) ? c : c instanceof SetValue ? [...c] : undefined;
      if (items && items.length > 0 && items.every((v) => v === null || typeof v !== 'object')) return { path: p, values: items };
    }
    return undefined;
  }
  let a: ITerm | undefined;
  let b: ITerm | undefined;
  if (e.e.k === 'unify') {
    a = e.e.a;
    b = e.e.b;
  } else if (e.e.k === 'term' && e.e.term.k === 'call' && e.e.term.fn.name === 'equal' && e.e.term.args.length === 2) {
    a = e.e.term.args[0];
    b = e.e.term.args[1];
  }
  if (!a || !b) return undefined;
  const pa = inputPath(a);
  const vb = scalar(b);
  if (pa && vb !== undefined) return { path: pa, values: [vb] };
  const pb = inputPath(b);
  const va = scalar(a);
  if (pb && va !== undefined) return { path: pb, values: [va] };
  return undefined;
}

export function buildIndexes(tree: RuleTree): void {
  for (const g of tree.groups) {
    const plan = g.plan;
    if (!plan || g.kind === 'function' || plan.defs.length < 2) continue;
    const perDef = plan.defs.map((d) => {
      // path → the value keys this definition can match on that path.
      const m = new Map<string, Set<string>>();
      if (!d.else) for (const e of d.rule.body.exprs) {
        const eq = equality(e);
        if (eq && !m.has(eq.path.join('\u0000'))) m.set(eq.path.join('\u0000'), new Set(eq.values.map(valueKey)));
      }
      return m;
    });
    const counts = new Map<string, number>();
    for (const m of perDef) for (const k of m.keys()) counts.set(k, (counts.get(k) ?? 0) + 1);
    let best: string | undefined;
    let bestN = 1;
    for (const [k, n] of counts) {
      if (n > bestN) {
        best = k;
        bestN = n;
      }
    }
    if (best === undefined) continue;
    const path = best.split('\u0000');
    const always: DefPlan[] = [];

    const byKey = new Map<string, DefPlan[]>();
    plan.defs.forEach((d, i) => {
      const vs = perDef[i]!.get(best!);
      if (vs === undefined) always.push(d);
      else for (const key of vs) if (!byKey.has(key)) byKey.set(key, []);
    });
    // Each value's candidates: its own definitions plus the unconstrained ones, in order.
    const byValue = new Map<string, DefPlan[]>();
    for (const key of byKey.keys()) {
      byValue.set(
        key,
        plan.defs.filter((_d, i) => {
          const vs = perDef[i]!.get(best!);
          return vs === undefined || vs.has(key);
        }),
      );
    }
    const order = new Map(plan.defs.map((d, i) => [d, i] as [DefPlan, number]));
    const index: IndexPlan = {
      lookup: (c) => {
        let v: Value | undefined = c.input;
        for (const seg of path) {
          if (!(v instanceof ObjectValue)) return undefined;
          v = v.getStr(seg);
        }
        // Composite values never equal a scalar constant: only always-run definitions apply.
        return v;
      },
      byValue,
      always,
      order,
    };
    plan.index = index;
  }
}
