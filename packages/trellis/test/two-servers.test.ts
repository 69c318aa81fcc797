/**
 * Two `trellis serve` processes on one PostgreSQL database: both accept writes at the same
 * time, and the audit trail stays one unbroken chain holding every write; both hold the same
 * master key (development mode keeps it in the database), so one reveals what the other
 * tokenized, and a server with another key, or none outside development mode, refuses to
 * start. Also checks that SIGTERM drains and stops a server with exit code 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresUrl } from './databases.ts';
import { serveProcess, serveRefused, type ServerProcess } from './server-process.ts';


describe.runIf(postgresUrl)('two servers on one PostgreSQL', () => {
  const schema = 't_' + randomBytes(6).toString('hex');
  const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
    // The first server migrates and creates the bootstrap token; the second finds both done.
    // Development mode, no TRELLIS_MASTER_KEY and a data directory each: the key comes from the database.
    servers.push(await serveProcess({ TRELLIS_DATABASE_URL: url, TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'srv-a-')), TRELLIS_MASTER_KEY: '' }));
    servers.push(await serveProcess({ TRELLIS_DATABASE_URL: url, TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'srv-b-')), TRELLIS_MASTER_KEY: '' }));
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  });

  it('keeps one unbroken audit chain while both take writes', async () => {
    const token = servers[0]!.token!;
    expect(token).toBeDefined();
    expect(servers[1]!.token).toBeUndefined();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const writes = Array.from({ length: 40 }, (_, i) =>
      fetch(`${servers[i % 2]!.url}/api/v1/tokens`, { method: 'POST', headers: auth, body: JSON.stringify({ name: `w${i}`, role: 'viewer' }) }).then((r) => r.status),
    );
    expect(new Set(await Promise.all(writes))).toEqual(new Set([201]));
    for (const s of servers) {
      const v = (await (await fetch(`${s.url}/api/v1/audit/verify`, { headers: auth })).json()) as { ok: boolean; count: number };
      expect(v.ok).toBe(true);
      // the built-in policy pack (stored, activated), the first OAuth signing key, the bootstrap token, 40 created tokens
      expect(v.count).toBe(44);
    }
  });

  it('reveals on one replica what the other tokenized or encrypted', async () => {
    const auth = { authorization: `Bearer ${servers[0]!.token!}`, 'content-type': 'application/json' };
    const card = '4532 0151 1283 0366';
    const email = 'rosa.vidal@northwind-mail.com';
    const plan = { rules: [{ entity: 'CREDIT_CARD', operator: { type: 'tokenize' } }, { entity: 'EMAIL_ADDRESS', operator: { type: 'encrypt' } }] };
    const made = await fetch(`${servers[0]!.url}/api/v1/dlp/transform`, { method: 'POST', headers: auth, body: JSON.stringify({ text: `card ${card}, mail ${email}`, plan }) });
    expect(made.status).toBe(200);
    const [, token = '', sealed = ''] = /^card (.+), mail (\S+)$/.exec(((await made.json()) as { value: string }).value) ?? [];
    expect(token).not.toBe(card);
    const items = [{ value: token, entity: 'CREDIT_CARD', operator: 'tokenize' }, { value: sealed, entity: 'EMAIL_ADDRESS', operator: 'encrypt' }];
    const revealed = await fetch(`${servers[1]!.url}/api/v1/dlp/reveal`, { method: 'POST', headers: auth, body: JSON.stringify({ items, reason: 'replica check' }) });
    expect(revealed.status).toBe(200);
    expect(await revealed.json()).toEqual({ items: [{ value: card }, { value: email }] });
  });

  it('refuses to start a server whose master key is not the one the database records', async () => {
    const r = await serveRefused({ TRELLIS_DATABASE_URL: url, TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'srv-c-')), TRELLIS_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/refusing to start: this server's master key \(key id [0-9a-f]{16}, from TRELLIS_MASTER_KEY\) is not the key this database was first used with \(key id [0-9a-f]{16}\)/);
    expect(r.output).not.toMatch(/ready at/);
  });

  it('refuses to start on PostgreSQL outside development mode without TRELLIS_MASTER_KEY', async () => {
    const r = await serveRefused({ TRELLIS_DATABASE_URL: url, TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'srv-d-')), TRELLIS_MASTER_KEY: '', TRELLIS_DEV: 'false' });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('needs TRELLIS_MASTER_KEY');
  });

  it('refuses on the other replica, within a second, an API token revoked on one', async () => {
    const admin = { authorization: `Bearer ${servers[0]!.token!}`, 'content-type': 'application/json' };
    const made = (await (await fetch(`${servers[0]!.url}/api/v1/tokens`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'short-lived', role: 'viewer' }) })).json()) as { id: string; token: string };
    const whoami = (s: ServerProcess) => fetch(`${s.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${made.token}` } }).then((r) => r.status);
    // Both replicas have read (and cached) the token's row.
    expect(await whoami(servers[0]!)).toBe(200);
    expect(await whoami(servers[1]!)).toBe(200);
    expect((await fetch(`${servers[0]!.url}/api/v1/tokens/${made.id}`, { method: 'DELETE', headers: { authorization: admin.authorization } })).status).toBe(204);
    const revokedAt = Date.now();
    expect(await whoami(servers[0]!)).toBe(401);
    let status = 200;
    while (status !== 401 && Date.now() - revokedAt < 1000) {
      status = await whoami(servers[1]!);
      if (status !== 401) await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe(401);
  });

  it('drains and exits 0 on SIGTERM', async () => {
    const s = servers[1]!;
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    // The other replica keeps serving.
    const ready = await fetch(`${servers[0]!.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});
