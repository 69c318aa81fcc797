/**
 * `rego.parse_module(filename, source)`: parses a module with the engine's parser and
 * returns it in OPA's JSON AST shape (terms as `{type, value}`, refs as term arrays,
 * expressions as `{index, terms}`), so policies that inspect modules see what OPA gives them.
 */
import type { Expr, Module, Rule, Term, With } from '../ast/nodes.ts';
import { isTerm } from '../ast/nodes.ts';
import { parseModule } from '../ast/parser.ts';
import { BuiltinError } from '../builtins/errors.ts';
import { fromJSON, type Value } from '../value.ts';

type J = null | boolean | number | string | J[] | { [k: string]: J };

const ref = (name: string): J => ({ type: 'ref', value: name.split('.').map((s, i) => (i === 0 ? { type: 'var', value: s } : { type: 'string', value: s })) });

function term(t: Term): J {
  switch (t.type) {
    case 'null':
      return { type: 'null' };
    case 'boolean':
    case 'string':
      return { type: t.type, value: t.value };
    case 'number':
      return { type: 'number', value: typeof t.value === 'bigint' ? Number(t.value) : t.value };
    case 'var':
      return { type: 'var', value: t.name };
    case 'ref':
      return { type: 'ref', value: [term(t.head), ...t.path.map(term)] };
    case 'array':
    case 'set':
      return { type: t.type, value: t.items.map(term) };
    case 'object':
      return { type: 'object', value: t.items.map((it) => [term(it.key), term(it.value)]) };
    case 'arraycomprehension':
    case 'setcomprehension':
      return { type: t.type, value: { term: term(t.term), body: body(t.body) } };
    case 'objectcomprehension':
      return { type: t.type, value: { key: term(t.key), value: term(t.value), body: body(t.body) } };
    case 'call':
      return { type: 'call', value: [term(t.operator), ...t.args.map(term)] };
    case 'templatestring':
      return { type: 'templatestring', value: t.parts.map((p) => (p.type === 'string' ? term(p) : expr(p, 0))) };
  }
}

function withJ(w: With): J {
  return { target: term(w.target), value: term(w.value) };
}

function expr(e: Expr, index: number): J {
  const x = e.terms;
  let terms: J;
  if (isTerm(x)) terms = x.type === 'call' ? [term(x.operator), ...x.args.map(term)] : term(x);
  else if (x.type === 'assign') terms = [ref('assign'), term(x.lhs), term(x.rhs)];
  else if (x.type === 'unify') terms = [ref('eq'), term(x.lhs), term(x.rhs)];
  else if (x.type === 'some') terms = { symbols: x.vars.map(term) } as J;
  else if (x.type === 'somein') terms = { symbols: [{ type: 'call', value: [ref(x.key ? 'internal.member_3' : 'internal.member_2'), ...(x.key ? [term(x.key)] : []), term(x.value), term(x.collection)] }] };
  else if (x.type === 'every') terms = { key: x.key ? term(x.key) : null, value: term(x.value), domain: term(x.domain), body: body(x.body) };
  else terms = null;
  const out: { [k: string]: J } = { index, terms };
  if (e.negated) out.negated = true;
  if (e.with.length > 0) out.with = e.with.map(withJ);
  return out;
}

function body(b: Expr[]): J {
  return b.map((e, i) => expr(e, i));
}

function rule(r: Rule): J {
  const h = r.head;
  const head: { [k: string]: J } = { name: h.name, ref: h.ref.type === 'var' ? [term(h.ref)] : [term(h.ref.head), ...h.ref.path.map(term)] };
  if (h.args) head.args = h.args.map(term);
  if (h.key) head.key = term(h.key);
  if (h.value) head.value = term(h.value);
  if (h.assign) head.assign = true;
  const out: { [k: string]: J } = { head, body: body(r.body) };
  if (r.default) out.default = true;
  if (r.else) out.else = rule(r.else);
  return out;
}

export function moduleToJSON(m: Module): J {
  const pkg = term(m.package.path) as { value: J };
  const out: { [k: string]: J } = { package: { path: pkg.value } };
  if (m.imports.length > 0) out.imports = m.imports.map((i) => ({ path: term(i.path), ...(i.alias ? { alias: i.alias } : {}) }));
  if (m.rules.length > 0) out.rules = m.rules.map(rule);
  return out;
}

export function parseModuleValue(file: string, src: string): Value {
  let m: Module;
  try {
    m = parseModule(src, { file, regoVersion: 'v1' });
  } catch (e) {
    throw new BuiltinError('eval_builtin_error', `rego.parse_module: ${e instanceof Error ? e.message : String(e)}`);
  }
  return fromJSON(moduleToJSON(m));
}
