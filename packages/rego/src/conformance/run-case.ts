/**
 * Running one conformance case with OPA's harness rules: modules compiled as v1, `input` or
 * `input_term` (a Rego term, parsed not evaluated), `strict_error` meaning strict built-in
 * errors (OPA's `StrictBuiltinErrors`), results compared as a set of binding sets (with
 * `sort_bindings`, array values of bindings are sorted first, as OPA's harness does),
 * `want_error` as a substring of the error, `want_error_code` exactly.
 */
import { compile, parseTerm, RegoCompileError, RegoError } from '../index.ts';
import type { Term } from '../ast/nodes.ts';
import { ObjectValue, SetValue, compare, fromJSON, normInt, toJSONText, valueKey, type Value } from '../value.ts';
import type { ConformanceCase } from './cases.ts';

export interface CaseOutcome {
  ok: boolean;
  reason?: string;
}

/** A ground term's value (input_term). */
export function termValue(t: Term): Value {
  switch (t.type) {
    case 'null':
      return null;
    case 'boolean':
    case 'string':
      return t.value;
    case 'number':
      return typeof t.value === 'bigint' ? normInt(t.value) : t.value;
    case 'array':
      return t.items.map(termValue);
    case 'set':
      return new SetValue(t.items.map(termValue));
    case 'object':
      return ObjectValue.fromEntries(t.items.map((it) => [termValue(it.key), termValue(it.value)] as [Value, Value]));
    default:
      throw new Error(`input_term is not ground (${t.type})`);
  }
}

/** Results as OPA's harness sees them after JSON round-tripping: sets become sorted arrays. */
function jsonish(v: Value): Value {
  if (v instanceof SetValue) return v.sorted().map(jsonish);
  if (Array.isArray(v)) return v.map(jsonish);
  if (v instanceof ObjectValue) {
    const o = new ObjectValue();
    for (const [k, x] of v.entries()) o.set(typeof k === 'string' ? k : toJSONText(k), jsonish(x));
    return o;
  }
  return v;
}

function errText(e: unknown): { code: string | undefined; message: string } {
  if (e instanceof RegoError || e instanceof RegoCompileError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: (e as { code?: string }).code, message: `${e.name}: ${e.message}` };
  return { code: undefined, message: String(e) };
}

export function runCase(c: ConformanceCase, timeoutMs = 5000): CaseOutcome {
  const modules: Record<string, string> = {};
  (c.modules ?? []).forEach((m, i) => (modules[`test-${i}.rego`] = m));
  const wantsError = c.want_error !== undefined || c.want_error_code !== undefined;
  let rows: Map<string, Value>[];
  try {
    const policy = compile({ modules, data: c.data ?? {}, regoVersion: 'v1' });
    let input: Value | undefined;
    if (c.input_term !== undefined) input = termValue(parseTerm(c.input_term));
    else if (c.input !== undefined) input = fromJSON(c.input);
    rows = policy.queryValues(c.query, { inputValue: input, strictBuiltinErrors: c.strict_error === true, limits: { timeoutMs } });
  } catch (e) {
    const { code, message } = errText(e);
    if (!wantsError) return { ok: false, reason: `unexpected error: ${message.split('\n').slice(0, 3).join(' | ')}` };
    if (c.want_error_code !== undefined && code !== c.want_error_code) {
      return { ok: false, reason: `want error code ${c.want_error_code}, got ${code}: ${message.slice(0, 200)}` };
    }
    if (c.want_error !== undefined && !message.includes(c.want_error)) {
      return { ok: false, reason: `want error containing ${JSON.stringify(c.want_error)}, got ${JSON.stringify(message.slice(0, 300))}` };
    }
    return { ok: true };
  }
  if (wantsError) return { ok: false, reason: `want error ${c.want_error_code ?? ''} ${c.want_error ?? ''}, got ${rows.length} result(s)` };
  if (c.want_result === undefined) return { ok: true };
  // OPA's harness: each binding goes through JSON; with sort_bindings, a binding's array value
  // is sorted (its order is not significant); the result sets are compared as sets.
  const got = rows.map((r) => {
    const o = new ObjectValue();
    for (const [k, v] of r) {
      const j = jsonish(v);
      o.set(k, c.sort_bindings && Array.isArray(j) ? [...j].sort(compare) : j);
    }
    return o;
  });
  const want = c.want_result.map((w) => fromJSON(w));
  const same = sameSet(got.map(valueKey), want.map(valueKey));
  if (same) return { ok: true };
  const show = (vs: Value[]): string => vs.map(toJSONText).join(', ').slice(0, 300);
  return { ok: false, reason: `want [${show(want)}], got [${show(got)}]` };
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size !== sb.size) return false;
  for (const k of sa) if (!sb.has(k)) return false;
  return true;
}
