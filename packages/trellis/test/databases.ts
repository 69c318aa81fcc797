/**
 * The databases tests run against: SQLite always, PostgreSQL when TRELLIS_TEST_DATABASE_URL
 * is set (CI sets it to the machine's server). Each opened database is fresh — a temporary
 * SQLite file, or a new PostgreSQL schema dropped on close — so test files never share state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../src/db/database.ts';
import { openTrellisDatabase as openDatabase } from '../src/modules.ts';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  open(): Promise<Database>;
}

export const postgresUrl = process.env.TRELLIS_TEST_DATABASE_URL || '';

async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

export function openSqliteTestDb(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-test-'));
  return openDatabase({ sqliteFile: join(dir, 'trellis.db') }).then((db) => ({
    ...db,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  }));
}

export async function openPostgresTestDb(): Promise<Database> {
  const schema = 't_' + randomBytes(6).toString('hex');
  const db = await openDatabase({ url: postgresUrl, schema });
  return {
    ...db,
    close: async () => {
      await db.close();
      await dropSchema(postgresUrl, schema);
    },
  };
}

export const testDatabases: TestDatabase[] = [
  { name: 'sqlite', open: openSqliteTestDb },
  ...(postgresUrl ? [{ name: 'postgres' as const, open: openPostgresTestDb }] : []),
];
