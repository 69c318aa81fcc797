/**
 * The SQL a lease runs on the target database, built as text because PostgreSQL takes no bind
 * parameters in CREATE ROLE, GRANT or ALTER ROLE. Every identifier is double-quoted and every
 * literal single-quoted here, from values the caller gives (app, table and column names from
 * the approved catalog) or we generate (role names, passwords, times): nothing reaches the
 * target unquoted. Pure functions, tested on their own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { quoteIdent, quoteLiteral, quoteTable, splitTable } from '../db/pg-sql.ts';

export type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
export const privileges: readonly Privilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * What a leased role may do on one table or view: these privileges on these columns only. A
 * table may appear in several grants (SELECT on the columns it reads, INSERT and UPDATE on the
 * fewer it writes); each grants its own privileges on its own columns, nothing more.
 */
export interface TableGrant {
  /** `employees` (in the target's schema) or `hr.employees`. */
  table: string;
  /** Empty for DELETE, which has no column form. */
  columns: string[];
  privileges: Privilege[];
}

/**
 * Grants in one order, one column set per table and privilege (sorted, deduplicated), and the
 * privileges that share a column set in one grant: equal approvals compare equal however they
 * are listed, and a read-only approval normalises to the single grant it always did.
 */
export function normaliseGrants(grants: readonly TableGrant[], defaultSchema: string): TableGrant[] {
  const byTable = new Map<string, Map<Privilege, Set<string>>>();
  for (const g of grants) {
    const key = splitTable(g.table, defaultSchema).join('.');
    const entry = byTable.get(key) ?? new Map<Privilege, Set<string>>();
    for (const p of g.privileges) {
      const columns = entry.get(p) ?? new Set<string>();
      if (p !== 'DELETE') for (const c of g.columns) columns.add(c);
      entry.set(p, columns);
    }
    byTable.set(key, entry);
  }
  const out: TableGrant[] = [];
  for (const [table, entry] of [...byTable.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const bySet = new Map<string, TableGrant>();
    for (const p of privileges) {
      const set = entry.get(p);
      if (!set) continue;
      const columns = [...set].sort();
      const same = bySet.get(JSON.stringify(columns));
      if (same) same.privileges.push(p);
      else bySet.set(JSON.stringify(columns), { table, columns, privileges: [p] });
    }
    out.push(...bySet.values());
  }
  return out;
}

/** What decides whether a lease still fits: the target's identity and the normalised grants. */
export function grantsDigest(identity: Record<string, string | number>, normalised: readonly TableGrant[]): string {
  return createHash('sha256').update(canonicalJson({ identity, grants: normalised })).digest('hex');
}

/** The prefix every leased role's name starts with: the sweeper only ever drops roles named so. */
export const rolePrefix = 'trellis_';

/** `trellis_<app>_<10 hex>`, the app's name folded to [a-z0-9_] and cut so the whole fits 63 bytes. */
export function newRoleName(app: string): string {
  const folded = app.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || 'app';
  return `${rolePrefix}${folded}_${randomBytes(5).toString('hex')}`;
}

/** 32 random bytes, base64url: nothing to quote, and far beyond guessing. */
export function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

/** A sequence on the target, as the catalog names it. */
export interface SequenceName {
  schema: string;
  name: string;
}

/**
 * The sequences a table's columns own: a `serial`'s (OWNED BY, dependency 'a') and an identity
 * column's (dependency 'i'), the two pg_get_serial_sequence knows. An INSERT that leaves such a
 * column to its default calls nextval, which needs USAGE on that sequence and on no other.
 * `$1` is the quoted table name.
 */
export const ownedSequencesQuery = `select n.nspname as schema, s.relname as name from pg_depend d
  join pg_class s on s.oid = d.objid and s.relkind = 'S' join pg_namespace n on n.oid = s.relnamespace
 where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjid = $1::regclass and d.refobjsubid > 0 and d.deptype in ('a', 'i')
 order by 1, 2`;

/**
 * Statements creating a role that can log in until `validUntil` and do only what `grants` say,
 * with USAGE on `sequences` (those owned by the tables it may INSERT into; ownedSequencesQuery).
 */
export function createRoleStatements(role: string, password: string, validUntil: string, grants: readonly TableGrant[], defaultSchema: string, sequences: readonly SequenceName[] = []): string[] {
  const r = quoteIdent(role);
  const out = [`CREATE ROLE ${r} LOGIN NOINHERIT NOCREATEDB NOCREATEROLE CONNECTION LIMIT 16 PASSWORD ${quoteLiteral(password)} VALID UNTIL ${quoteLiteral(validUntil)}`];
  const schemas = new Set(grants.map((g) => splitTable(g.table, defaultSchema)[0] ?? defaultSchema));
  for (const s of [...schemas].sort()) out.push(`GRANT USAGE ON SCHEMA ${quoteIdent(s)} TO ${r}`);
  for (const g of grants) {
    const table = quoteTable(g.table, defaultSchema);
    const cols = g.columns.map(quoteIdent).join(', ');
    for (const p of g.privileges) {
      // DELETE has no column form: it removes whole rows.
      if (p === 'DELETE') out.push(`GRANT DELETE ON ${table} TO ${r}`);
      else if (g.columns.length > 0) out.push(`GRANT ${p} (${cols}) ON ${table} TO ${r}`);
    }
  }
  for (const s of sequences) out.push(`GRANT USAGE ON SEQUENCE ${quoteIdent(s.schema)}.${quoteIdent(s.name)} TO ${r}`);
  return out;
}

export function validUntilStatement(role: string, validUntil: string): string {
  return `ALTER ROLE ${quoteIdent(role)} VALID UNTIL ${quoteLiteral(validUntil)}`;
}

/**
 * The tables/views, sequences and schemas a role holds privileges on, read from the target's
 * catalog rather than from what we granted: a table dropped since, or a role a crash left
 * behind with no lease row, is taken apart the same way. `$1` is the role's name.
 */
export const heldTablesQuery = `select n.nspname as schema, c.relname as name, c.relkind = 'S' as sequence from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where exists (select 1 from aclexplode(c.relacl) a where a.grantee = (select oid from pg_roles where rolname = $1))
    or exists (select 1 from pg_attribute t, aclexplode(t.attacl) a where t.attrelid = c.oid and a.grantee = (select oid from pg_roles where rolname = $1))`;
export const heldSchemasQuery = `select nspname as schema from pg_namespace where exists (select 1 from aclexplode(nspacl) a where a.grantee = (select oid from pg_roles where rolname = $1))`;

/**
 * Ending a role: no new logins, its sessions ended, its privileges taken back (revoking a
 * table's privileges takes its column privileges too), then the role itself. A sequence gets
 * back only the USAGE we grant: revoking ALL on one also revokes SELECT and UPDATE on its
 * columns, which an admin holding only USAGE on the sequence is refused.
 */
export function dropRoleStatements(role: string, tables: readonly { schema: string; name: string; sequence?: boolean }[], schemas: readonly string[]): string[] {
  const r = quoteIdent(role);
  const out = [`ALTER ROLE ${r} NOLOGIN`, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${quoteLiteral(role)}`];
  for (const t of tables) out.push(`REVOKE ${t.sequence ? 'USAGE ON SEQUENCE' : 'ALL ON'} ${quoteIdent(t.schema)}.${quoteIdent(t.name)} FROM ${r}`);
  for (const s of schemas) out.push(`REVOKE ALL ON SCHEMA ${quoteIdent(s)} FROM ${r}`);
  out.push(`DROP ROLE ${r}`);
  return out;
}
