/**
 * Dynamic credentials against the machine's real PostgreSQL as the "HR database", with
 * Trellis's own storage on SQLite and on PostgreSQL: a leased role reads its granted columns
 * and nothing else, one role for concurrent first requests, another replica reuses it, a
 * changed approval replaces it, an INSERT grant brings USAGE on the table's own sequences and no
 * other, renewal moves VALID UNTIL up to the maximum, and expiry, revocation and the app's
 * suspension leave no role behind.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';
import { resolveChecked } from '../egress/index.ts';
import { LeaseService, type LeaseOptions } from './service.ts';
import type { TableGrant } from './sql.ts';
import { approvedGrants as approved, employees, openHrDatabase, targetUrl, type HrDatabase } from './test-hr.ts';

const hex = (n: number) => randomBytes(n).toString('hex');

/** Whether a SCRAM-SHA-256 verifier (pg_authid.rolpassword) was made from this password. */
function scramMatches(verifier: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(verifier);
  if (!m) return false;
  const salted = pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), Number(m[1]), 32, 'sha256');
  const stored = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
  return stored === m[3];
}

for (const tdb of testDatabases) {
  describe(`dynamic PostgreSQL credentials, Trellis storage on ${tdb.name}`, () => {
    let hrdb: HrDatabase;
    let run: string;
    let hr: string;
    let admin: string;
    let appBase: string;
    let root: pg.Client;
    let database: Database;
    let services: Services;
    const replicas: LeaseService[] = [];
    const target: HrDatabase['target'] = (over) => hrdb.target(over);
    const roleRow: HrDatabase['roleRow'] = (role) => hrdb.roleRow(role);
    const rolesOf: HrDatabase['rolesOf'] = (app) => hrdb.rolesOf(app);

    /** Another replica's lease service on the same storage (options: its clock, its renewal window). */
    const replica = (opts: LeaseOptions = {}) => {
      const r = new LeaseService(
        {
          database,
          audit: services.audit,
          keys: services.keys,
          catalog: services.catalog,
          resolveChecked: (host, policy) => resolveChecked(host, policy),
          passwordOf: async (name, t) => (await services.secrets.resolve(name, { connector: t.connector, purpose: 'lease' })).value,
        },
        opts,
      );
      replicas.push(r);
      return r;
    };

    beforeAll(async () => {
      hrdb = await openHrDatabase();
      ({ run, schema: hr, admin, root } = hrdb);
      appBase = `leave-${run}`;
      database = await tdb.open();
      services = await createServices(database);
      await services.secrets.put({ actor: { type: 'user', id: 'ops' } }, hrdb.adminSecret, { value: hrdb.adminPassword, description: 'HR database: the role that creates leased roles' });
    });

    afterAll(async () => {
      for (const r of replicas) await r.stop();
      await hrdb.close();
      await services.audit.stop();
      await database.close();
    });

    it('gives a role that reads the approved columns and nothing else', async () => {
      const leases = replica();
      const app = `${appBase}-read`;
      const { pool, lease } = await leases.poolFor(app, target(), approved);
      expect(lease).toMatchObject({ app, connector: 'hr', state: 'active', grants: [{ table: `${hr}.employees`, columns: ['department', 'email', 'id', 'leave_balance', 'name'], privileges: ['SELECT'] }] });
      expect(lease.role).toMatch(new RegExp(`^trellis_leave_${run}_read_[0-9a-f]{10}$`));

      const rows = (await pool.query(`select id, name, email, department, leave_balance from ${hr}.employees order by id`)).rows;
      expect(rows.map((r: { name: string }) => r.name)).toEqual(employees.map((e) => e[1]));
      expect((await pool.query('select current_user as u')).rows[0].u).toBe(lease.role);

      await expect(pool.query(`select ssn from ${hr}.employees`)).rejects.toThrow(/permission denied/);
      await expect(pool.query(`select * from ${hr}.employees`)).rejects.toThrow(/permission denied/);
      await expect(pool.query(`select id from ${hr}.employees where ssn like '1%'`)).rejects.toThrow(/permission denied/);
      await expect(pool.query(`select * from ${hr}.salaries`)).rejects.toThrow(/permission denied/);
      await expect(pool.query(`update ${hr}.employees set leave_balance = 99 where id = 1`)).rejects.toThrow(/permission denied/);
      await expect(pool.query(`create table ${hr}.mine (x int)`)).rejects.toThrow(/permission denied/);

      // VALID UNTIL is the lease's end, and the password sealed in Trellis is the role's.
      const role = await roleRow(lease.role);
      expect(role!.rolvaliduntil!.toISOString()).toBe(lease.expires_at);
      const stored = await database.db.selectFrom('leases').select('password_enc').where('id', '=', lease.id).executeTakeFirstOrThrow();
      const { unseal } = await import('../keys/index.ts');
      const password = unseal(services.keys.derive('leases.password'), `lease/${lease.id}`, stored.password_enc);
      expect(scramMatches(role!.rolpassword!, password)).toBe(true);
      expect(Date.parse(lease.max_expires_at) - Date.parse(lease.created_at)).toBe(86_400_000);
      expect(Date.parse(lease.expires_at) - Date.parse(lease.created_at)).toBe(3_600_000);

      // The same request again is served from memory: same pool, same lease.
      const again = await leases.poolFor(app, target(), approved);
      expect(again.pool).toBe(pool);
      expect(again.lease.id).toBe(lease.id);

      // Audited, without the password.
      const events = await services.audit.list({ action: 'lease.create', resourceId: lease.id, limit: 10 });
      expect(events).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain(password);
      expect(events[0]!.event.unmapped ?? events[0]!.event).toBeDefined();
    });

    it('makes one role for concurrent first requests, and another replica logs in as the same role', async () => {
      const app = `${appBase}-burst`;
      const leases = replica();
      const got = await Promise.all(Array.from({ length: 6 }, () => leases.poolFor(app, target(), approved)));
      expect(new Set(got.map((g) => g.lease.id)).size).toBe(1);
      expect(new Set(got.map((g) => g.pool)).size).toBe(1);
      // Two replicas starting at once: each creates at most one role, one row wins, the loser drops its own.
      const other = replica();
      const [a, b] = await Promise.all([other.poolFor(app, target(), approved), replica().poolFor(app, target(), approved)]);
      expect(a.lease.id).toBe(got[0]!.lease.id);
      expect(b.lease.id).toBe(got[0]!.lease.id);
      expect(await rolesOf(app)).toEqual([got[0]!.lease.role]);
      expect((await a.pool.query(`select count(*)::int as n from ${hr}.employees where department = 'Finance'`)).rows[0].n).toBe(2);
      expect(await database.db.selectFrom('leases').select('id').where('app', '=', app).execute()).toHaveLength(1);
    });

    it('replaces the lease when the approved columns change, dropping the old role', async () => {
      const app = `${appBase}-change`;
      const leases = replica();
      const first = await leases.poolFor(app, target(), approved);
      const narrower: TableGrant[] = [{ table: 'employees', columns: ['id', 'name'], privileges: ['SELECT'] }];
      const second = await leases.poolFor(app, target(), narrower);
      expect(second.lease.id).not.toBe(first.lease.id);
      expect(first.pool.ended).toBe(true);
      expect(await leases.get(first.lease.id)).toMatchObject({ state: 'revoked', revoked_reason: 'the approved grants changed; replaced by a new lease', dropped_at: expect.any(String) });
      expect(await roleRow(first.lease.role)).toBeUndefined();
      await expect(second.pool.query(`select email from ${hr}.employees`)).rejects.toThrow(/permission denied/);
      expect((await second.pool.query(`select name from ${hr}.employees where id = 4`)).rows[0].name).toBe('Dev Patel');
    });

    it('grants write access column by column', async () => {
      const app = `${appBase}-write`;
      const { pool } = await replica().poolFor(app, target(), [
        { table: 'employees', columns: ['id', 'leave_balance'], privileges: ['SELECT', 'UPDATE'] },
        { table: `${hr}.salaries`, columns: [], privileges: ['DELETE'] },
      ]);
      await pool.query(`update ${hr}.employees set leave_balance = leave_balance - 1 where id = 3`);
      expect((await root.query(`select leave_balance from ${hr}.employees where id = 3`)).rows[0].leave_balance).toBe('6.5');
      await expect(pool.query(`update ${hr}.employees set department = 'Sales' where id = 3`)).rejects.toThrow(/permission denied/);
      await expect(pool.query(`insert into ${hr}.employees (id, leave_balance) values (9, 1)`)).rejects.toThrow(/permission denied/);
      await pool.query(`delete from ${hr}.salaries`);
      expect((await root.query(`select count(*)::int as n from ${hr}.salaries`)).rows[0].n).toBe(0);
    });

    it('grants USAGE on the sequences of the tables it may insert into, and on no other', async () => {
      const app = `${appBase}-seq`;
      const leases = replica();
      const { pool, lease } = await leases.poolFor(app, target(), [
        { table: 'leave_requests', columns: ['employee_id', 'days'], privileges: ['INSERT'] },
        { table: 'leave_requests', columns: ['id', 'ref', 'employee_id', 'days'], privileges: ['SELECT'] },
        // UPDATE without INSERT: salaries' rows are never numbered by this role.
        { table: 'employees', columns: ['leave_balance'], privileges: ['UPDATE'] },
      ]);
      const inserted = (await pool.query<{ id: number; ref: number | string }>(`insert into ${hr}.leave_requests (employee_id, days) values (1, 2), (3, 1.5) returning id, ref`)).rows;
      expect(inserted.map((r) => [r.id, Number(r.ref)])).toEqual([
        [1, 1],
        [2, 2],
      ]);
      await expect(pool.query(`select nextval('${hr}.invoice_numbers')`)).rejects.toThrow(/permission denied for sequence invoice_numbers/);
      await expect(pool.query(`select setval('${hr}.leave_requests_id_seq', 100)`)).rejects.toThrow(/permission denied/);
      const usage = await root.query<{ seq: string }>(`select object_name as seq from information_schema.usage_privileges where grantee = $2 and object_schema = $1 and object_type = 'SEQUENCE' order by 1`, [hr, lease.role]);
      expect(usage.rows.map((r) => r.seq)).toEqual(['leave_requests_id_seq', 'leave_requests_ref_seq']);
      // Its sequence privileges go with the role: nothing stops DROP ROLE.
      await leases.revoke(lease.id, 'test over', { type: 'user', id: 'ops' });
      expect(await leases.get(lease.id)).toMatchObject({ dropped_at: expect.any(String), drop_error: null });
      expect(await roleRow(lease.role)).toBeUndefined();
      await root.query(`delete from ${hr}.leave_requests`);
    });

    it('renews up to the maximum, on request and before use when little is left', async () => {
      const app = `${appBase}-renew`;
      const leases = replica();
      const short = target({ ttlSeconds: 600, maxTtlSeconds: 1800 });
      const { lease } = await leases.poolFor(app, short, approved);
      const renewed = await leases.renew(lease.id, 1200, { type: 'user', id: 'ops' });
      expect(Date.parse(renewed.expires_at)).toBeGreaterThan(Date.parse(lease.expires_at));
      expect((await roleRow(lease.role))!.rolvaliduntil!.toISOString()).toBe(renewed.expires_at);
      // Never past the maximum: a ttl over the connector's maximum is refused, the maximum itself is capped at max_expires_at.
      await expect(leases.renew(lease.id, 3600, { type: 'user', id: 'ops' })).rejects.toMatchObject({ code: 'validation_failed', errors: [{ path: 'ttl_seconds' }] });
      const capped = await leases.renew(lease.id, 1800, { type: 'user', id: 'ops' });
      expect(capped.expires_at).toBe(lease.max_expires_at);
      expect((await roleRow(lease.role))!.rolvaliduntil!.toISOString()).toBe(lease.max_expires_at);
      expect(await services.audit.list({ action: 'lease.renew', resourceId: lease.id, limit: 10 })).toHaveLength(2);

      // A replica that renews when less than an hour is left: the lease (10 min) is renewed on use.
      const app2 = `${appBase}-autorenew`;
      const first = await leases.poolFor(app2, target({ ttlSeconds: 600 }), approved);
      const eager = replica({ renewWithinMs: 3_600_000 });
      const used = await eager.poolFor(app2, target({ ttlSeconds: 1200 }), approved);
      expect(used.lease.id).toBe(first.lease.id);
      expect(used.lease.renewed_at).not.toBeNull();
      expect(Date.parse(used.lease.expires_at)).toBeGreaterThan(Date.parse(first.lease.expires_at));
      // Within the renewal window of its maximum, it is replaced instead.
      const atMax = await replica({ renewWithinMs: 86_400_000 }).poolFor(app2, target({ ttlSeconds: 1200 }), approved);
      expect(atMax.lease.id).not.toBe(first.lease.id);
      expect(await leases.get(first.lease.id)).toMatchObject({ state: 'revoked', revoked_reason: 'near its maximum lifetime; replaced by a new lease' });
      expect(await roleRow(first.lease.role)).toBeUndefined();
    });

    it('expires leases past their end: the sweeper drops the role and every replica closes its pool', async () => {
      const app = `${appBase}-expire`;
      const leases = replica();
      const { pool, lease } = await leases.poolFor(app, target(), approved);
      const held = await pool.connect(); // a session in progress is ended too
      held.on('error', () => {});
      const later = replica({ now: () => Date.now() + 2 * 3_600_000 });
      await later.sweep();
      expect(await later.get(lease.id)).toMatchObject({ state: 'expired', dropped_at: expect.any(String), drop_error: null });
      expect(await roleRow(lease.role)).toBeUndefined();
      await expect(held.query('select 1')).rejects.toThrow();
      held.release(true);
      await leases.refresh();
      expect(pool.ended).toBe(true);
      const events = await services.audit.list({ action: 'lease.expire', resourceId: lease.id, limit: 10 });
      expect(events).toHaveLength(1);
      expect(events[0]!.event.actor.user.type).toBe('system');
    });

    it('revokes by id, by app and by connector', async () => {
      const leases = replica();
      const one = await leases.poolFor(`${appBase}-rv1`, target(), approved);
      const revoked = await leases.revoke(one.lease.id, 'incident 42', { type: 'user', id: 'ops' });
      expect(revoked).toMatchObject({ state: 'revoked', revoked_reason: 'incident 42', dropped_at: expect.any(String) });
      expect(one.pool.ended).toBe(true);
      expect(await roleRow(one.lease.role)).toBeUndefined();
      await expect(leases.revoke(one.lease.id, 'again', { type: 'user', id: 'ops' })).rejects.toMatchObject({ code: 'lease_not_active' });
      await expect(leases.renew(one.lease.id, 600, { type: 'user', id: 'ops' })).rejects.toMatchObject({ code: 'lease_not_active' });
      await expect(leases.get('lse_00000000000000000000')).rejects.toMatchObject({ code: 'not_found' });

      const two = await leases.poolFor(`${appBase}-rv2`, target(), approved);
      expect((await leases.revokeApp(`${appBase}-rv2`, 'app kill switch', { type: 'user', id: 'ops' })).map((l) => l.id)).toEqual([two.lease.id]);
      expect(await roleRow(two.lease.role)).toBeUndefined();

      const three = await leases.poolFor(`${appBase}-rv3`, target({ connector: 'hr-b' }), approved);
      const ended = await leases.revokeConnector('hr-b', 'connector retired', { type: 'user', id: 'ops' });
      expect(ended.map((l) => l.id)).toEqual([three.lease.id]);
      expect(await roleRow(three.lease.role)).toBeUndefined();

      const page = await leases.list({ state: 'revoked', limit: 2 });
      expect(page.items).toHaveLength(2);
      expect(page.next_cursor).not.toBeNull();
      const rest = await leases.list({ state: 'revoked', limit: 200, cursor: page.next_cursor! });
      expect(rest.items.every((l) => l.state === 'revoked')).toBe(true);
      expect(new Set([...page.items, ...rest.items].map((l) => l.id)).has(one.lease.id)).toBe(true);
    });

    it("ends an app's leases with its suspension, and drops the role after the commit", async () => {
      const app = `${appBase}-suspend`;
      const jane = { actor: { type: 'user' as const, id: 'jane', name: 'jane@example.com' } };
      await services.catalog.register(jane, { value: { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: app }, spec: { owner: 'user:jane@example.com' } } });
      await database.db.transaction().execute(async (tx) => {
        await services.catalog.decideInTx(tx, jane, app, { from: 'draft', to: 'pending_review', reason: 'submitted', version: 1 });
        await services.catalog.decideInTx(tx, jane, app, { from: 'pending_review', to: 'approved', reason: 'approved', version: 1, approveVersion: true });
      });
      const leases = replica();
      const { pool, lease } = await leases.poolFor(app, target(), approved);
      await database.db.transaction().execute((tx) => services.catalog.suspendInTx(tx, jane, app, 'owner left'));
      expect(await leases.get(lease.id)).toMatchObject({ state: 'revoked', revoked_reason: `app ${app} suspended`, dropped_at: null });
      // What every replica does when told of the change (or on its next poll).
      await leases.refresh();
      expect(await leases.get(lease.id)).toMatchObject({ dropped_at: expect.any(String) });
      expect(pool.ended).toBe(true);
      expect(await roleRow(lease.role)).toBeUndefined();
      // A suspended app gets no new lease, even from a replica that has not heard yet.
      await expect(replica().poolFor(app, target(), approved)).rejects.toMatchObject({ code: 'forbidden' });
      expect(await rolesOf(app)).toEqual([]);
    });

    it('keeps a failed drop for the sweeper and removes roles a crash left behind', async () => {
      const app = `${appBase}-orphan`;
      // A role as a crash between CREATE ROLE and the lease row leaves it: ours by name, expired, no lease.
      const orphan = `trellis_leave_${run}_crashed_${hex(5)}`;
      const adminUrl = new URL(targetUrl);
      adminUrl.username = admin;
      adminUrl.password = hrdb.adminPassword;
      const asAdmin = new pg.Client({ connectionString: adminUrl.toString() });
      await asAdmin.connect();
      await asAdmin.query(`CREATE ROLE ${orphan} LOGIN VALID UNTIL '2020-01-01T00:00:00Z'`);
      await asAdmin.query(`GRANT USAGE ON SCHEMA ${hr} TO ${orphan}`);
      await asAdmin.query(`GRANT SELECT (id) ON ${hr}.employees TO ${orphan}`);
      await asAdmin.end();
      const leases = replica();
      const live = await leases.poolFor(app, target(), approved);
      const dropped = await leases.sweepOrphans();
      expect(dropped).toContain(orphan);
      expect(dropped).not.toContain(live.lease.role);
      expect(await roleRow(orphan)).toBeUndefined();
      expect(await roleRow(live.lease.role)).toBeDefined();

      // The admin cannot log in for a moment: the lease ends, the role stays, the failure is kept and retried.
      await root.query(`ALTER ROLE ${admin} NOLOGIN`);
      await leases.revoke(live.lease.id, 'test', { type: 'user', id: 'ops' });
      expect(await leases.get(live.lease.id)).toMatchObject({ state: 'revoked', dropped_at: null, drop_error: expect.stringContaining('dropping a leased role') });
      expect(await roleRow(live.lease.role)).toBeDefined();
      await root.query(`ALTER ROLE ${admin} LOGIN`);
      await leases.sweep();
      expect(await leases.get(live.lease.id)).toMatchObject({ dropped_at: expect.any(String), drop_error: null });
      expect(await roleRow(live.lease.role)).toBeUndefined();
      const failures = await services.audit.list({ action: 'lease.drop', resourceId: live.lease.id, limit: 10 });
      expect(failures.map((f) => f.event.status)).toContain('Failure');
    });

    it('refuses grants that name nothing, and a private host the connector does not allow', async () => {
      const leases = replica();
      await expect(leases.poolFor(`${appBase}-bad`, target(), [])).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(leases.poolFor(`${appBase}-bad`, target(), [{ table: 'employees', columns: [], privileges: ['SELECT'] }])).rejects.toMatchObject({ code: 'validation_failed', errors: [{ path: 'grants[0].columns' }] });
      await expect(leases.poolFor(`${appBase}-bad`, target({ allowPrivateHost: false }), approved)).rejects.toMatchObject({ code: 'egress_address_refused' });
      await expect(leases.poolFor(`${appBase}-bad`, target({ adminSecret: 'no-such-secret' }), approved)).rejects.toMatchObject({ code: 'secret_not_found' });
      await expect(leases.poolFor(`${appBase}-bad`, target(), [{ table: 'employees', columns: ['no_such_column'], privileges: ['SELECT'] }])).rejects.toMatchObject({ code: 'lease_target_failed', message: expect.stringContaining('no_such_column') });
      expect(await rolesOf(`${appBase}-bad`)).toEqual([]);
    });
  });
}
