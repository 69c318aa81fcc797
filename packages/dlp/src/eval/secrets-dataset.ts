/**
 * Evaluation of secret detection against labelled secret-scanning vectors (gitleaks / 2ms style:
 * one case a line with `rule`, `kind` = `tp` | `fp`, `text`). Used by `trellis dlp eval`.
 *
 * A `tp` case counts as found when any live SECRET finding (not a test value) is in its text, by
 * any rule; `by_rule` also records whether the case's own rule fired. An `fp` case is "flagged"
 * when any live SECRET finding is reported for it. Detector variants (`<rule>--<variant>`) count
 * as their rule.
 */
import type { Finding } from '../types.ts';
import type { PartialEval, SecretRuleStats } from './report.ts';
import { ruleOf, secretRuleIds } from '../detectors/secrets/index.ts';
import { scan } from '../scan.ts';

export interface SecretCase {
  rule: string | null;
  kind: 'tp' | 'fp';
  text: string;
}

export type SecretScanFn = (text: string) => Finding[] | Promise<Finding[]>;

/** The default scan: the engine with its default detectors, SECRET findings only. */
export const scanSecrets: SecretScanFn = (text) => scan(text, { entities: ['SECRET'] });

export interface SecretEvalReport {
  total: { tp: number; fp: number; fn: number; precision: number; recall: number };
  by_rule: Record<string, SecretRuleStats>;
  /** Share of fp cases with at least one live SECRET finding. */
  fp_flagged_rate: number;
  /** Rules in the dataset with a detector of the same id. */
  supported: number;
  /** Rules in the dataset with no detector of that id (their cases still count in totals). */
  unsupported: string[];
  cases: number;
}

/** The secret report plus the `PartialEval` fields eval/evaluate.ts merges into its report
 *  (entity `SECRET`: tp, fp = flagged fp cases, fn). */
export type SecretEvalResult = SecretEvalReport & PartialEval;

/** True when a JSON record looks like a secret case (has `rule` and `kind` = tp|fp). */
export function isSecretCase(record: unknown): record is SecretCase {
  if (record === null || typeof record !== 'object') return false;
  const r = record as Record<string, unknown>;
  return 'rule' in r && (r.kind === 'tp' || r.kind === 'fp') && typeof r.text === 'string';
}

function ratio(n: number, d: number): number {
  return d === 0 ? 0 : Math.round((n / d) * 10000) / 10000;
}

/**
 * Scans every case with `scanFn` (default: the engine's `scan`, SECRET only) and tallies recall, per-rule results and the fp-flagged rate.
 * `total.fp` counts flagged fp cases, so `precision` = tp / (tp + flagged fp cases).
 * @example
 *   const report = await evaluateSecretCases(cases, (t) => scan(t, { entities: ['SECRET'] }));
 */
export async function evaluateSecretCases(cases: readonly SecretCase[], scanFn: SecretScanFn = scanSecrets): Promise<SecretEvalResult> {
  const byRule: Record<string, SecretRuleStats> = {};
  const stats = (rule: string): SecretRuleStats =>
    (byRule[rule] ??= { tp: 0, fn: 0, recall: 0, rule_fired: 0, fp_cases: 0, fp_flagged: 0 });
  let tp = 0;
  let fn = 0;
  let fpFlagged = 0;
  let fpCases = 0;
  for (const c of cases) {
    const rule = c.rule ?? '(none)';
    const live = (await scanFn(c.text)).filter((f) => f.entity === 'SECRET' && f.testValue !== true);
    const s = stats(rule);
    if (c.kind === 'tp') {
      if (live.length > 0) {
        tp++;
        s.tp++;
      } else {
        fn++;
        s.fn++;
      }
      if (live.some((f) => ruleOf(f.rule ?? f.detector) === rule)) s.rule_fired++;
    } else {
      fpCases++;
      s.fp_cases++;
      if (live.length > 0) {
        fpFlagged++;
        s.fp_flagged++;
      }
    }
  }
  for (const s of Object.values(byRule)) s.recall = ratio(s.tp, s.tp + s.fn);
  const rules = Object.keys(byRule).filter((r) => r !== '(none)').sort();
  const unsupported = rules.filter((r) => !secretRuleIds.has(r));
  return {
    total: { tp, fp: fpFlagged, fn, precision: ratio(tp, tp + fpFlagged), recall: ratio(tp, tp + fn) },
    by_rule: Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => a.localeCompare(b))),
    fp_flagged_rate: ratio(fpFlagged, fpCases),
    supported: rules.length - unsupported.length,
    unsupported,
    cases: cases.length,
    byEntity: { SECRET: { tp, fp: fpFlagged, fn } },
    unsupportedItems: 0,
  };
}
