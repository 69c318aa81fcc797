/**
 * `trellis policy push|bundles|show|diff|activate|rollback|active` as a user runs them: the real
 * binary against a server on a loopback port, checking output and exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trellis } from '../../test/run-cli.ts';
import { startTestServer } from '../../test/server.ts';
import type { RunningServer } from '../server.ts';

function policyDir(message: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'policy-push-'));
  mkdirSync(join(dir, 'tiers'));
  writeFileSync(join(dir, 'gateway.rego'), `package trellis.gateway\n\ndeny contains ${JSON.stringify(message)} if input.operation in data.tiers.blocked\n`);
  writeFileSync(join(dir, 'tiers', 'data.json'), JSON.stringify({ blocked: ['write'] }));
  writeFileSync(join(dir, 'gateway_test.rego'), 'package trellis.gateway_test\n\nimport data.trellis.gateway\n\ntest_write_denied if count(gateway.deny) == 1 with input as {"operation": "write"}\n');
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('trellis policy (bundles on the server)', () => {
  let server: RunningServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ server, env } = await startTestServer('policy-cli'));
  });
  afterAll(() => server.close());

  it('pushes, lists, shows, diffs, activates and rolls back', async () => {
    const first = await trellis(['policy', 'push', policyDir('writes are blocked'), '--message', 'first', '--output', 'json'], env);
    expect(first.code).toBe(0);
    const v1 = (JSON.parse(first.stdout) as { bundle: { version: number } }).bundle.version;
    const second = await trellis(['policy', 'push', policyDir('no writes', { 'legacy.rego': 'package legacy\n\nallow { input.user == "admin" }\n' }), '--activate', '-m', 'second'], env);
    expect(second.code).toBe(0);
    const v2 = v1 + 1;
    expect(second.stdout).toContain(`stored policy bundle version ${v2}`);
    expect(second.stdout).toContain('1 tests passed');
    expect(second.stdout).toContain('accepted as Rego v0: legacy.rego');
    expect(second.stdout).toContain(`version ${v2} is now active`);

    const list = await trellis(['policy', 'bundles'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${v2} \\*\\s.*second$`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${v1}\\s.*first$`, 'm'));

    const show = await trellis(['policy', 'show', String(v2)], env);
    expect(show.stdout).toContain('gateway.rego');
    expect(show.stdout).toContain('tiers/data.json');
    const file = await trellis(['policy', 'show', String(v2), '--file', 'gateway.rego'], env);
    expect(file.stdout).toContain('deny contains "no writes"');
    expect((await trellis(['policy', 'show', String(v2), '--file', 'nope.rego'], env)).code).toBe(3);

    const diff = await trellis(['policy', 'diff', String(v2)], env);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('changed gateway.rego');
    expect(diff.stdout).toContain('-deny contains "writes are blocked" if input.operation in data.tiers.blocked');
    expect(diff.stdout).toContain('+deny contains "no writes" if input.operation in data.tiers.blocked');
    expect(diff.stdout).toContain('added legacy.rego');

    const activate = await trellis(['policy', 'activate', String(v1)], env);
    expect(activate.stdout).toContain(`active: version ${v1}`);
    expect(activate.stdout).toContain(`before it: version ${v2}`);
    const rollback = await trellis(['policy', 'rollback'], env);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain(`rolled back; active: version ${v2}`);
    const active = await trellis(['policy', 'active'], env);
    expect(active.stdout).toMatch(new RegExp(`^${v2}\\s+rollback`, 'm'));
  });

  it('a refused push exits non-zero with the located reasons, and stores nothing', async () => {
    const before = await trellis(['policy', 'bundles', '--output', 'json'], env);
    const count = (JSON.parse(before.stdout) as { items: unknown[] }).items.length;
    const broken = await trellis(['policy', 'push', policyDir('x', { 'broken.rego': 'package broken\n\nallow if {\n  input.x ==\n}\n' })], env);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/broken\.rego:\d+:\d+: rego_parse_error/);
    expect(broken.stderr).toContain('[bundle_invalid]');
    const failing = await trellis(['policy', 'push', policyDir('x', { 'extra_test.rego': 'package extra_test\n\ntest_wrong if false\n' })], env);
    expect(failing.code).not.toBe(0);
    expect(failing.stderr).toContain('data.extra_test.test_wrong');
    expect(failing.stderr).toContain('[bundle_tests_failed]');
    const after = await trellis(['policy', 'bundles', '--output', 'json'], env);
    expect((JSON.parse(after.stdout) as { items: unknown[] }).items).toHaveLength(count);
    expect((await trellis(['policy', 'diff', 'x'], env)).code).toBe(2);
  });
});
