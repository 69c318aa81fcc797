/**
 * The text leases sends to the target: identifiers and literals quoted whatever the catalog or
 * an app name holds, only the granted columns, and one digest for equal approvals however they
 * are ordered. The same statements run against the real PostgreSQL in leases.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createRoleStatements, dropRoleStatements, grantsDigest, newPassword, newRoleName, normaliseGrants, validUntilStatement } from './sql.ts';
import { quoteIdent, quoteLiteral, splitTable } from '../db/pg-sql.ts';

describe('lease SQL', () => {
  it('quotes identifiers and literals so no input ends them', () => {
    expect(quoteIdent('employees')).toBe('"employees"');
    expect(quoteIdent('x"; DROP TABLE employees; --')).toBe('"x""; DROP TABLE employees; --"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("a\\'; select 1; --")).toBe("E'a\\\\''; select 1; --'");
    expect(() => quoteIdent('')).toThrow();
    expect(() => quoteIdent('a\0b')).toThrow();
    expect(() => quoteLiteral('a\0b')).toThrow();
  });

  it('names roles after the app, folded, bounded and never reusable', () => {
    const a = newRoleName('Leave-Requests');
    expect(a).toMatch(/^trellis_leave_requests_[0-9a-f]{10}$/);
    expect(newRoleName('Leave-Requests')).not.toBe(a);
    expect(newRoleName('"; drop role postgres; --')).toMatch(/^trellis_drop_role_postgres_[0-9a-f]{10}$/);
    expect(newRoleName('---')).toMatch(/^trellis_app_[0-9a-f]{10}$/);
    expect(Buffer.byteLength(newRoleName('x'.repeat(200)))).toBeLessThanOrEqual(63);
    expect(newPassword()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('splits schema-qualified names and keeps others in the target schema', () => {
    expect(splitTable('employees', 'hr')).toEqual(['hr', 'employees']);
    expect(splitTable('payroll.salaries', 'hr')).toEqual(['payroll', 'salaries']);
    expect(splitTable('.odd', 'hr')).toEqual(['hr', '.odd']);
  });

  it('creates a role with only the granted columns, and DELETE on the table', () => {
    const grants = normaliseGrants(
      [
        { table: 'employees', columns: ['name', 'id'], privileges: ['SELECT'] },
        { table: 'hr.employees', columns: ['leave_balance'], privileges: ['UPDATE', 'SELECT'] },
        { table: 'payroll.requests', columns: [], privileges: ['DELETE'] },
      ],
      'hr',
    );
    // UPDATE stays on the one column it was granted on; SELECT gathers the columns of both lines.
    expect(grants).toEqual([
      { table: 'hr.employees', columns: ['id', 'leave_balance', 'name'], privileges: ['SELECT'] },
      { table: 'hr.employees', columns: ['leave_balance'], privileges: ['UPDATE'] },
      { table: 'payroll.requests', columns: [], privileges: ['DELETE'] },
    ]);
    const statements = createRoleStatements('trellis_leave_0a1b2c3d4e', 'pw', '2026-12-06T21:00:00.000Z', grants, 'hr', [{ schema: 'payroll', name: 'requests_id_seq' }]);
    expect(statements).toEqual([
      `CREATE ROLE "trellis_leave_0a1b2c3d4e" LOGIN NOINHERIT NOCREATEDB NOCREATEROLE CONNECTION LIMIT 16 PASSWORD 'pw' VALID UNTIL '2026-12-06T21:00:00.000Z'`,
      'GRANT USAGE ON SCHEMA "hr" TO "trellis_leave_0a1b2c3d4e"',
      'GRANT USAGE ON SCHEMA "payroll" TO "trellis_leave_0a1b2c3d4e"',
      'GRANT SELECT ("id", "leave_balance", "name") ON "hr"."employees" TO "trellis_leave_0a1b2c3d4e"',
      'GRANT UPDATE ("leave_balance") ON "hr"."employees" TO "trellis_leave_0a1b2c3d4e"',
      'GRANT DELETE ON "payroll"."requests" TO "trellis_leave_0a1b2c3d4e"',
      'GRANT USAGE ON SEQUENCE "payroll"."requests_id_seq" TO "trellis_leave_0a1b2c3d4e"',
    ]);
    // A hostile column name from a catalog stays one quoted identifier.
    const [, , hostile] = createRoleStatements('r', 'pw', 't', [{ table: 't', columns: ['a") ON x TO public; --'], privileges: ['SELECT'] }], 'public');
    expect(hostile).toBe('GRANT SELECT ("a"") ON x TO public; --") ON "public"."t" TO "r"');
  });

  it('gives equal approvals one digest, and a different column or database another', () => {
    const id = { host: 'db', port: 5432, database: 'hr', schema: 'public', adminUser: 'admin' };
    const a = grantsDigest(id, normaliseGrants([{ table: 'employees', columns: ['id', 'name'], privileges: ['SELECT'] }], 'public'));
    const b = grantsDigest(id, normaliseGrants([{ table: 'public.employees', columns: ['name', 'id', 'id'], privileges: ['SELECT', 'SELECT'] }], 'public'));
    expect(b).toBe(a);
    expect(grantsDigest(id, normaliseGrants([{ table: 'employees', columns: ['id', 'name', 'ssn'], privileges: ['SELECT'] }], 'public'))).not.toBe(a);
    expect(grantsDigest({ ...id, database: 'hr2' }, normaliseGrants([{ table: 'employees', columns: ['id', 'name'], privileges: ['SELECT'] }], 'public'))).not.toBe(a);

    // A write approval: the same privileges on the same columns, split or merged, listed in any order.
    const write = grantsDigest(
      id,
      normaliseGrants(
        [
          { table: 'employees', columns: ['id', 'name', 'leave_balance'], privileges: ['SELECT'] },
          { table: 'employees', columns: ['leave_balance', 'name'], privileges: ['INSERT', 'UPDATE'] },
          { table: 'employees', columns: [], privileges: ['DELETE'] },
        ],
        'public',
      ),
    );
    const reordered = normaliseGrants(
      [
        { table: 'public.employees', columns: [], privileges: ['DELETE'] },
        { table: 'employees', columns: ['name'], privileges: ['UPDATE', 'INSERT'] },
        { table: 'employees', columns: ['leave_balance'], privileges: ['INSERT', 'UPDATE'] },
        { table: 'employees', columns: ['name', 'leave_balance', 'id'], privileges: ['SELECT'] },
      ],
      'public',
    );
    expect(reordered).toEqual([
      { table: 'public.employees', columns: ['id', 'leave_balance', 'name'], privileges: ['SELECT'] },
      { table: 'public.employees', columns: ['leave_balance', 'name'], privileges: ['INSERT', 'UPDATE'] },
      { table: 'public.employees', columns: [], privileges: ['DELETE'] },
    ]);
    expect(grantsDigest(id, reordered)).toBe(write);
    // UPDATE on the key too is a different approval.
    expect(grantsDigest(id, normaliseGrants([...reordered, { table: 'employees', columns: ['id'], privileges: ['UPDATE'] }], 'public'))).not.toBe(write);
  });

  it('renews and drops with quoted names', () => {
    expect(validUntilStatement('r"x', '2026-12-07T00:00:00.000Z')).toBe(`ALTER ROLE "r""x" VALID UNTIL '2026-12-07T00:00:00.000Z'`);
    expect(
      dropRoleStatements(
        'r',
        [
          { schema: 'hr', name: 'employees' },
          { schema: 'hr', name: 'leave_requests_id_seq', sequence: true },
        ],
        ['hr'],
      ),
    ).toEqual([
      'ALTER ROLE "r" NOLOGIN',
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'r'",
      'REVOKE ALL ON "hr"."employees" FROM "r"',
      'REVOKE USAGE ON SEQUENCE "hr"."leave_requests_id_seq" FROM "r"',
      'REVOKE ALL ON SCHEMA "hr" FROM "r"',
      'DROP ROLE "r"',
    ]);
  });
});
