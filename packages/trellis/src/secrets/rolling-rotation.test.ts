/**
 * A master-key rotation as an operator runs it, on real `trellis serve` processes sharing one
 * PostgreSQL database: while a replica on the old key keeps serving, another starts with the
 * new key and the old one as previous; the first restarts the same way; rewrap; a replica on the
 * old key alone is then refused, and one on the new key alone serves with the audit chain intact.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresUrl } from '../../test/databases.ts';
import { serveProcess, serveRefused, type ServerProcess } from '../../test/server-process.ts';

describe.runIf(postgresUrl)('rolling master-key rotation', () => {
  const schema = 't_' + randomBytes(6).toString('hex');
  const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;
  const running: ServerProcess[] = [];
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');

  const serve = async (keys: Record<string, string>) => {
    const s = await serveProcess({ TRELLIS_DATABASE_URL: url, TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'rotate-')), TRELLIS_PREVIOUS_MASTER_KEYS: '', ...keys });
    running.push(s);
    return s;
  };
  const stop = async (s: ServerProcess) => {
    s.proc.kill('SIGTERM');
    await s.exited;
  };

  afterAll(async () => {
    for (const s of running) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  });

  it('rotates with a replica serving throughout', async () => {
    const c = new pg.Client({ connectionString: postgresUrl });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();

    const a = await serve({ TRELLIS_MASTER_KEY: oldKey });
    const authorization = `Bearer ${a.token!}`;
    const call = (s: ServerProcess, method: string, path: string, body?: unknown) =>
      fetch(`${s.url}${path}`, body === undefined ? { method, headers: { authorization } } : { method, headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await call(a, 'PUT', '/api/v1/secrets/hr-db-admin', { value: 'before-rotation' })).status).toBe(201);
    const oldId = ((await (await call(a, 'GET', '/api/v1/keys')).json()) as { current_master_key_id: string }).current_master_key_id;

    // Rolling restart: b comes up on the new key while a still serves on the old one.
    const b = await serve({ TRELLIS_MASTER_KEY: newKey, TRELLIS_PREVIOUS_MASTER_KEYS: oldKey });
    expect((await call(a, 'GET', '/api/v1/secrets/hr-db-admin')).status).toBe(200);
    const during = (await (await call(b, 'GET', '/api/v1/keys')).json()) as { current_master_key_id: string; held_master_key_ids: string[]; previous_keys_removable: boolean };
    const newId = during.current_master_key_id;
    expect(during.held_master_key_ids).toEqual([newId, oldId]);
    expect(during.previous_keys_removable).toBe(false);
    await stop(a);
    await serve({ TRELLIS_MASTER_KEY: newKey, TRELLIS_PREVIOUS_MASTER_KEYS: oldKey });

    const rewrap = await call(b, 'POST', '/api/v1/keys/rewrap');
    expect(rewrap.status).toBe(200);
    expect(await rewrap.json()).toMatchObject({ rewrapped: 1, root_resealed: true, status: { previous_keys_removable: true, data_keys: [{ master_key_id: newId, count: 1 }] } });

    const stale = await serveRefused({ TRELLIS_DATABASE_URL: url, TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'rotate-stale-')), TRELLIS_MASTER_KEY: oldKey, TRELLIS_PREVIOUS_MASTER_KEYS: '' });
    expect(stale.code).not.toBe(0);
    expect(stale.output).toContain(`(key id ${newId}) or last re-wrapped under`);
    expect(stale.output).not.toContain(oldKey);

    for (const s of running) if (s.proc.exitCode === null) await stop(s);
    const done = await serve({ TRELLIS_MASTER_KEY: newKey });
    expect(((await (await call(done, 'GET', '/api/v1/keys')).json()) as { held_master_key_ids: string[] }).held_master_key_ids).toEqual([newId]);
    const verify = (await (await call(done, 'GET', '/api/v1/audit/verify')).json()) as { ok: boolean };
    expect(verify.ok).toBe(true);
    expect((await call(done, 'POST', '/api/v1/secrets/hr-db-admin/rotate', { value: 'after-rotation' })).status).toBe(200);
  }, 180_000);
});
