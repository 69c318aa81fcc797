/**
 * `rego.metadata.chain()` and `rego.metadata.rule()`: the METADATA annotations of the rule
 * being evaluated and of the packages that enclose it, in OPA's shape
 * (`[{path: [...], annotations: {...}}, …]`, innermost first).
 */
import type { Annotations, Location } from '../ast/nodes.ts';
import { parseModuleValue } from './parse-module.ts';
import { BuiltinError } from '../builtins/errors.ts';
import { RegoError } from '../compiler/errors.ts';
import { ObjectValue, fromJSON, makeObject, type Value } from '../value.ts';
import type { EvalContext } from './context.ts';
import type { RuleTree } from './types.ts';
import { packagePath } from '../compiler/resolve-refs.ts';

function annotationValue(a: Annotations): Value {
  const o = fromJSON(a.raw) as ObjectValue;
  const out = new ObjectValue();
  for (const [k, v] of o.entries()) out.set(k, v);
  out.set('scope', a.scope);
  return out;
}

function ruleAnnotations(c: EvalContext, tree: RuleTree): { rule: Annotations[]; doc: Annotations[]; path: string[] } | undefined {
  const r = c.currentRule;
  if (!r) return undefined;
  const g = tree.byName.get('data.' + r.path.join('.'));
  const rule = r.annotations.filter((a) => a.scope === 'rule');
  const doc: Annotations[] = [];
  for (const d of [...(g?.defs ?? []), ...(g?.defaultRule ? [g.defaultRule] : [])]) {
    for (const a of d.annotations) if (a.scope === 'document') doc.push(a);
  }
  return { rule, doc, path: r.path };
}

export function metadataRule(c: EvalContext, tree: RuleTree): Value {
  const ra = ruleAnnotations(c, tree);
  if (!ra) return new ObjectValue();
  const a = ra.rule[0] ?? ra.doc[0];
  return a ? annotationValue(a) : new ObjectValue();
}

export function metadataChain(c: EvalContext, tree: RuleTree): Value {
  const ra = ruleAnnotations(c, tree);
  const r = c.currentRule;
  if (!ra || !r) return [];
  const out: Value[] = [];
  const entry = (path: string[], a: Annotations | undefined): Value => {
    const o = makeObject({ path: path.slice() });
    if (a) o.set('annotations', annotationValue(a));
    return o;
  };
  const own = [...ra.rule, ...ra.doc];
  if (own.length === 0) out.push(entry(ra.path, undefined));
  for (const a of own) out.push(entry(ra.path, a));
  const pkg = packagePath(r.module);
  // Package annotations of this package (any module), then subpackages scopes of parents.
  const modules = tree.modules;
  for (let n = pkg.length; n >= 1; n--) {
    const p = pkg.slice(0, n);
    for (const m of modules) {
      if (packagePath(m).join('.') !== p.join('.')) continue;
      for (const a of m.annotations) {
        if ((n === pkg.length && a.scope === 'package') || a.scope === 'subpackages') {
          if (a.loc.offset < m.package.loc.offset) out.push(entry(p, a));
        }
      }
    }
  }
  return out;
}

/** `rego.parse_module(filename, source)` (see parse-module.ts). */
export function parseModuleBuiltin(_c: EvalContext, args: Value[], loc: Location | undefined): Value | undefined {
  const [file, src] = args;
  if (typeof file !== 'string' || typeof src !== 'string') {
    throw new RegoError('eval_type_error', 'rego.parse_module: operand must be string', loc);
  }
  try {
    return parseModuleValue(file, src);
  } catch (e) {
    if (e instanceof BuiltinError) {
      if (_c.strictBuiltinErrors) throw new RegoError(e.code, e.message, loc);
      return undefined;
    }
    throw e;
  }
}
