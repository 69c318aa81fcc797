/** Test runner tests: pass/fail/error, --run filter, coverage. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTestReport, runTests } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rego-tests-'));
writeFileSync(
  join(dir, 'authz.rego'),
  `package authz

allow if input.user == "admin"

allow if {
	input.user == "ops"
	input.action == "read"
}
`,
);
writeFileSync(
  join(dir, 'authz_test.rego'),
  `package authz_test

import data.authz

test_admin_allowed if authz.allow with input as {"user": "admin"}

test_guest_denied if not authz.allow with input as {"user": "guest"}

test_fails if authz.allow with input as {"user": "nobody"}

test_errors if {
	x := 1 / 0
	x > 0
}
`,
);

writeFileSync(join(dir, 'data.json'), JSON.stringify({ limits: { max: 3 } }));
writeFileSync(join(dir, 'limits_test.rego'), 'package limits_test\n\ntest_data_loaded if data.limits.max == 3\n');

describe('runTests', () => {
  it('reports pass, fail and error with durations', async () => {
    const r = await runTests(dir);
    const by = Object.fromEntries(r.results.map((t) => [t.name, t.status]));
    expect(by['data.limits_test.test_data_loaded']).toBe('pass');
    delete by['data.limits_test.test_data_loaded'];
    expect(by).toEqual({
      'data.authz_test.test_admin_allowed': 'pass',
      'data.authz_test.test_guest_denied': 'pass',
      'data.authz_test.test_fails': 'fail',
      'data.authz_test.test_errors': 'error',
    });
    expect(r.passed).toBe(3);
    expect(r.failed).toBe(1);
    expect(r.errored).toBe(1);
    for (const t of r.results) expect(t.durationMs).toBeGreaterThanOrEqual(0);
    expect(formatTestReport(r)).toContain('FAIL: 1/5');
  });
  it('filters with --run', async () => {
    const r = await runTests(dir, { run: 'admin' });
    expect(r.results.map((t) => t.name)).toEqual(['data.authz_test.test_admin_allowed']);
  });
  it('reports coverage per file', async () => {
    const r = await runTests(dir, { run: 'admin|guest', coverage: true });
    const cov = r.coverage!.files['authz.rego']!;
    expect(cov.covered).toContain(3);
    expect(cov.notCovered).toContain(7);
    expect(cov.percent).toBeGreaterThan(0);
    expect(cov.percent).toBeLessThan(100);
  });
  it('reports compile errors instead of running', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'rego-bad-'));
    writeFileSync(join(bad, 'x.rego'), 'package x\np if { y > 1 }');
    const r = await runTests(bad);
    expect(r.compileError).toContain('var y is unsafe');
  });
});
