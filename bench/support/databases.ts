/**
 * Scratch databases for benchmarks: a temporary SQLite file, or a fresh schema on the
 * PostgreSQL server at TRELLIS_BENCH_DATABASE_URL (default the machine's `test` database),
 * removed afterwards unless kept for inspection.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../../packages/trellis/src/db/database.ts';
import { openTrellisDatabase as openDatabase } from '../../packages/trellis/src/modules.ts';

export type BenchDbKind = 'sqlite' | 'postgres';

export const benchPgUrl = process.env.TRELLIS_BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

export interface BenchDatabase {
  database: Database;
  /** Close, and drop the scratch database unless `keep`; returns where a kept one is. */
  dispose(keep?: boolean): Promise<string | undefined>;
}

export async function openBenchDatabase(kind: BenchDbKind, name: string, poolSize = 10): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
    const database = await openDatabase({ sqliteFile: join(dir, 'trellis.db') });
    return {
      database,
      async dispose(keep) {
        await database.close();
        if (keep) return join(dir, 'trellis.db');
        rmSync(dir, { recursive: true, force: true });
        return undefined;
      },
    };
  }
  const schema = 'bench_' + randomUUID().replace(/-/g, '').slice(0, 10);
  const database = await openDatabase({ url: benchPgUrl, schema, poolSize });
  return {
    database,
    async dispose(keep) {
      await database.close();
      if (keep) return `schema ${schema}`;
      const c = new pg.Client({ connectionString: benchPgUrl });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
      return undefined;
    },
  };
}

/** Run a bench on SQLite and/or PostgreSQL (`which`: sqlite | postgres | both); an unreachable server is reported, not fatal. */
export async function onDatabases(which: string, run: (kind: BenchDbKind) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const results: Record<string, unknown>[] = [];
  if (which === 'sqlite' || which === 'both') results.push(await run('sqlite'));
  if (which === 'postgres' || which === 'both') {
    try {
      results.push(await run('postgres'));
    } catch (err) {
      results.push({ database: 'postgres', skipped: `not reachable at ${benchPgUrl}: ${(err as Error).message}` });
    }
  }
  return results;
}
