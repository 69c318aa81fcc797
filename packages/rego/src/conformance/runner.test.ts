/** The conformance runner: harness rules, per-category counts, a slow case fails alone. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from './runner.ts';
import { runCase } from './run-case.ts';

const dir = mkdtempSync(join(tmpdir(), 'conf-'));
mkdirSync(join(dir, 'basic'));
mkdirSync(join(dir, 'slow'));
writeFileSync(
  join(dir, 'basic', 'cases.yaml'),
  `cases:
  - note: basic/pass
    query: data.t.p = x
    modules: ["package t\\np := input.a + 1"]
    input: {a: 1}
    want_result: [{x: 2}]
  - note: basic/set compare
    query: x := [1, 2][_]
    want_result: [{x: 2}, {x: 1}]
  - note: basic/wrong
    query: x := 1
    want_result: [{x: 2}]
  - note: basic/error substring
    query: x := 1 / 0
    strict_error: true
    want_error_code: eval_builtin_error
    want_error: divide by zero
`,
);
writeFileSync(
  join(dir, 'slow', 'cases.yaml'),
  `cases:
  - note: slow/huge
    query: data.t.n = x
    modules: ["package t\\nr := numbers.range(1, 3000)\\nn := count([1 | some a in r; some b in r; some c in r])"]
    want_result: [{x: 1}]
`,
);

describe('conformance runner', () => {
  it('applies the harness rules to one case', () => {
    expect(runCase({ note: 'n', query: 'x := {1, 2}', want_result: [{ x: [1, 2] }] }).ok).toBe(true);
    expect(runCase({ note: 'n', query: 'x := 1', want_error: 'boom' }).ok).toBe(false);
    expect(runCase({ note: 'n', query: 'x := input', input_term: '{"a": {1, 2}}', want_result: [{ x: { a: [1, 2] } }] }).ok).toBe(true);
  });
  it('counts per category and fails a slow case without stopping the run', { timeout: 60_000 }, async () => {
    const s = await runConformance(dir, { caseTimeoutMs: 500, workers: 1 });
    expect(s.categories).toEqual({ basic: { passed: 3, failed: 1 }, slow: { passed: 0, failed: 1 } });
    expect(s.results.find((r) => r.note === 'basic/wrong')?.reason).toContain('want');
    expect(s.passed + s.failed).toBe(5);
  });
});
