/**
 * The issue's "done when" for service identities, across two real `trellis serve` processes
 * on one database (PostgreSQL when TRELLIS_TEST_DATABASE_URL is set, else one shared SQLite
 * file): an approved app gets a token from replica A, replica B introspects it as active, A
 * revokes it, and B's introspection says inactive within a second — B verifies without a
 * database round trip, from the revocation feed it follows, and knows A's signing key from the
 * table both follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresUrl } from './databases.ts';
import { serveProcess, type ServerProcess } from './server-process.ts';
import { appYaml, connectorYaml } from './leave-requests.ts';

const issuer = 'http://trellis.test';

describe(`OAuth tokens across two server processes (${postgresUrl ? 'PostgreSQL' : 'one SQLite file'})`, () => {
  const schema = 't_' + randomBytes(6).toString('hex');
  const servers: ServerProcess[] = [];
  let admin: string;

  beforeAll(async () => {
    // Development mode without TRELLIS_MASTER_KEY: both find the same key (in the database, or the shared data directory).
    let env: (name: string) => Record<string, string>;
    if (postgresUrl) {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`create schema ${schema}`);
      await c.end();
      const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;
      env = (name) => ({ TRELLIS_DATABASE_URL: url, TRELLIS_MASTER_KEY: '', TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), `oauth-${name}-`)) });
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'oauth-replicas-'));
      env = () => ({ TRELLIS_DATABASE_URL: '', TRELLIS_MASTER_KEY: '', TRELLIS_DATA_DIR: dir });
    }
    // The first migrates and creates the bootstrap token; the second finds both done.
    servers.push(await serveProcess({ TRELLIS_PUBLIC_URL: issuer, ...env('a') }));
    servers.push(await serveProcess({ TRELLIS_PUBLIC_URL: issuer, ...env('b') }));
    admin = servers[0]!.token!;
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) {
      s.proc.kill('SIGTERM');
      await s.exited;
    }
    if (postgresUrl) {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  }, 60_000);

  const api = async <T = Record<string, string>>(s: ServerProcess, token: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> => {
    const res = await fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  const oauth = (s: ServerProcess, path: string, auth: string, params: Record<string, string>) =>
    fetch(`${s.url}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });

  it('a token issued on A is active on B; revoked on A, B says inactive within a second', async () => {
    const [a, b] = [servers[0]!, servers[1]!];
    const ana = (await api(a, admin, 'POST', '/api/v1/tokens', { name: 'ana', role: 'builder', subject: 'user:ana.hr@example.com' })).token!;
    const rick = (await api(a, admin, 'POST', '/api/v1/tokens', { name: 'rick', role: 'reviewer', subject: 'user:rick.sec@example.com' })).token!;
    await api(a, admin, 'POST', '/api/v1/connectors', connectorYaml, 'application/yaml');
    await api(a, ana, 'POST', '/api/v1/apps', appYaml, 'application/yaml');
    const review = (await api<{ items: { id: string }[] }>(a, rick, 'GET', '/api/v1/reviews?status=open')).items[0]!;
    await api(a, rick, 'POST', `/api/v1/reviews/${review.id}/approve`, { checklist: { classification: true, retention: true, connectors: true, isolation: true, monitoring: true } });
    const created = await api(a, ana, 'POST', '/api/v1/apps/leave-requests/credentials', { type: 'client_secret' });
    const basic = `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`;

    const issued = await oauth(a, '/oauth/token', basic, { grant_type: 'client_credentials' });
    expect(issued.status).toBe(200);
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const activeOn = async (s: ServerProcess) => ((await (await oauth(s, '/oauth/introspect', basic, { token })).json()) as { active: boolean }).active;
    expect(await activeOn(b)).toBe(true);
    expect(await activeOn(a)).toBe(true);

    expect((await oauth(a, '/oauth/revoke', basic, { token })).status).toBe(200);
    const revokedAt = Date.now();
    expect(await activeOn(a)).toBe(false);
    let active = true;
    while (active && Date.now() - revokedAt < 1000) {
      active = await activeOn(b);
      if (active) await new Promise((r) => setTimeout(r, 25));
    }
    expect(active).toBe(false);
  }, 60_000);
});
