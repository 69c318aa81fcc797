/**
 * `trellis apps …` as a user runs it: separate processes through bin/trellis.js against a
 * server on a loopback port, checking output and exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trellis } from '../../test/run-cli.ts';
import type { RunningServer } from '../server.ts';
import { startTestServer } from '../../test/server.ts';



describe('trellis apps', () => {
  let server: RunningServer;
  let dir: string;
  let env: Record<string, string>;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trellis-apps-cli-'));
    ({ server, env } = await startTestServer('apps-cli'));
  });
  afterAll(() => server.close());

  const manifest = (extra = '') => `apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: leave-requests\n  title: Leave requests\nspec:\n  owner: jane@example.com\n  team: hr\n  classification: restricted\n${extra}`;

  it('validates locally with file:line:column errors and exit 1', async () => {
    const bad = file('bad.yaml', 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: Bad/Name\nspec:\n  owner: jane@example.com\n  runtime: docker\n');
    const r = await trellis(['apps', 'validate', '-f', bad, '--local'], {});
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${bad}:4:9: metadata.name: must be a DNS label`);
    expect(r.stdout).toContain(`${bad}:7:12: spec.runtime: must be one of "external", "sandbox"`);
    const good = await trellis(['apps', 'validate', '-f', file('good.yaml', manifest())], env);
    expect(good).toMatchObject({ code: 0 });
    expect(good.stdout).toContain('valid (checked local and server)');
    expect((await trellis(['apps', 'validate', '-f', join(dir, 'missing.yaml')], env)).code).toBe(2);
  });

  it('registers, updates, lists, shows and diffs', async () => {
    const reg = await trellis(['apps', 'register', '--draft', '-f', file('trellis.yaml', manifest())], env);
    expect(reg.code).toBe(0);
    expect(reg.stdout).toContain('leave-requests version 1: kept as a draft (status draft; restricted, risk medium');
    expect(reg.stdout).toContain('trellis apps transition leave-requests --to pending_review');
    expect((await trellis(['apps', 'register', '-f', join(dir, 'trellis.yaml')], env)).code).toBe(6);
    const upd = await trellis(['apps', 'update', '-f', file('v2.yaml', manifest('  egress: [hooks.slack.com]\n'))], env);
    expect(upd.stdout).toContain('leave-requests version 2: kept as a draft');
    const list = await trellis(['apps', 'list', '--team', 'hr'], env);
    expect(list.stdout).toMatch(/NAME\s+STATUS\s+OWNER/);
    expect(list.stdout).toContain('leave-requests  draft   user:jane@example.com');
    const json = JSON.parse((await trellis(['--output', 'json', 'apps', 'list', '--q', 'leave'], env)).stdout) as { items: { name: string }[] };
    expect(json.items.map((a) => a.name)).toEqual(['leave-requests']);
    const show = (await trellis(['apps', 'show', 'leave-requests'], env)).stdout;
    expect(show).toContain('version         2');
    // The bootstrap token's name, not its id.
    expect(show).toMatch(/^created\s+\S+ by bootstrap-admin$/m);
    expect(show).toMatch(/^updated\s+\S+ by bootstrap-admin$/m);
    const diff = await trellis(['apps', 'history', 'leave-requests', '--diff', '1..2'], env);
    expect(diff.stdout).toContain('+ /spec/egress: ["hooks.slack.com"]');
    const history = (await trellis(['apps', 'history', 'leave-requests'], env)).stdout;
    expect(history).toMatch(/VERSION[\s\S]*\n1 [\s\S]*\n2 /);
    expect(history).toContain('bootstrap-admin');
  });

  it('moves status and maps failures to exit codes', async () => {
    const ok = await trellis(['apps', 'transition', 'leave-requests', '--to', 'pending_review'], env);
    expect(ok).toMatchObject({ code: 0, stdout: 'leave-requests: draft → pending_review (by bootstrap-admin)\n' });
    const tail = await trellis(['audit', 'tail', '-n', '1', '--action', 'app.transition'], env);
    expect(tail.stdout).toMatch(/CHANGE/);
    expect(tail.stdout).toMatch(/app\.transition\s+bootstrap-admin\s+app\/leave-requests\s+draft → pending_review\s+Success/);
    const refused = await trellis(['apps', 'transition', 'leave-requests', '--to', 'retired'], env);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('cannot move from pending_review to retired');
    expect((await trellis(['apps', 'transition', 'leave-requests', '--to', 'gone'], env)).code).toBe(2);
    expect((await trellis(['apps', 'show', 'no-such-app'], env)).code).toBe(3);
    expect((await trellis(['apps', 'list'], { ...env, TRELLIS_TOKEN: '' })).code).toBe(4);
    const invalid = await trellis(['apps', 'register', '-f', file('inv.yaml', 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata: { name: x }\nspec: { owner: 1 }\n')], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('inv.yaml:4:16: spec.owner: must be');
  });

  it('imports a Backstage catalog', async () => {
    const cat = file('catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: expense-bot }\nspec: { owner: team-fin, type: service }\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: { name: expense-api }\nspec: { owner: team-fin }\n');
    const r = await trellis(['apps', 'import', '-f', cat], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 imported, 1 skipped, 0 failed');
  });

  it('lists in another order with --sort, checked against the same values', async () => {
    const names = async (...args: string[]) => (JSON.parse((await trellis(['--output', 'json', 'apps', 'list', ...args], env)).stdout) as { items: { name: string }[] }).items.map((a) => a.name);
    expect(await names('--sort', '-name')).toEqual(['leave-requests', 'expense-bot']);
    expect(await names('--sort=-name', '--limit', '1', '--all')).toEqual(['leave-requests', 'expense-bot']);
    // The draft was stored after leave-requests' last change.
    expect(await names('--sort', '-updated_at')).toEqual(['expense-bot', 'leave-requests']);
    const bad = await trellis(['apps', 'list', '--sort', 'riskiest'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sort must be one of name, -name, updated_at, -updated_at, created_at, -created_at, risk_score, -risk_score, not riskiest');
  });
});
