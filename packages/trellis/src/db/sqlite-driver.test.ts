import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kysely, sql, type Generated } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type Database } from './database.ts';
import { GroupCommitSqliteDialect } from './sqlite-driver.ts';

// The tests' own table, outside Trellis' schema: the driver is what is under test.
interface Scratch {
  items: { id: Generated<number>; label: string };
  parents: { id: number };
  children: { id: number; parent: number };
}

describe('SQLite driver: group commit and statement cache', () => {
  let dir: string;
  let database: Database;
  let db: Kysely<Scratch>;

  const open = async (): Promise<void> => {
    database = await openDatabase({ dataDir: dir });
    db = database.db as unknown as Kysely<Scratch>;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trellis-sqlite-driver-'));
    await open();
    await sql`create table items (id integer primary key, label text not null unique)`.execute(db);
  });

  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (label: string) => db.transaction().execute((tx) => tx.insertInto('items').values({ label }).returning('id').executeTakeFirstOrThrow());
  const labels = async () => (await db.selectFrom('items').select('label').orderBy('label').execute()).map((r) => r.label);

  it('commits concurrent transactions together, each acknowledged only once durable', async () => {
    const before = { ...database.sqliteStats! };
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => insert(`item-${String(i).padStart(2, '0')}`)));
    expect(new Set(ids.map((r) => r.id)).size).toBe(40);
    const stats = database.sqliteStats!;
    expect(stats.units - before.units).toBe(40);
    // Forty callers queued at once share far fewer fsyncs than one each.
    expect(stats.commits - before.commits).toBeLessThan(10);
    // Acknowledged means on disk: a fresh connection after closing sees every row.
    await database.close();
    await open();
    expect(await labels()).toHaveLength(40);
  });

  it('a queue longer than one batch commits in several batches, every transaction acknowledged', async () => {
    const before = { ...database.sqliteStats! };
    const ids = await Promise.all(Array.from({ length: 700 }, (_, i) => insert(`many-${i}`)));
    expect(ids).toHaveLength(700);
    expect(database.sqliteStats!.units - before.units).toBe(700);
    expect(database.sqliteStats!.commits - before.commits).toBeGreaterThanOrEqual(3);
    expect(await labels()).toHaveLength(700);
  });

  it('transactions started by separate I/O callbacks in one event-loop turn share a commit', async () => {
    // As requests arrive: each callback runs its whole transaction before the next callback starts.
    const before = { ...database.sqliteStats! };
    const done = await Promise.all(Array.from({ length: 30 }, (_, i) => new Promise((resolve, reject) => setImmediate(() => insert(`cb-${i}`).then(resolve, reject)))));
    expect(done).toHaveLength(30);
    expect(database.sqliteStats!.units - before.units).toBe(30);
    expect(database.sqliteStats!.commits - before.commits).toBeLessThan(5);
  });

  it('a lone transaction commits at once', async () => {
    const before = { ...database.sqliteStats! };
    await insert('alone');
    expect(database.sqliteStats!.commits - before.commits).toBe(1);
  });

  it('a failing transaction rolls back alone; its batch-mates commit', async () => {
    await insert('taken');
    const outcomes = await Promise.allSettled([
      insert('a'),
      db.transaction().execute(async (tx) => {
        await tx.insertInto('items').values({ label: 'written then undone' }).execute();
        await tx.insertInto('items').values({ label: 'taken' }).execute(); // unique violation
      }),
      insert('b'),
      db.transaction().execute(async (tx) => {
        await tx.insertInto('items').values({ label: 'also undone' }).execute();
        throw new Error('caller gave up');
      }),
      insert('c'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[3] as PromiseRejectedResult).reason as Error).message).toBe('caller gave up');
    expect(await labels()).toEqual(['a', 'b', 'c', 'taken']);
  });

  it('a read never sees a batch that has not committed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ label: 'slow' }).execute();
      await gate;
    });
    const queued = insert('queued');
    const read = labels();
    release();
    const [, , seen] = await Promise.all([slow, queued, read]);
    // The read waited for the connection, which meant committing what ran before it.
    expect(seen).toEqual(['queued', 'slow']);
    expect(database.sqliteStats!.commits).toBeGreaterThan(0);
  });

  it('when the shared COMMIT fails, every transaction in the batch fails and none is kept', async () => {
    await sql`create table parents (id integer primary key)`.execute(db);
    await sql`create table children (id integer primary key, parent integer references parents(id) deferrable initially deferred)`.execute(db);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ label: 'innocent' }).execute();
      await gate;
    });
    // Checked only at COMMIT: the batch's commit fails.
    const orphan = db.transaction().execute((tx) => tx.insertInto('children').values({ id: 1, parent: 99 }).execute());
    release();
    const outcomes = await Promise.allSettled([first, orphan]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await labels()).toEqual([]);
    expect(await db.selectFrom('children').selectAll().execute()).toEqual([]);
    // The connection is usable afterwards.
    await insert('after');
    expect(await labels()).toEqual(['after']);
  });

  it('a full batch whose COMMIT fails fails each of its units, and the next batch goes on', async () => {
    await sql`create table parents (id integer primary key)`.execute(db);
    await sql`create table children (id integer primary key, parent integer references parents(id) deferrable initially deferred)`.execute(db);
    // The orphan is in the first batch, which commits when full (256 units) and fails there.
    const outcomes = await Promise.allSettled([
      db.transaction().execute((tx) => tx.insertInto('children').values({ id: 1, parent: 99 }).execute()),
      ...Array.from({ length: 299 }, (_, i) => insert(`full-${i}`)),
    ]);
    const rejected = outcomes.filter((o) => o.status === 'rejected').length;
    expect(rejected).toBe(256);
    expect(await labels()).toHaveLength(300 - 256);
    expect(await db.selectFrom('children').selectAll().execute()).toEqual([]);
  });

  it('prepares each statement once and reuses it', async () => {
    await insert('x');
    const before = database.sqliteStats!.prepared;
    for (let i = 0; i < 50; i++) await db.selectFrom('items').select('label').where('label', '=', `x${i}`).execute();
    expect(database.sqliteStats!.prepared - before).toBeLessThanOrEqual(1);
  });

  it('streams rows and runs the same query again while a stream is open elsewhere', async () => {
    for (const l of ['p', 'q', 'r']) await insert(l);
    const streamed: string[] = [];
    for await (const row of db.selectFrom('items').select('label').orderBy('label').stream()) streamed.push(row.label);
    expect(streamed).toEqual(['p', 'q', 'r']);
    expect(await labels()).toEqual(['p', 'q', 'r']);
  });
});

