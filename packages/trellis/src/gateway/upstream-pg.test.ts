/**
 * The leased role's grants come from the query compiler's own account of the columns it
 * touches (requiredColumns): SELECT on what a statement reads, INSERT and UPDATE on the approved
 * fields only. Checked as data, then on the machine's real PostgreSQL: the gateway's compiled
 * statements run on a role made from those grants, which reads the key it pages by but cannot
 * change it, numbers inserted rows from the table's own sequence and touches no other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteTestDb } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';
import { systemActor } from '../auth/index.ts';
import { openHrDatabase, type HrDatabase } from '../leases/test-hr.ts';
import { compileDelete, compileInsert, compileSelect, compileUpdate, deleteRequestSchema, insertRequestSchema, parseRequest, queryRequestSchema, updateRequestSchema, type QueryContext } from './query/index.ts';
import type { ResourceGrant } from './apps.ts';
import { tableGrantsOf } from './upstream-pg.ts';

const employees: QueryContext['resource'] = { name: 'employees', fields: ['id', 'name', 'email', 'ssn', 'department', 'leave_balance'].map((name) => ({ name })) };
const leaveRequests: QueryContext['resource'] = { name: 'leave_requests', fields: ['id', 'ref', 'employee_id', 'days', 'status'].map((name) => ({ name })), key: ['id'] };
const catalog = (name: string) => [employees, leaveRequests].find((r) => r.name === name);

describe('tableGrantsOf', () => {
  it('reads the approved fields, the row filters and the key; writes only the approved fields', () => {
    const read: ResourceGrant = { name: 'employees', fields: ['name', 'email', 'salary'], access: 'read', rowFilters: [{ field: 'department', op: 'eq', value: '$subject.department' }] };
    const write: ResourceGrant = { name: 'leave_requests', fields: ['employee_id', 'days'], access: 'read-write' };
    const gone: ResourceGrant = { name: 'payslips', fields: ['amount'], access: 'write' };
    expect(tableGrantsOf([read, write, gone], catalog)).toEqual([
      // `salary` is not in the catalog and `id` is the default key: the role reads what the compiler may name.
      { table: 'employees', columns: ['id', 'name', 'email', 'department'], privileges: ['SELECT'] },
      { table: 'leave_requests', columns: ['id', 'employee_id', 'days'], privileges: ['SELECT'] },
      { table: 'leave_requests', columns: ['employee_id', 'days'], privileges: ['INSERT', 'UPDATE'] },
      { table: 'leave_requests', columns: [], privileges: ['DELETE'] },
    ]);
  });
});

describe('a leased role made from tableGrantsOf, on PostgreSQL', () => {
  let hrdb: HrDatabase;
  let database: Database;
  let services: Services;
  const app = () => hrdb.app('gw');

  beforeAll(async () => {
    hrdb = await openHrDatabase();
    database = await openSqliteTestDb();
    services = await createServices(database);
    await services.secrets.put({ actor: { type: 'user', id: 'ops' } }, hrdb.adminSecret, { value: hrdb.adminPassword, description: 'HR database: the role that creates leased roles' });
  });

  afterAll(async () => {
    await services?.leases.revokeApp(app(), 'test over', systemActor).catch(() => {});
    await services?.leases.stop();
    await hrdb?.close();
    await services?.audit.stop();
    await database?.close();
  });

  it("runs the compiler's statements, reads the key without changing it, and numbers rows from the table's own sequence only", async () => {
    const hr = hrdb.schema;
    const grant: ResourceGrant = { name: 'leave_requests', fields: ['employee_id', 'days'], access: 'read-write' };
    const { pool, lease } = await services.leases.poolFor(app(), hrdb.target(), tableGrantsOf([grant], catalog));
    const ctx: QueryContext = { resource: { ...leaveRequests, schema: hr }, grant, cursorKey: Buffer.alloc(32, 7) };
    const run = (s: { text: string; values: unknown[] }) => pool.query(s.text, s.values);

    // The id comes from the serial's sequence, the ref from the identity column's.
    const inserted = await run(compileInsert(parseRequest(insertRequestSchema, { rows: [{ employee_id: 2, days: 1.5 }, { employee_id: 4, days: 3 }] }), ctx));
    expect(inserted.rowCount).toBe(2);
    const stored = (await hrdb.root.query(`select id, ref::int as ref, employee_id from ${hr}.leave_requests order by id`)).rows;
    expect(stored).toEqual([
      { id: 1, ref: 1, employee_id: 2 },
      { id: 2, ref: 2, employee_id: 4 },
    ]);

    // Reads page by the key, which the role may SELECT though the app is not approved for it.
    const select = compileSelect(parseRequest(queryRequestSchema, { limit: 1 }), ctx);
    const page = select.page((await run(select)).rows);
    expect(page.rows).toEqual([{ employee_id: 2, days: '1.5' }]);
    expect(page.nextCursor).not.toBeNull();
    expect((await run(compileUpdate(parseRequest(updateRequestSchema, { set: { days: 2 }, filter: [{ field: 'employee_id', op: 'eq', value: 2 }] }), ctx))).rowCount).toBe(1);

    // The key is read, never written; unapproved columns are neither; other sequences are not the role's.
    expect((await pool.query(`select id from ${hr}.leave_requests order by id`)).rows).toEqual([{ id: 1 }, { id: 2 }]);
    await expect(pool.query(`update ${hr}.leave_requests set id = id + 100`)).rejects.toThrow(/permission denied/);
    await expect(pool.query(`insert into ${hr}.leave_requests (id, employee_id, days) values (50, 1, 1)`)).rejects.toThrow(/permission denied/);
    await expect(pool.query(`select status from ${hr}.leave_requests`)).rejects.toThrow(/permission denied/);
    await expect(pool.query(`update ${hr}.leave_requests set status = 'approved'`)).rejects.toThrow(/permission denied/);
    await expect(pool.query(`select nextval('${hr}.invoice_numbers')`)).rejects.toThrow(/permission denied for sequence invoice_numbers/);

    expect((await run(compileDelete(parseRequest(deleteRequestSchema, { filter: [{ field: 'employee_id', op: 'eq', value: 4 }] }), ctx))).rowCount).toBe(1);
    expect((await hrdb.root.query(`select count(*)::int as n from ${hr}.leave_requests`)).rows[0].n).toBe(1);

    // Revoked, the role goes, its sequence privileges with it.
    await services.leases.revoke(lease.id, 'test over', systemActor);
    expect(await hrdb.roleRow(lease.role)).toBeUndefined();
  });
});
