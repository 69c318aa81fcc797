import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kysely, sql } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type Database } from './database.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';

interface Scratch {
  blobs: { id: number; body: string };
}

const walSize = (file: string) => statSync(`${file}-wal`).size;

describe('SQLite checkpoints off the event loop', () => {
  let dir: string;
  let database: Database;
  let db: Kysely<Scratch>;
  const file = () => join(dir, 'trellis.db');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trellis-checkpointer-'));
    database = await openDatabase({ dataDir: dir });
    db = database.db as unknown as Kysely<Scratch>;
    await sql`create table blobs (id integer primary key, body text not null)`.execute(db);
  });

  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = async (from: number, n: number) => {
    for (let i = from; i < from + n; i++) await db.transaction().execute((tx) => tx.insertInto('blobs').values({ id: i, body: 'x'.repeat(4000) }).execute());
  };

  it('the server connection never checkpoints inside a commit; the worker does, and the WAL restarts from its beginning', async () => {
    const checkpointer = database.sqliteCheckpointer!;
    expect(checkpointer).toBeDefined();
    const [auto] = (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows;
    expect(auto!.wal_autocheckpoint).toBe(0);

    // Past SQLite's own 1000-page trigger: with the default, a commit would have checkpointed.
    await write(0, 1500);
    const grown = walSize(file());
    expect(grown).toBeGreaterThan(4096 * 1000);
    await checkpointer.checkpointNow();
    const s = checkpointer.stats();
    expect(s.checkpoints).toBeGreaterThanOrEqual(1);
    expect(s.errors).toBe(0);
    // Everything the WAL held was copied into the database file.
    expect(s.lastCheckpointed).toBe(s.lastLog);

    // The next write starts the WAL over: its size stops growing from where it was.
    await write(1500, 10);
    await checkpointer.checkpointNow();
    expect(checkpointer.stats().lastLog).toBeLessThan(100);
    expect(walSize(file())).toBeLessThanOrEqual(grown);
  });

  it('what was checkpointed is in the database file: a fresh connection reads every row after the server closed', async () => {
    await write(0, 300);
    await database.sqliteCheckpointer!.checkpointNow();
    await write(300, 5);
    await database.close();
    const conn = new BetterSqlite3(file(), { readonly: true });
    try {
      expect(conn.prepare('select count(*) as n, sum(length(body)) as bytes from blobs').get()).toEqual({ n: 305, bytes: 305 * 4000 });
    } finally {
      conn.close();
    }
    database = await openDatabase({ dataDir: dir });
    db = database.db as unknown as Kysely<Scratch>;
  });

  it('checkpoints on its own once the WAL passes the threshold, without being asked', async () => {
    // A second checkpointer on the same file, with a small threshold and a short interval.
    const own = startCheckpointer(file(), { thresholdBytes: 64 * 1024, intervalMs: 20 });
    try {
      await write(0, 100);
      const deadline = Date.now() + 10_000;
      while (own.stats().checkpoints === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(own.stats().checkpoints).toBeGreaterThanOrEqual(1);
      expect(own.stats().errors).toBe(0);
    } finally {
      await own.stop();
    }
  });

  it('an in-memory database has no checkpointer', async () => {
    const mem = await openDatabase({ sqliteFile: ':memory:' });
    try {
      expect(mem.sqliteCheckpointer).toBeUndefined();
    } finally {
      await mem.close();
    }
  });
});
