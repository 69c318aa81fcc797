/**
 * The gateway on dynamic credentials: the app reads through its own leased PostgreSQL role,
 * granted only its approved columns (the leases module makes it); the call's audit event names
 * the lease. Also the export route: the app's token, the declared export only.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { systemActor } from '../auth/index.ts';
import { hrDatabaseUrl, startGatewayFixture, type GatewayFixture } from '../../test/gateway-fixture.ts';

for (const tdb of testDatabases) {
  describe(`gateway on dynamic credentials on ${tdb.name}`, () => {
    let f: GatewayFixture;
    beforeAll(async () => {
      f = await startGatewayFixture(tdb, { mode: 'dynamic' });
    }, 60_000);
    afterAll(async () => {
      await f?.t.services.leases.revokeApp('leave-requests', 'test over', systemActor).catch(() => {});
      await f?.close();
    });

    it("reads through the app's leased role, which holds only the approved columns", async () => {
      const r = await f.call({ method: 'POST', url: '/gw/v1/hr/employees/query', payload: { fields: ['id', 'name'], order: [{ field: 'id' }] } });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().rows.map((x: { name: string }) => x.name)).toEqual(['Ana Hr', 'Ben Finance', 'Cleo Finance']);
      await f.t.services.gateway.flushAudit();
      const [e] = await f.t.services.audit.list({ action: 'gateway.query', limit: 1 });
      const lease = (e!.event.unmapped as { lease?: string }).lease;
      expect(lease).toMatch(/^lse_/);
      const [info] = (await f.t.services.leases.list({ app: 'leave-requests' })).items;
      expect(info).toMatchObject({ id: lease, connector: 'hr' });
      const c = new pg.Client({ connectionString: hrDatabaseUrl });
      await c.connect();
      try {
        const cols = await c.query(`select column_name from information_schema.column_privileges where grantee = $1 and table_schema = $2 and privilege_type = 'SELECT' order by 1`, [info!.role, f.schema]);
        expect(cols.rows.map((x: { column_name: string }) => x.column_name)).toEqual(['email', 'id', 'leave_balance', 'name']);
      } finally {
        await c.end();
      }
    });

    it('refuses an export without a token, and one the app did not declare', async () => {
      const none = await f.t.app.inject({ method: 'POST', url: '/gw/v1/exports/slack', payload: { target: '#hr-leave', text: 'hi' } });
      expect(none.statusCode).toBe(401);
      const undeclared = await f.call({ method: 'POST', url: '/gw/v1/exports/slack', payload: { target: '#general', text: 'hi' } });
      expect(undeclared.statusCode).toBeGreaterThanOrEqual(400);
      expect(undeclared.statusCode).toBeLessThan(500);
      expect(undeclared.json().code).toBe('export_not_declared');
      const bad = await f.call({ method: 'POST', url: '/gw/v1/exports/slack', payload: { text: 'no target' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'target' }] });
    });
  });
}
