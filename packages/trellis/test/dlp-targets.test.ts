/**
 * The DLP engine against the labelled public data sets, at the issue's targets: PII precision
 * and recall ≥ 0.95 on Presidio's cases; secret recall ≥ 0.90 on 2ms with at most 20% of its
 * false-positive cases flagged. gitleaks' set is held to the level reached today (see the
 * issue note: its misses are placeholder values the engine deliberately treats as test values).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { evaluateDataset } from '@trellis/dlp';
import { sharedAvailable, sharedDir } from './shared-data.ts';

const dlp = (f: string) => join(sharedDir, 'data', 'dlp', f);
interface Totals {
  total: { tp: number; fp: number; fn: number; precision: number; recall: number };
  fp_flagged_rate?: number;
}

describe.runIf(sharedAvailable || process.env.CI)('DLP evaluation targets', () => {
  it('presidio.jsonl: precision and recall ≥ 0.95', async () => {
    const r = (await evaluateDataset(dlp('presidio.jsonl'))) as unknown as Totals;
    expect(r.total.precision).toBeGreaterThanOrEqual(0.95);
    expect(r.total.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('presidio-research sentences: precision and recall ≥ 0.95 on supported entities', async () => {
    const r = (await evaluateDataset(dlp('presidio_research_synth_v2.jsonl'))) as unknown as Totals;
    expect(r.total.precision).toBeGreaterThanOrEqual(0.95);
    expect(r.total.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('2ms.jsonl: secret recall ≥ 0.90, at most 20% of false-positive cases flagged', async () => {
    const r = (await evaluateDataset(dlp('2ms.jsonl'))) as unknown as Totals;
    expect(r.total.recall).toBeGreaterThanOrEqual(0.9);
    if (r.fp_flagged_rate !== undefined) expect(r.fp_flagged_rate).toBeLessThanOrEqual(0.2);
  });

  it('gitleaks.jsonl: secret recall ≥ 0.85, at most 20% of false-positive cases flagged', async () => {
    const r = (await evaluateDataset(dlp('gitleaks.jsonl'))) as unknown as Totals;
    expect(r.total.recall).toBeGreaterThanOrEqual(0.85);
    if (r.fp_flagged_rate !== undefined) expect(r.fp_flagged_rate).toBeLessThanOrEqual(0.2);
  });
});
