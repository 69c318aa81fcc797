/**
 * `trellis apps credentials …`, `trellis oauth keys rotate` and `trellis oauth token` as a user
 * runs them: separate processes through bin/trellis.js against a real server on loopback.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trellis } from '../../test/run-cli.ts';
import { startTestServer } from '../../test/server.ts';
import type { RunningServer } from '../server.ts';
import { appYaml, connectorYaml } from '../../test/leave-requests.ts';


describe('trellis apps credentials and trellis oauth', () => {
  let server: RunningServer;
  let env: Record<string, string>;
  let ana: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'oauth-cli-'));

  beforeAll(async () => {
    ({ server, env } = await startTestServer('oauth-cli'));
    const call = async (token: string, method: string, path: string, body: string, type = 'application/json') => {
      const r = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as Record<string, unknown>;
    };
    const admin = env.TRELLIS_TOKEN!;
    const anaToken = (await call(admin, 'POST', '/api/v1/tokens', JSON.stringify({ name: 'ana', role: 'builder', subject: 'user:ana.hr@example.com' }))).token as string;
    const rick = (await call(admin, 'POST', '/api/v1/tokens', JSON.stringify({ name: 'rick', role: 'reviewer', subject: 'user:rick.sec@example.com' }))).token as string;
    await call(admin, 'POST', '/api/v1/connectors', connectorYaml, 'application/yaml');
    await call(anaToken, 'POST', '/api/v1/apps', appYaml, 'application/yaml');
    const reviews = await fetch(`${server.url}/api/v1/reviews?status=open`, { headers: { authorization: `Bearer ${rick}` } });
    const review = ((await reviews.json()) as { items: { id: string }[] }).items[0]!;
    await call(rick, 'POST', `/api/v1/reviews/${review.id}/approve`, JSON.stringify({ checklist: { classification: true, retention: true, connectors: true, isolation: true, monitoring: true } }));
    ana = { ...env, TRELLIS_TOKEN: anaToken };
  });
  afterAll(() => server.close());

  it('creates a secret (printed once), gets a capped token with it, rotates it away and deletes it', async () => {
    const created = await trellis(['apps', 'credentials', 'create', 'leave-requests'], ana);
    expect(created.code, created.stderr).toBe(0);
    const secret = /client secret \(shown once; store it now\): (trlcs_\S+)/.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();

    const listed = await trellis(['--output', 'json', 'apps', 'credentials', 'list', 'leave-requests'], ana);
    const list = JSON.parse(listed.stdout) as { client_id: string; items: { id: string; status: string }[] };
    expect(list.items).toMatchObject([{ status: 'active' }]);
    expect(listed.stdout).not.toContain(secret);
    const table = await trellis(['apps', 'credentials', 'list', 'leave-requests'], ana);
    expect(table.stdout).toContain(list.client_id);

    const file = join(dir, 'secret.txt');
    writeFileSync(file, `${secret}\n`);
    const tok = await trellis(['--output', 'json', 'oauth', 'token', '--client-id', list.client_id, '--client-secret-file', file, '--expires-in', '7200'], env);
    expect(tok.code, tok.stderr).toBe(0);
    expect(JSON.parse(tok.stdout)).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'hr:read' });

    const rotated = await trellis(['apps', 'credentials', 'rotate', 'leave-requests', '--overlap-hours', '0'], ana);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/previous secret cred_[0-9a-f]{16} keeps working until/);
    const old = await trellis(['oauth', 'token', '--client-id', list.client_id, '--client-secret-file', file], env);
    expect(old.code).toBe(4);
    expect(old.stderr).toContain('invalid_client');

    const deleted = await trellis(['apps', 'credentials', 'delete', 'leave-requests', list.items[0]!.id], ana);
    expect(deleted.code, deleted.stderr).toBe(0);
    const after = JSON.parse((await trellis(['--output', 'json', 'apps', 'credentials', 'list', 'leave-requests'], ana)).stdout) as { items: unknown[] };
    expect(after.items).toHaveLength(1);
  });

  it("refuses someone else's builder token, and rotates the signing keys as an admin", async () => {
    const made = await fetch(`${server.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${env.TRELLIS_TOKEN!}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bob', role: 'builder', subject: 'user:bob@example.com' }) });
    const bob = ((await made.json()) as { token: string }).token;
    const other = await trellis(['apps', 'credentials', 'create', 'leave-requests'], { ...env, TRELLIS_TOKEN: bob });
    expect(other.code).toBe(4);
    expect(other.stderr).toContain('not_app_owner');
    const keys = await trellis(['oauth', 'keys', 'rotate'], env);
    expect(keys.code, keys.stderr).toBe(0);
    expect(keys.stdout).toMatch(/^current key \S+; \S+ retiring/);
  });
});
