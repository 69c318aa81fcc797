/**
 * The built-in policy pack (policies/ at the repository root) passes its own tests with
 * `trellis policy test policies/`, as a user runs it, and every rule file has tests.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trellis } from './run-cli.ts';

const pack = fileURLToPath(new URL('../../../policies/', import.meta.url));

function regoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? regoFiles(join(dir, e.name)) : e.name.endsWith('.rego') ? [join(dir, e.name)] : []));
}

describe('the built-in policy pack', () => {
  it('passes every test with trellis policy test', { timeout: 60_000 }, async () => {
    const r = await trellis(['--output', 'json', 'policy', 'test', pack]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const report = JSON.parse(r.stdout) as { passed: number; failed: number; errored: number };
    expect(report.failed + report.errored).toBe(0);
    expect(report.passed).toBeGreaterThanOrEqual(50);
  });

  it('has a test file beside every rule file', () => {
    const files = regoFiles(pack);
    const rules = files.filter((f) => !f.endsWith('_test.rego'));
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const f of rules) expect(files, f).toContain(f.replace(/\.rego$/, '_test.rego'));
  });
});
