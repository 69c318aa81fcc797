/**
 * Tests' "HR database" on the machine's real PostgreSQL: a schema of its own with an employees
 * table (realistic rows, an ssn column no app is granted), a salaries table, a leave_requests
 * table whose keys come from sequences and a sequence no table owns, and a connector
 * admin role that may create roles and pass on only what it holds. Names carry a random run id
 * (roles are cluster-wide); `close` drops the schema, the admin and every role made for the run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresUrl } from '../../test/databases.ts';
import type { PgTarget } from './target.ts';
import type { TableGrant } from './sql.ts';

export const targetUrl = postgresUrl || 'postgres://root@127.0.0.1:5432/test';

export const employees = [
  [1, 'Ana Pereira', 'ana.pereira@example.com', '123-45-6789', 'Finance', 18.5],
  [2, 'Bjorn Larsen', 'bjorn.larsen@example.com', '234-56-7890', 'Engineering', 22],
  [3, 'Chloe Martin', 'chloe.martin@example.com', '345-67-8901', 'Finance', 7.5],
  [4, 'Dev Patel', 'dev.patel@example.com', '456-78-9012', 'Sales', 12],
  [5, 'Eun-ji Kim', 'eunji.kim@example.com', '567-89-0123', 'Engineering', 30],
] as const;

/** What the leave-request app is approved to read. */
export const approvedGrants: TableGrant[] = [{ table: 'employees', columns: ['id', 'name', 'email', 'department', 'leave_balance'], privileges: ['SELECT'] }];

export interface HrDatabase {
  run: string;
  schema: string;
  admin: string;
  adminPassword: string;
  /** The secret name the target's adminSecret names. */
  adminSecret: string;
  /** A superuser connection, to look at what exists. */
  root: pg.Client;
  target(over?: Partial<PgTarget>): PgTarget;
  roleRow(role: string): Promise<{ rolname: string; rolvaliduntil: Date | null; rolpassword: string | null } | undefined>;
  /** The roles whose names start with trellis_<app folded>_. */
  rolesOf(app: string): Promise<string[]>;
  /** An app name unique to this run ("leave-<run>-<suffix>"). */
  app(suffix: string): string;
  close(): Promise<void>;
}

export async function openHrDatabase(): Promise<HrDatabase> {
  const run = randomBytes(4).toString('hex');
  const schema = `hr_${run}`;
  const admin = `lease_admin_${run}`;
  const adminPassword = randomBytes(16).toString('hex');
  const root = new pg.Client({ connectionString: targetUrl });
  await root.connect();
  await root.query(`CREATE SCHEMA ${schema}`);
  await root.query(`CREATE TABLE ${schema}.employees (id int primary key, name text not null, email text not null, ssn text not null, department text not null, leave_balance numeric(5,1) not null)`);
  for (const e of employees) await root.query(`INSERT INTO ${schema}.employees VALUES ($1, $2, $3, $4, $5, $6)`, [...e]);
  await root.query(`CREATE TABLE ${schema}.salaries (employee_id int primary key, amount numeric not null)`);
  await root.query(`INSERT INTO ${schema}.salaries VALUES (1, 81000), (2, 95000)`);
  // Keys the database numbers: a serial id and an identity reference, each with its own sequence.
  await root.query(`CREATE TABLE ${schema}.leave_requests (id serial primary key, ref bigint generated always as identity, employee_id int not null, days numeric(4,1) not null, status text not null default 'open')`);
  // A sequence no table owns, which no leased role may advance.
  await root.query(`CREATE SEQUENCE ${schema}.invoice_numbers`);
  // The connector's admin: may create roles and hand on what it holds, nothing more.
  await root.query(`CREATE ROLE ${admin} LOGIN CREATEROLE PASSWORD '${adminPassword}'`);
  await root.query(`GRANT USAGE ON SCHEMA ${schema} TO ${admin} WITH GRANT OPTION`);
  await root.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${admin} WITH GRANT OPTION`);
  await root.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${admin} WITH GRANT OPTION`);
  await root.query(`GRANT pg_signal_backend TO ${admin}`);
  const adminSecret = 'hr-db-admin';
  return {
    run,
    schema,
    admin,
    adminPassword,
    adminSecret,
    root,
    target: (over = {}) => ({
      connector: 'hr',
      host: '127.0.0.1',
      port: Number(new URL(targetUrl).port || 5432),
      database: new URL(targetUrl).pathname.slice(1) || 'test',
      schema,
      tls: 'disable',
      allowPrivateHost: true,
      adminUser: admin,
      adminSecret,
      ttlSeconds: 3600,
      maxTtlSeconds: 86_400,
      ...over,
    }),
    roleRow: async (role) => (await root.query<{ rolname: string; rolvaliduntil: Date | null; rolpassword: string | null }>('select rolname, rolvaliduntil, rolpassword from pg_authid where rolname = $1', [role])).rows[0],
    rolesOf: async (app) => (await root.query<{ rolname: string }>('select rolname from pg_roles where starts_with(rolname, $1)', [`trellis_${app.replaceAll('-', '_')}_`])).rows.map((r) => r.rolname),
    app: (suffix) => `leave-${run}-${suffix}`,
    close: async () => {
      const left = (await root.query<{ rolname: string }>('select rolname from pg_roles where starts_with(rolname, $1)', [`trellis_leave_${run}_`])).rows;
      // Privileges the admin granted are the admin's to revoke.
      await root.query(`SET ROLE ${admin}`);
      for (const { rolname } of left) {
        await root.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM "${rolname}"`);
        await root.query(`REVOKE USAGE ON ALL SEQUENCES IN SCHEMA ${schema} FROM "${rolname}"`);
        await root.query(`REVOKE ALL ON SCHEMA ${schema} FROM "${rolname}"`);
      }
      await root.query('RESET ROLE');
      for (const { rolname } of left) await root.query(`DROP ROLE "${rolname}"`);
      await root.query(`DROP SCHEMA ${schema} CASCADE`);
      await root.query(`DROP OWNED BY ${admin}`);
      await root.query(`DROP ROLE ${admin}`);
      await root.end();
    },
  };
}
