/**
 * Retiring a connector ends its dynamic credentials: the running services (connectors and
 * leases as createServices wires them), the machine's real PostgreSQL as the connector's
 * database, Trellis's own storage on SQLite and on PostgreSQL. After the retirement commits,
 * the connector's leases are revoked and audited under the retiring admin, their roles are gone
 * from pg_roles and their pools closed, and no new lease is made for it; another connector's
 * lease is left alone.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';
import { approvedGrants, openHrDatabase, type HrDatabase } from '../leases/test-hr.ts';

const ops = { actor: { type: 'token' as const, id: 'tok_ops', name: 'ops' } };
const hrConnector = readFileSync(new URL('../../../../examples/leave-requests/hr-connector.yaml', import.meta.url), 'utf8');

for (const tdb of testDatabases) {
  describe(`retiring a connector, Trellis storage on ${tdb.name}`, () => {
    let hrdb: HrDatabase;
    let database: Database;
    let services: Services;

    beforeAll(async () => {
      hrdb = await openHrDatabase();
      database = await tdb.open();
      services = await createServices(database);
      await services.secrets.put(ops, hrdb.adminSecret, { value: hrdb.adminPassword, description: 'HR database: the role that creates leased roles' });
    });

    afterAll(async () => {
      await services?.leases.stop();
      await hrdb?.close();
      await services?.audit.stop();
      await database?.close();
    });

    it('revokes its leases and drops their roles once the retirement commits', async () => {
      await services.connectors.apply(ops, { text: hrConnector });
      const app = hrdb.app('retire');
      const { pool, lease } = await services.leases.poolFor(app, hrdb.target({ connector: 'hr' }), approvedGrants);
      const other = await services.leases.poolFor(app, hrdb.target({ connector: 'hr-replica' }), approvedGrants);
      expect((await pool.query(`select count(*)::int as n from ${hrdb.schema}.employees`)).rows[0].n).toBe(5);

      expect(await services.connectors.retire(ops, 'hr', 'database decommissioned')).toMatchObject({ name: 'hr', status: 'retired' });

      expect(await hrdb.roleRow(lease.role)).toBeUndefined();
      expect(pool.ended).toBe(true);
      const listed = await services.leases.list({ connector: 'hr' });
      expect(listed.items).toEqual([expect.objectContaining({ id: lease.id, state: 'revoked', revoked_reason: 'connector hr retired: database decommissioned', dropped_at: expect.any(String), drop_error: null })]);
      const events = await services.audit.list({ action: 'lease.revoke', resourceId: lease.id, limit: 10 });
      expect(events).toHaveLength(1);
      expect(events[0]!.event).toMatchObject({ actor: { user: { uid: 'tok_ops' } }, unmapped: { reason: 'connector hr retired: database decommissioned', role: lease.role } });
      expect((await services.audit.verify()).ok).toBe(true);

      // A replica that has not heard of the retirement asks for a new lease: refused, no role made.
      await expect(services.leases.poolFor(app, hrdb.target({ connector: 'hr' }), approvedGrants)).rejects.toMatchObject({ code: 'forbidden', message: 'connector hr is retired: it gets no database credentials' });
      expect(await hrdb.rolesOf(app)).toEqual([other.lease.role]);

      // Another connector's lease of the same app is not this retirement's business.
      expect(await services.leases.get(other.lease.id)).toMatchObject({ state: 'active' });
      expect(await hrdb.roleRow(other.lease.role)).toBeDefined();
      await services.leases.revoke(other.lease.id, 'test over', ops.actor);
      expect(await hrdb.roleRow(other.lease.role)).toBeUndefined();
    });
  });
}
