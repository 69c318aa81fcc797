/** `trellis policy test|eval` as a user runs them: real files, the real binary, exit codes. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle.ts';

const bin = fileURLToPath(new URL('../../bin/trellis.js', import.meta.url));
const trellis = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

function policyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'policy-cli-'));
  writeFileSync(join(dir, 'tiers.rego'), 'package trellis.tiers\n\nallowed contains c if some c in data.tiers.allow[input.classification]\n\ndeny contains msg if {\n  some c in input.connectors\n  not c in allowed\n  msg := sprintf("connector %s is not allowed for %s apps", [c, input.classification])\n}\n');
  mkdirSync(join(dir, 'tiers'));
  writeFileSync(join(dir, 'tiers', 'data.yaml'), 'allow:\n  public: [web]\n  restricted: [hr, web]\n');
  writeFileSync(join(dir, 'tiers_test.rego'), 'package trellis.tiers_test\n\nimport data.trellis.tiers\n\ntest_hr_restricted if count(tiers.deny) == 0 with input as {"classification": "restricted", "connectors": ["hr"]}\n\ntest_hr_public if count(tiers.deny) == 1 with input as {"classification": "public", "connectors": ["hr"]}\n');
  return dir;
}

describe('trellis policy', () => {
  it('loads data files at the path of their folder', () => {
    const b = loadBundle([policyDir()]);
    expect(b.data).toEqual({ tiers: { allow: { public: ['web'], restricted: ['hr', 'web'] } } });
    expect(Object.keys(b.modules)).toHaveLength(2);
  });

  it('test: passes, then fails with exit 1 when a test breaks, with --run filtering', () => {
    const dir = policyDir();
    const ok = trellis('policy', 'test', dir, '--verbose');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('PASS: 2/2');
    writeFileSync(join(dir, 'extra_test.rego'), 'package trellis.extra_test\n\ntest_wrong if false\n');
    const bad = trellis('policy', 'test', dir);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('test_wrong');
    const filtered = trellis('policy', 'test', dir, '--run', 'hr_public');
    expect(filtered.status).toBe(0);
    expect(filtered.stdout).toContain('1/1');
  });

  it('test: -v is verbose as in `opa test -v`; --version (or -V) is the root program\'s alone', () => {
    const dir = policyDir();
    const verbose = trellis('policy', 'test', '-v', dir);
    expect(verbose.status).toBe(0);
    expect(verbose.stdout).toContain('test_hr_restricted');
    expect(trellis('--version').stdout).toMatch(/^\d+\.\d+/);
    expect(trellis('-V').stdout).toBe(trellis('--version').stdout);
  });

  it('test and eval: a v0 module parses with --v0, and without it the error says to try --v0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-v0-'));
    writeFileSync(join(dir, 'old.rego'), 'package old\n\ndefault allow = false\n\nallow {\n  input.user == "admin"\n}\n');
    writeFileSync(join(dir, 'old_test.rego'), 'package old_test\n\nimport data.old\n\ntest_admin {\n  old.allow with input as {"user": "admin"}\n}\n');
    const v1 = trellis('policy', 'test', dir);
    expect(v1.status).toBe(1);
    expect(v1.stdout).toContain('rego_parse_error');
    expect(v1.stdout).toMatch(/these look like v0 modules: .*old.rego, .*old_test.rego/);
    expect(v1.stdout).toContain('try --v0');
    const v0 = trellis('policy', 'test', '--v0', dir);
    expect(v0.status).toBe(0);
    expect(v0.stdout).toContain('PASS: 1/1');
    const evalV1 = trellis('policy', 'eval', '-d', join(dir, 'old.rego'), 'data.old.allow');
    expect(evalV1.status).toBe(1);
    expect(evalV1.stderr).toContain(`${join(dir, 'old.rego')} looks like a v0 module (it parses as Rego v0, not v1); try --v0`);
    expect(JSON.parse(trellis('policy', 'eval', '--v0', '-d', join(dir, 'old.rego'), 'data.old.allow').stdout)).toEqual({ result: false, defined: true });
  });

  it('eval: prints the document, --fail exits 1 when undefined, errors carry locations', () => {
    const dir = policyDir();
    const input = join(dir, 'input.json');
    writeFileSync(input, JSON.stringify({ classification: 'public', connectors: ['hr', 'web'] }));
    const r = trellis('policy', 'eval', '-d', dir, '-i', input, 'data.trellis.tiers.deny');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ result: ['connector hr is not allowed for public apps'], defined: true });
    const undef = trellis('policy', 'eval', '-d', dir, '--fail', 'data.trellis.nothing');
    expect(undef.status).toBe(1);
    writeFileSync(join(dir, 'broken.rego'), 'package broken\n\nallow if {\n  input.x ==\n}\n');
    const broken = trellis('policy', 'eval', '-d', dir, 'data.broken.allow');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/broken\.rego:\d+/);
    expect(broken.stderr).toContain('rego_parse_error');
  });
});
