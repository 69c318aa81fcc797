/** Evaluation report: true/false positives and false negatives per entity, precision and recall,
 *  and the entities a dataset labels that the engine does not claim to detect. */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Scores extends Counts {
  precision: number;
  recall: number;
}

/** One secret rule's results in a secret-case dataset (eval/secrets-dataset.ts fills them). */
export interface SecretRuleStats {
  /** tp cases with a live SECRET finding (any rule). */
  tp: number;
  /** tp cases with no live SECRET finding. */
  fn: number;
  recall: number;
  /** tp cases where this very rule (or a variant of it) fired. */
  rule_fired: number;
  fp_cases: number;
  fp_flagged: number;
}

export interface EvalReport {
  total: Scores;
  by_entity: Record<string, Scores>;
  /** Entity names seen in the dataset that are not detected (NER-only ones such as PERSON). */
  unsupported: string[];
  /** How many labelled items were skipped because their entity is unsupported. */
  unsupported_items: number;
  supported_entities: number;
  /** Lines per detected format, e.g. { presidio: 1060 }. */
  formats: Record<string, number>;
  /** Secret-case datasets only (eval/secrets-dataset.ts): per-rule results, the share of fp cases
   *  flagged, and how many of the dataset's rules have a detector. */
  by_rule?: Record<string, SecretRuleStats>;
  fp_flagged_rate?: number;
  supported_rules?: number;
}


/** What a partial evaluator (e.g. the secret-case one) hands back to be merged. */
export interface PartialEval {
  byEntity: Record<string, Counts>;
  unsupported?: string[];
  unsupportedItems?: number;
}

export function emptyCounts(): Counts {
  return { tp: 0, fp: 0, fn: 0 };
}

export function addCounts(into: Counts, c: Counts): void {
  into.tp += c.tp;
  into.fp += c.fp;
  into.fn += c.fn;
}

/** Precision with no predictions, and recall with nothing to find, are defined as 1. */
export function score(c: Counts): Scores {
  const r = (x: number) => Math.round(x * 10000) / 10000;
  return {
    ...c,
    precision: r(c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp)),
    recall: r(c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn)),
  };
}

/** A plain-text table for humans. */
export function formatEvalReport(report: EvalReport): string {
  const rows = Object.entries(report.by_entity).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(6, ...rows.map(([e]) => e.length));
  const line = (name: string, s: Scores) =>
    `${name.padEnd(width)}  ${String(s.tp).padStart(5)} ${String(s.fp).padStart(5)} ${String(s.fn).padStart(5)}  ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(6)}`;
  const out = [`${'entity'.padEnd(width)}  ${'TP'.padStart(5)} ${'FP'.padStart(5)} ${'FN'.padStart(5)}  precision recall`];
  for (const [e, s] of rows) out.push(line(e, s));
  out.push(line('TOTAL', report.total));
  out.push('');
  out.push(`supported entities: ${report.supported_entities}`);
  if (report.by_rule !== undefined) {
    const rules = Object.keys(report.by_rule).length;
    out.push(`secret rules: ${report.supported_rules ?? 0} of ${rules} in the dataset supported; fp cases flagged: ${((report.fp_flagged_rate ?? 0) * 100).toFixed(1)}%`);
  }
  out.push(`unsupported (not counted, ${report.unsupported_items} labelled items): ${report.unsupported.join(', ') || 'none'}`);
  out.push(`formats: ${Object.entries(report.formats).map(([f, n]) => `${f}=${n}`).join(', ')}`);
  return out.join('\n');
}
