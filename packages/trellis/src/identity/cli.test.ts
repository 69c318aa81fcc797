/**
 * `trellis people …`, `trellis ownership …` and `trellis identity settings` as a user runs
 * them: separate processes through bin/trellis.js against a real server on a loopback port,
 * its directory provisioned over SCIM with a provisioner token the CLI created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trellis } from '../../test/run-cli.ts';
import { startTestServer } from '../../test/server.ts';
import type { RunningServer } from '../server.ts';
import { ENTERPRISE_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './scim-schema.ts';

describe('trellis people, ownership and identity settings', () => {
  let server: RunningServer;
  let env: Record<string, string>;
  let provisioner: string;
  const scim = async (method: string, path: string, body: unknown) => {
    const r = await fetch(`${server.url}/scim/v2${path}`, { method, headers: { authorization: `Bearer ${provisioner}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    ({ server, env } = await startTestServer('identity-cli'));
    const created = await trellis(['--output', 'json', 'tokens', 'create', '--name', 'okta-scim', '--role', 'provisioner'], env);
    expect(created.code, created.stderr).toBe(0);
    provisioner = (JSON.parse(created.stdout) as { token: string }).token;
    const maria = await scim('POST', '/Users', { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: 'maria@example.com', displayName: 'Maria M', [ENTERPRISE_SCHEMA]: { department: 'HR' } });
    expect(maria.status).toBe(201);
    const ana = await scim('POST', '/Users', { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: 'ana@example.com', title: 'Analyst', [ENTERPRISE_SCHEMA]: { department: 'HR', manager: { value: maria.json.id } } });
    expect(ana.status).toBe(201);
    const app = await fetch(`${server.url}/api/v1/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.TRELLIS_TOKEN}`, 'content-type': 'application/yaml' },
      body: 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: team-lunch\nspec:\n  owner: user:ana@example.com\n  classification: internal\n',
    });
    expect(((await app.json()) as { status: string }).status).toBe('approved');
    const off = await scim('PATCH', `/Users/${String(ana.json.id)}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(off.status).toBe(200);
  });
  afterAll(() => server.close());

  it('lists and shows people', async () => {
    const list = await trellis(['people', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/REF\s+NAME\s+ACTIVE\s+DEPARTMENT/);
    expect(list.stdout).toMatch(/user:ana@example\.com\s+ana@example\.com\s+no\s+HR\s+Analyst\s+user:maria@example\.com/);
    const active = await trellis(['--output', 'json', 'people', 'list', '--active'], env);
    expect((JSON.parse(active.stdout) as { ref: string }[]).map((p) => p.ref)).toEqual(['user:maria@example.com']);
    const shown = await trellis(['people', 'show', 'ana@example.com'], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('user:ana@example.com  ana@example.com  inactive');
    expect(shown.stdout).toMatch(/manager\s+user:maria@example\.com/);
    const missing = await trellis(['people', 'show', 'nobody@example.com'], env);
    expect(missing.code).not.toBe(0);
  });

  it('shows and changes the fallback owner', async () => {
    expect((await trellis(['identity', 'settings'], env)).stdout).toContain('fallback owner  — (none');
    const set = await trellis(['identity', 'settings', '--fallback-owner', 'user:it@example.com'], env);
    expect(set.stdout).toContain('fallback owner  user:it@example.com');
    expect((await trellis(['--output', 'json', 'identity', 'settings', '--fallback-owner', 'none'], env)).stdout).toContain('"fallback_owner": null');
  });

  it("lists the departed owner's app offered to the manager and accepts it", async () => {
    const list = await trellis(['--output', 'json', 'ownership', 'list', '--status', 'open'], env);
    const offers = JSON.parse(list.stdout) as { id: string; app: string; to: string }[];
    expect(offers).toMatchObject([{ app: 'team-lunch', to: 'user:maria@example.com' }]);
    const table = await trellis(['ownership', 'list'], env);
    expect(table.stdout).toMatch(/ID\s+APP\s+FROM\s+TO/);
    const accepted = await trellis(['ownership', 'accept', offers[0]!.id], env);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toBe(`${offers[0]!.id}: team-lunch accepted (owner now user:maria@example.com)\n`);
    const again = await trellis(['ownership', 'decline', offers[0]!.id], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already accepted');
  });
});
