/**
 * The leases API and `trellis leases` against a built app whose gateway-side lease was made on
 * the real PostgreSQL: who may list, show, renew and revoke; renewal capped by the connector's
 * maximum; revocation drops the role; no answer ever carries a password.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { trellis } from '../../test/run-cli.ts';
import { approvedGrants, openHrDatabase, type HrDatabase } from './test-hr.ts';
import type { LeaseInfo } from './service.ts';

for (const tdb of testDatabases) {
  describe(`leases API and CLI on ${tdb.name}`, () => {
    let t: TestApp;
    let hrdb: HrDatabase;
    let env: Record<string, string>;

    beforeAll(async () => {
      hrdb = await openHrDatabase();
      t = await makeTestApp(tdb);
      await t.services.secrets.put({ actor: { type: 'user', id: 'ops' } }, hrdb.adminSecret, { value: hrdb.adminPassword });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      env = { TRELLIS_SERVER: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`, TRELLIS_TOKEN: t.tokens.admin };
    });
    afterAll(async () => {
      await t.close();
      await hrdb.close();
    });

    const lease = async (suffix: string, over = {}) => (await t.services.leases.poolFor(hrdb.app(suffix), hrdb.target(over), approvedGrants)).lease;

    it('lists and shows leases to admins, reviewers and auditors only', async () => {
      const l = await lease('api');
      for (const role of ['admin', 'reviewer', 'auditor'] as const) {
        const list = await t.as(role, { method: 'GET', url: `/api/v1/leases?app=${hrdb.app('api')}` });
        expect(list.statusCode).toBe(200);
        expect(list.json<{ items: LeaseInfo[] }>().items.map((i) => i.id)).toEqual([l.id]);
      }
      for (const role of ['builder', 'viewer'] as const) expect((await t.as(role, { method: 'GET', url: '/api/v1/leases' })).statusCode).toBe(403);
      const shown = await t.as('auditor', { method: 'GET', url: `/api/v1/leases/${l.id}` });
      expect(shown.json()).toMatchObject({ id: l.id, role: l.role, state: 'active', connector: 'hr', database: { host: '127.0.0.1', database: 'test' } });
      expect(shown.body).not.toMatch(/password/i);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/leases/lse_00000000000000000000' })).json()).toMatchObject({ code: 'not_found' });
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/leases/nope' })).statusCode).toBe(400);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/leases?state=gone' })).statusCode).toBe(400);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/leases?limit=1000' })).statusCode).toBe(400);
    });

    it('renews within the maximum and revokes, dropping the role', async () => {
      const l = await lease('manage', { maxTtlSeconds: 7200 });
      expect((await t.as('reviewer', { method: 'POST', url: `/api/v1/leases/${l.id}/renew`, payload: {} })).statusCode).toBe(403);
      const tooLong = await t.as('admin', { method: 'POST', url: `/api/v1/leases/${l.id}/renew`, payload: { ttl_seconds: 7201 } });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'ttl_seconds' }] });
      const renewed = await t.as('admin', { method: 'POST', url: `/api/v1/leases/${l.id}/renew` });
      expect(renewed.statusCode).toBe(200);
      expect(renewed.json<LeaseInfo>().expires_at).toBe(l.max_expires_at);

      expect((await t.as('auditor', { method: 'DELETE', url: `/api/v1/leases/${l.id}` })).statusCode).toBe(403);
      const revoked = await t.as('admin', { method: 'DELETE', url: `/api/v1/leases/${l.id}`, payload: { reason: 'leaked in a log' } });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json()).toMatchObject({ state: 'revoked', revoked_reason: 'leaked in a log', dropped_at: expect.any(String) });
      expect(await hrdb.roleRow(l.role)).toBeUndefined();
      const again = await t.as('admin', { method: 'DELETE', url: `/api/v1/leases/${l.id}` });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'lease_not_active' });
      const events = await t.services.audit.list({ resourceId: l.id, limit: 20 });
      expect(events.map((e) => e.event.api.operation)).toEqual(['lease.create', 'lease.renew', 'lease.revoke']);
    });

    it("drops the role by itself after the app's suspension commits (the running module, no call from the test)", async () => {
      const name = hrdb.app('suspend');
      const jane = { actor: { type: 'user' as const, id: 'jane', name: 'jane@example.com' } };
      await t.services.catalog.register(jane, { value: { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name }, spec: { owner: 'user:jane@example.com' } } });
      await t.services.database.db.transaction().execute(async (tx) => {
        await t.services.catalog.decideInTx(tx, jane, name, { from: 'draft', to: 'pending_review', reason: 'submitted', version: 1 });
        await t.services.catalog.decideInTx(tx, jane, name, { from: 'pending_review', to: 'approved', reason: 'approved', version: 1, approveVersion: true });
      });
      const { pool, lease: l } = await t.services.leases.poolFor(name, hrdb.target(), approvedGrants);
      await t.services.database.db.transaction().execute((tx) => t.services.catalog.suspendInTx(tx, jane, name, 'owner left'));
      // Told by NOTIFY on PostgreSQL, by its poll on SQLite: wait for it, then look.
      for (let i = 0; i < 500 && (await t.services.leases.get(l.id)).dropped_at === null; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await hrdb.roleRow(l.role)).toBeUndefined();
      expect(pool.ended).toBe(true);
      expect((await t.as('auditor', { method: 'GET', url: `/api/v1/leases/${l.id}` })).json()).toMatchObject({ state: 'revoked', revoked_reason: `app ${name} suspended`, dropped_at: expect.any(String) });
    });

    it('trellis leases list, show, renew and revoke', async () => {
      const l = await lease('cli');
      const list = await trellis(['leases', 'list', '--app', hrdb.app('cli')], env);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/ID\s+STATE\s+APP\s+CONNECTOR\s+ROLE\s+EXPIRES/);
      expect(list.stdout).toContain(l.id);
      const shown = await trellis(['leases', 'show', l.id], env);
      expect(shown.stdout).toContain(`role       ${l.role} on 127.0.0.1:`);
      expect(shown.stdout).toContain(`  SELECT ${hrdb.schema}.employees (department, email, id, leave_balance, name)`);
      const renewed = await trellis(['--output', 'json', 'leases', 'renew', l.id, '--ttl', '7200'], env);
      expect(renewed.code).toBe(0);
      expect(Date.parse((JSON.parse(renewed.stdout) as LeaseInfo).expires_at)).toBeGreaterThan(Date.parse(l.expires_at));
      expect((await trellis(['leases', 'renew', l.id, '--ttl', 'soon'], env)).code).not.toBe(0);
      const revoked = await trellis(['leases', 'revoke', l.id, '--reason', 'done'], env);
      expect(revoked.stdout).toBe(`revoked ${l.id}: role ${l.role} dropped\n`);
      expect(await hrdb.roleRow(l.role)).toBeUndefined();
      const gone = await trellis(['leases', 'revoke', l.id], env);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toContain('already revoked');
    });
  });
}
