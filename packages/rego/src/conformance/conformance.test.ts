/**
 * Runs the OPA conformance suite and fails if a category listed in `conformance.passing`
 * no longer fully passes (the list only grows: add categories with `--update-passing`).
 * Skipped when the suite is not present (set TRELLIS_CONFORMANCE_DIR to point at it).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runConformance } from './runner.ts';
import { readPassing } from './passing.ts';
import { defaultSuiteDir } from './suite-dir.ts';

const dir = defaultSuiteDir();

describe.skipIf(!existsSync(dir) && !process.env.CI)('OPA conformance', () => {
  it('keeps every category in conformance.passing passing', { timeout: 300_000 }, async () => {
    const summary = await runConformance(dir);
    const regressed = readPassing().filter((c) => (summary.categories[c]?.failed ?? 0) > 0);
    const details = summary.results.filter((r) => !r.ok && regressed.includes(r.category)).map((r) => `${r.category}: ${r.note}: ${r.reason}`);
    expect(details).toEqual([]);
    expect(summary.passed / (summary.passed + summary.failed)).toBeGreaterThan(0.95);
  });
});
