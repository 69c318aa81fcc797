/**
 * Which rules produced a result, for the playground. The engine keeps no trace, so each
 * definition of a rule is evaluated on its own: the bundle is recompiled with every other
 * definition of the same rule blanked out (spaces in place of its text, so every line and column
 * stays where it was), and the rule's value then is what that one definition contributes. A
 * `deny` definition that adds no message, or an `allow` whose body fails, is left out.
 * This costs one compilation per definition, which is why it serves the playground only and is
 * capped at `maxDefinitions`.
 */
import { compile, RegoError } from '@trellis/rego';
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

function blank(text: string, from: number, to: number): string {
  return text.slice(0, from) + text.slice(from, to).replace(/[^\n]/g, ' ') + text.slice(to);
}

/**
 * Explain the rules `names` of the package at `packagePath` (e.g. ['trellis', 'admission']) for
 * one input: one entry per definition that contributed to the result.
 */
export function explainRules(source: BundleSource, bundle: CompiledBundle, packagePath: readonly string[], names: readonly string[], input: unknown, limits: DecisionLimits): RuleExplanation[] {
  const defs: Definition[] = [];
  for (const m of bundle.policy.compiled.modules) {
    if (!samePath(m.package as unknown as { path: { path: { value?: unknown }[] } }, packagePath)) continue;
    for (const r of m.rules) {
      if (!names.includes(r.head.name) || r.head.args !== undefined || r.loc.end === undefined) continue;
      defs.push({ file: m.file, rule: r.head.name, line: r.loc.row, isDefault: r.default, offset: r.loc.offset, end: r.loc.end });
    }
  }
  const data = mergedData(source);
  const out: RuleExplanation[] = [];
  for (const def of defs.slice(0, maxDefinitions)) {
    const modules = { ...source.modules };
    for (const other of defs) {
      if (other === def || other.rule !== def.rule) continue;
      // A default stays beside a definition of the same rule only when asking about the default itself.
      modules[other.file] = blank(modules[other.file]!, other.offset, other.end);
    }
    const entry = { file: def.file, line: def.line, rule: def.rule, default: def.isDefault };
    try {
      const policy = compile({ modules, data, regoVersion: source.regoVersion === 'v0' ? 'v0' : 'auto' });
      const value = policy.evaluate(`data.${[...packagePath, def.rule].join('.')}`, { input, limits });
      if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      out.push({ ...entry, value });
    } catch (err) {
      out.push({ ...entry, value: null, error: err instanceof RegoError ? `${err.code}: ${err.detail}` : err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
