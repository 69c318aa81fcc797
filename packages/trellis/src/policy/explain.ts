/**
 * Which rules produced a result, for the playground. The engine keeps no trace, so each
 * definition of a rule is evaluated on its own: a copy of every definition is appended to its
 * module under a name of its own (`__trellis_explain_3 contains msg if { … }`, same body, same
 * package and imports), the bundle is compiled once with the copies, and each copy's value is
 * what that one definition contributes. The originals stay where they were, so the rules that
 * refer to `deny` or `allow` see what they always saw, and every reported line is the
 * original's. A `deny` definition that adds no message, or an `allow` whose body fails, is left
 * out. Capped at `maxDefinitions`.
 */
import { compile, RegoError, type Policy } from '@trellis/rego';
import type { CompiledBundle, DecisionLimits } from './decide.ts';
import { mergedData, type BundleSource } from './source.ts';

export interface RuleExplanation {
  /** Module path. */
  file: string;
  line: number;
  /** Rule name (`deny`, `warn`, `allow`, …). */
  rule: string;
  /** True for a `default` definition. */
  default: boolean;
  /** What this definition alone produces: the messages of a set rule, the value of any other. */
  value: unknown;
  /** Set when evaluating this definition alone failed. */
  error?: string;
}

const maxDefinitions = 50;

interface Definition {
  file: string;
  rule: string;
  line: number;
  isDefault: boolean;
  offset: number;
  end: number;
}

function samePath(pkg: { path: { path: { value?: unknown }[] } }, path: readonly string[]): boolean {
  const segs = pkg.path.path.map((t) => t.value);
  return segs.length === path.length && segs.every((s, i) => s === path[i]);
}

const copyPrefix = '__trellis_explain_';

/** The rule's text with its name replaced (`default` kept), or undefined when the name is not where expected. */
function renamed(ruleText: string, name: string, to: string): string | undefined {
  const lead = /^default\s+/.exec(ruleText)?.[0] ?? '';
  const rest = ruleText.slice(lead.length);
  if (!rest.startsWith(name) || /[A-Za-z0-9_]/.test(rest.charAt(name.length))) return undefined;
  return lead + to + rest.slice(name.length);
}

/**
 * An explainer for the rules `names` of the package at `packagePath` (e.g. ['trellis',
 * 'admission']): compiles once, then for each input lists the definitions that contributed.
 */
export function ruleExplainer(source: BundleSource, bundle: CompiledBundle, packagePath: readonly string[], names: readonly string[], limits: DecisionLimits): (input: unknown) => RuleExplanation[] {
  const defs: Definition[] = [];
  for (const m of bundle.policy.compiled.modules) {
    if (!samePath(m.package as unknown as { path: { path: { value?: unknown }[] } }, packagePath)) continue;
    for (const r of m.rules) {
      if (!names.includes(r.head.name) || r.head.args !== undefined || r.loc.end === undefined) continue;
      defs.push({ file: m.file, rule: r.head.name, line: r.loc.row, isDefault: r.default, offset: r.loc.offset, end: r.loc.end });
    }
  }
  const chosen = defs.slice(0, maxDefinitions);
  if (chosen.length === 0) return () => [];
  const modules = { ...source.modules };
  const copies = new Map<Definition, string>();
  chosen.forEach((def, i) => {
    const text = renamed(source.modules[def.file]!.slice(def.offset, def.end), def.rule, `${copyPrefix}${i}`);
    if (text === undefined) return;
    copies.set(def, `${copyPrefix}${i}`);
    modules[def.file] += `\n\n${text}\n`;
  });
  const entry = (def: Definition) => ({ file: def.file, line: def.line, rule: def.rule, default: def.isDefault });
  let policy: Policy;
  try {
    policy = compile({ modules, data: mergedData(source), regoVersion: source.regoVersion === 'v0' ? 'v0' : 'auto' });
  } catch (err) {
    const message = `the rules could not be evaluated one by one: ${err instanceof Error ? err.message : String(err)}`;
    return () => chosen.map((def) => ({ ...entry(def), value: null, error: message }));
  }
  return (input) => {
    const out: RuleExplanation[] = [];
    for (const def of chosen) {
      const copy = copies.get(def);
      if (copy === undefined) continue;
      try {
        const value = policy.evaluate(`data.${[...packagePath, copy].join('.')}`, { input, limits });
        if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
        out.push({ ...entry(def), value });
      } catch (err) {
        out.push({ ...entry(def), value: null, error: err instanceof RegoError ? `${err.code}: ${err.detail}` : err instanceof Error ? err.message : String(err) });
      }
    }
    return out;
  };
}