describe('SQLite driver: acknowledged only once the WAL is synced', () => {
  interface Row {
    items: { id: Generated<number>; label: string };
  }
  let dir: string;
  let conn: BetterSqlite3.Database;
  let db: Kysely<Row>;
  let syncs: { resolve(): void; reject(err: Error): void }[];
  let dialect: GroupCommitSqliteDialect;
  let manual: boolean;

  beforeEach(async () => {
    manual = true;
    dir = mkdtempSync(join(tmpdir(), 'trellis-sqlite-sync-'));
    conn = new BetterSqlite3(join(dir, 'x.db'));
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = NORMAL');
    syncs = [];
    // A sync the test completes by hand.
    dialect = new GroupCommitSqliteDialect(conn, () => (manual ? new Promise<void>((resolve, reject) => syncs.push({ resolve, reject })) : Promise.resolve()));
    db = new Kysely<Row>({ dialect });
    conn.exec('create table items (id integer primary key, label text not null)');
  });

  afterEach(async () => {
    manual = false;
    for (const s of syncs) s.resolve();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const settled = async <T>(p: Promise<T>): Promise<'pending' | 'fulfilled' | 'rejected'> => {
    const state = await Promise.race([p.then(() => 'fulfilled' as const, () => 'rejected' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), 30))]);
    return state;
  };

  it('a commit resolves after the sync that follows it, not before', async () => {
    const write = db.transaction().execute((tx) => tx.insertInto('items').values({ label: 'a' }).execute());
    expect(await settled(write)).toBe('pending');
    expect(syncs).toHaveLength(1);
    // Committed (visible) already, but not acknowledged.
    expect(conn.prepare('select count(*) n from items').get()).toEqual({ n: 1 });
    syncs[0]!.resolve();
    expect(await settled(write)).toBe('fulfilled');
  });

  it('commits made while a sync is in flight wait for the next one, and share it', async () => {
    const first = db.transaction().execute((tx) => tx.insertInto('items').values({ label: 'a' }).execute());
    await settled(first);
    const later = [0, 1, 2].map((i) => new Promise((resolve, reject) => setTimeout(() => db.transaction().execute((tx) => tx.insertInto('items').values({ label: `b${i}` }).execute()).then(resolve, reject), i * 5)));
    await new Promise((r) => setTimeout(r, 40));
    expect(syncs).toHaveLength(1);
    syncs[0]!.resolve();
    expect(await settled(first)).toBe('fulfilled');
    await new Promise((r) => setTimeout(r, 10));
    // One more sync covers all three later commits.
    expect(syncs).toHaveLength(2);
    expect(await settled(Promise.all(later))).toBe('pending');
    syncs[1]!.resolve();
    expect(await settled(Promise.all(later))).toBe('fulfilled');
    expect(dialect.stats.syncs).toBe(2);
  });

  it('a failed sync fails the commits that waited for it', async () => {
    const write = db.transaction().execute((tx) => tx.insertInto('items').values({ label: 'a' }).execute());
    await settled(write);
    syncs[0]!.reject(new Error('EIO'));
    await expect(write).rejects.toThrow('EIO');
    // The next commit gets a sync of its own.
    const next = db.transaction().execute((tx) => tx.insertInto('items').values({ label: 'b' }).execute());
    await settled(next);
    syncs[1]!.resolve();
    expect(await settled(next)).toBe('fulfilled');
  });

  it('a write with RETURNING outside a transaction waits for its sync too', async () => {
    const write = db.insertInto('items').values({ label: 'returning' }).returning('id').executeTakeFirstOrThrow();
    expect(await settled(write)).toBe('pending');
    syncs[0]!.resolve();
    expect(await settled(write)).toBe('fulfilled');
  });

  it('a write outside a transaction is acknowledged after its sync too', async () => {
    const write = db.insertInto('items').values({ label: 'plain' }).execute();
    expect(await settled(write)).toBe('pending');
    syncs[0]!.resolve();
    expect(await settled(write)).toBe('fulfilled');
    // Reads need no sync.
    expect(await db.selectFrom('items').select('label').execute()).toEqual([{ label: 'plain' }]);
    expect(syncs).toHaveLength(1);
  });
});
