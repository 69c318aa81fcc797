/**
 * The secrets and keys API on both databases: values go in and never come out (every answer
 * and the audit trail are searched for them), validation as 400 problem documents naming the
 * field, not found as 404, who may do what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { buildApp } from '../app.ts';
import { createServices } from '../services.ts';
import { systemActor } from '../auth/index.ts';

for (const tdb of testDatabases) {
  describe(`secrets API (${tdb.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    it('creates, versions, rotates, destroys and deletes, never answering with a value', async () => {
      const value = `crm-${randomBytes(16).toString('hex')}`;
      const next = `crm-${randomBytes(16).toString('hex')}`;
      const answers: string[] = [];
      const call = async (role: 'admin' | 'auditor' | 'reviewer', method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
        const res = await t.as(role, payload === undefined ? { method, url } : { method, url, payload: payload as Record<string, unknown> });
        answers.push(res.body);
        return res;
      };
      const created = await call('admin', 'PUT', '/api/v1/secrets/crm-api-key', { value, description: 'CRM API key', rotation: { everyDays: 30 } });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ name: 'crm-api-key', kind: 'static', current_version: 1, rotation: { everyDays: 30, overlapHours: 24 }, rotation_due: false });
      const updated = await call('admin', 'PUT', '/api/v1/secrets/crm-api-key', { value: next });
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({ current_version: 2 });
      expect((await call('auditor', 'GET', '/api/v1/secrets')).json()).toMatchObject({ items: [{ name: 'crm-api-key', current_version: 2 }] });
      expect((await call('reviewer', 'GET', '/api/v1/secrets/crm-api-key')).statusCode).toBe(200);
      const versions = await call('auditor', 'GET', '/api/v1/secrets/crm-api-key/versions');
      expect(versions.json()).toMatchObject({ items: [{ version: 2, state: 'active' }, { version: 1, state: 'previous' }] });

      const rotated = await call('admin', 'POST', '/api/v1/secrets/crm-api-key/rotate', { value: `${next}-3` });
      expect(rotated.json()).toMatchObject({ current_version: 3 });
      const destroyed = await call('admin', 'DELETE', '/api/v1/secrets/crm-api-key/versions/1');
      expect(destroyed.statusCode).toBe(200);
      expect(destroyed.json()).toMatchObject({ version: 1, state: 'destroyed', kek_id: null });
      const current = await call('admin', 'DELETE', '/api/v1/secrets/crm-api-key/versions/3');
      expect(current.statusCode).toBe(409);
      expect(current.json()).toMatchObject({ code: 'secret_version_current' });

      const resolved = await t.services.secrets.resolve('crm-api-key', { purpose: 'gateway', app: 'leave-requests' });
      expect(resolved.value).toBe(`${next}-3`);

      expect((await call('admin', 'DELETE', '/api/v1/secrets/crm-api-key')).statusCode).toBe(204);
      const gone = await call('admin', 'GET', '/api/v1/secrets/crm-api-key');
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toMatchObject({ code: 'secret_not_found', status: 404 });

      await t.services.audit.seal();
      const trail = JSON.stringify(await t.services.audit.list({ limit: 10_000 }));
      for (const v of [value, next, `${next}-3`]) {
        for (const a of answers) expect(a).not.toContain(v);
        expect(trail).not.toContain(v);
      }
    });

    it('answers bad input with problem documents naming the field', async () => {
      const badName = await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/Not_A_Label', payload: { value: 'x' } });
      expect(badName.statusCode).toBe(400);
      expect(badName.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(badName.json())).toContain('name');

      const unknown = await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/extra-field', payload: { value: 'x', plaintext: true } });
      expect(unknown.statusCode).toBe(400);

      const big = await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/too-big', payload: { value: 'x'.repeat(64 * 1024 + 1) } });
      expect(big.statusCode).toBe(400);
      expect(JSON.stringify(big.json())).toContain('value');
      expect(big.body).not.toContain('x'.repeat(100));

      const generatedWithValue = await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/gen', payload: { kind: 'generated', value: 'mine-1234' } });
      expect(generatedWithValue.statusCode).toBe(400);
      expect(generatedWithValue.json()).toMatchObject({ code: 'secret_value_refused', errors: [{ path: 'value' }] });
      expect(generatedWithValue.body).not.toContain('mine-1234');

      const badVersion = await t.as('admin', { method: 'DELETE', url: '/api/v1/secrets/gen/versions/zero' });
      expect(badVersion.statusCode).toBe(400);
      const schedule = await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/sched', payload: { value: 'v', rotation: { everyDays: 0 } } });
      expect(schedule.statusCode).toBe(400);
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/secrets/nobody/rotate', payload: {} })).statusCode).toBe(404);
    });

    it('lets only admins write and only readers read; keys status for admins and auditors, rewrap for admins', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/secrets' })).statusCode).toBe(401);
      for (const role of ['builder', 'viewer', 'reviewer', 'auditor'] as const) {
        const res = await t.as(role, { method: 'PUT', url: '/api/v1/secrets/not-mine', payload: { value: 'v' } });
        expect(res.statusCode, role).toBe(403);
      }
      for (const role of ['builder', 'viewer'] as const) expect((await t.as(role, { method: 'GET', url: '/api/v1/secrets' })).statusCode, role).toBe(403);
      expect((await t.as('reviewer', { method: 'GET', url: '/api/v1/keys' })).statusCode).toBe(403);
      expect((await t.as('auditor', { method: 'POST', url: '/api/v1/keys/rewrap' })).statusCode).toBe(403);

      await t.as('admin', { method: 'PUT', url: '/api/v1/secrets/for-status', payload: { value: 'v' } });
      const status = await t.as('auditor', { method: 'GET', url: '/api/v1/keys' });
      expect(status.statusCode).toBe(200);
      const kek = t.services.keys.kek().id;
      expect(status.json()).toMatchObject({ current_master_key_id: kek, previous_keys_removable: true });
      const rewrap = await t.as('admin', { method: 'POST', url: '/api/v1/keys/rewrap' });
      expect(rewrap.statusCode, rewrap.body).toBe(200);
      expect(rewrap.json()).toMatchObject({ rewrapped: 0 });
    });

    it('writes no value to the server log, even at trace level and on refused requests', async () => {
      const database = await tdb.open();
      const services = await createServices(database);
      const lines: string[] = [];
      const { app } = await buildApp({ config: { bodyLimit: 1 << 20, authFailureLimit: 1000, trustProxy: false, logLevel: 'trace' }, services, logger: true, logWrite: (l) => lines.push(l) });
      try {
        const auth = { authorization: `Bearer ${(await services.tokens.create(systemActor, { name: 'logs', role: 'admin' })).token}` };
        const value = `logged-${randomBytes(16).toString('hex')}`;
        const inject = (method: 'PUT' | 'POST', url: string, payload: Record<string, unknown>) => app.inject({ method, url, headers: auth, payload });
        expect((await inject('PUT', '/api/v1/secrets/log-check', { value })).statusCode).toBe(201);
        expect((await inject('POST', '/api/v1/secrets/log-check/rotate', { value: `${value}-2` })).statusCode).toBe(200);
        expect((await inject('PUT', '/api/v1/secrets/log-check', { value: `${value}-3`, kind: 'generated' })).statusCode).toBe(400);
        expect((await inject('PUT', '/api/v1/secrets/Bad_Name', { value: `${value}-4` })).statusCode).toBe(400);
        expect((await inject('PUT', '/api/v1/secrets/log-check', { value: `${value}-5`, unexpected: `${value}-6` })).statusCode).toBe(400);
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.join('\n')).not.toContain(value);
      } finally {
        await app.close();
        await services.audit.stop();
        await database.close();
      }
    });
  });
}
