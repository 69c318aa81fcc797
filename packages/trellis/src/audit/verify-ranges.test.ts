/**
 * Verification read by worker threads over ranges (verify-ranges.ts) must give exactly the
 * verdicts of the single pass: the same first break in the same words, the same row problems
 * in the same order, the same counts, and the ledger shown the same chain hashes. Each case
 * edits the table by SQL (at a range's first row, inside a range, at the ends) and compares
 * the two on one database, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { openPostgresTestDb, postgresUrl, testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { keyRingFrom } from '../keys/index.ts';
import type { AuditInput } from './ocsf.ts';
import { MAC_VERSION_V1, MAC_VERSION_V2 } from './integrity.ts';
import { AuditLog } from './service.ts';
import { rangeSourceOf } from './verify-ranges.ts';

const input = (i: number): AuditInput => ({
  class: 'api_activity',
  activity: 'update',
  action: 'app.update',
  actor: { type: 'user', id: 'alice' },
  resources: [{ type: 'app', id: `app-${i}` }],
  outcome: 'success',
  details: { i },
});

const EVENTS = 23;
/** Ranges of 5: rows 1, 6, 11, 16 and 21 open one. */
const RANGES = { minEvents: 1, rangeSize: 5, threads: 2 };

/** A new value for a column, given the row's current one (as tamper.test.ts edits them). */
const edits: Record<string, (v: unknown) => unknown> = {
  uid: () => randomUUID(),
  time: () => '2020-01-01T00:00:00.000Z',
  class_uid: () => 3002,
  action: () => 'app.delete',
  actor_id: () => 'mallory',
  resource_type: () => 'token',
  resource_id: () => 'app-999',
  app: () => 'app-999',
  outcome: () => 'failure',
  event: (v) => String(v).replace('"alice"', '"mallory"'),
  prev_hash: () => 'ab'.repeat(32),
  hash: () => 'cd'.repeat(32),
  mac: () => 'ef'.repeat(32),
  quarantined_at: () => new Date().toISOString(),
  pruned_at: () => new Date().toISOString(),
  prune_mac: () => 'ab'.repeat(32),
};

for (const tdb of testDatabases) {
  describe(`verification by ranges on ${tdb.name}`, () => {
    let database: Database;
    let single: AuditLog;
    let ranged: AuditLog;
    let macKey: Buffer;

    beforeAll(async () => {
      database = await tdb.open();
      const keys = keyRingFrom(randomBytes(32));
      macKey = keys.derive('audit.row-mac');
      single = new AuditLog(database, keys, { rangeVerify: false });
      ranged = new AuditLog(database, keys, { rangeVerify: RANGES });
      for (let i = 1; i <= EVENTS; i++) await single.record(input(i));
      await single.stop();
    });
    afterAll(async () => {
      await ranged.stop();
      await database.close();
    });

    const rowAt = async (seq: number): Promise<Record<string, unknown>> => (await sql<Record<string, unknown>>`select * from audit_events where seq = ${seq}`.execute(database.db)).rows[0]!;
    const set = async (id: unknown, column: string, value: unknown) => {
      await sql`update audit_events set ${sql.ref(column)} = ${value} where id = ${Number(id)}`.execute(database.db);
    };

    /** Both verifications, from the start and from `fromSeq`, with the chain hashes each showed. */
    const both = async (fromSeq?: number) => {
      const run = async (audit: AuditLog) => {
        const hashes: string[] = [];
        const result = await audit.verify({ ...(fromSeq === undefined ? {} : { fromSeq }), onLink: (h) => hashes.push(h) });
        return { result, hashes };
      };
      return { single: await run(single), ranged: await run(ranged) };
    };

    it('an intact trail: the same result, from the start and from inside a range', async () => {
      // Workers can open this database (a file, or a server): the ranged path is the one compared.
      expect(rangeSourceOf(database)).toBeDefined();
      for (const from of [undefined, 1, 7, 11, 23]) {
        const r = await both(from);
        expect(r.ranged, `from ${from}`).toEqual(r.single);
        expect(r.ranged.result.ok).toBe(true);
      }
      expect((await both()).ranged.result.count).toBe(EVENTS);
    });

    it.each(Object.keys(edits))('%s edited, at a range start, inside a range, first and last: the same verdict', async (column) => {
      for (const seq of [1, 6, 8, 11, 23]) {
        const row = await rowAt(seq);
        await set(row.id, column, edits[column]!(row[column]));
        const r = await both();
        expect(r.single.result.ok, `${column} at ${seq}`).toBe(false);
        expect(r.ranged, `${column} at ${seq}`).toEqual(r.single);
        const from = await both(seq > 3 ? seq - 2 : undefined);
        expect(from.ranged, `${column} at ${seq}, from ${seq - 2}`).toEqual(from.single);
        await set(row.id, column, row[column]);
      }
      expect((await both()).ranged.result.ok).toBe(true);
    });

    it('rows removed, moved and swapped: the same break', async () => {
      for (const seq of [6, 9, 23]) {
        const row = await rowAt(seq);
        // Out of the chain's way (a removed row), then back.
        await set(row.id, 'seq', seq + 1000);
        const r = await both();
        expect(r.ranged, `without ${seq}`).toEqual(r.single);
        await set(row.id, 'seq', seq);
      }
      const a = await rowAt(10);
      const b = await rowAt(11);
      await set(a.id, 'seq', -1);
      await set(b.id, 'seq', 10);
      await set(a.id, 'seq', 11);
      const swapped = await both();
      expect(swapped.single.result.broken?.seq).toBe(10);
      expect(swapped.ranged).toEqual(swapped.single);
      await set(a.id, 'seq', -1);
      await set(b.id, 'seq', 11);
      await set(a.id, 'seq', 10);
      expect((await both()).ranged.result.ok).toBe(true);
    });

    it('MACs missing from the first rows (written before MACs) and from a later one: the same problems', async () => {
      const saved = await Promise.all([1, 2, 3, 4, 5, 6, 7, 9, 14].map(rowAt));
      // Rows 1-7 read as written before MACs existed: accepted, since no earlier row has one.
      for (const r of saved.slice(0, 7)) await set(r.id, 'mac', null);
      const early = await both();
      expect(early.single.result.ok).toBe(true);
      expect(early.ranged).toEqual(early.single);
      // A MAC missing after rows that have one is reported (row 9 after row 8 in its range,
      // row 14 after whole ranges), and so are column edits on the way.
      await set(saved[7]!.id, 'mac', null);
      await set(saved[8]!.id, 'mac', null);
      await set(saved[2]!.id, 'actor_id', 'mallory');
      const later = await both();
      expect(later.single.result.problems.map((p) => [p.seq, p.reason])).toEqual([
        [3, 'column_mismatch'],
        [9, 'mac_missing'],
        [14, 'mac_missing'],
      ]);
      expect(later.ranged).toEqual(later.single);
      for (const r of saved) {
        await set(r.id, 'mac', r.mac);
        await set(r.id, 'actor_id', r.actor_id);
      }
      expect((await both()).ranged.result.ok).toBe(true);
    });

    it('rows with v1 MACs (written before app) and v2 MACs (before v3) beside v3 rows, one with its app edited: the same verdict', async () => {
      const saved = await Promise.all([2, 3, 6, 7, 8, 15].map(rowAt));
      for (const [i, r] of saved.entries()) {
        const old =
          i % 2 === 0
            ? JSON.stringify([MAC_VERSION_V2, Number(r.id), r.uid, r.time, Number(r.class_uid), r.action, r.actor_id, r.resource_type, r.resource_id, r.app, r.outcome, r.event])
            : JSON.stringify([MAC_VERSION_V1, Number(r.id), r.uid, r.time, Number(r.class_uid), r.action, r.actor_id, r.resource_type, r.resource_id, r.outcome, r.event]);
        await set(r.id, 'mac', createHmac('sha256', macKey).update(old, 'utf8').digest('hex'));
      }
      const intact = await both();
      expect(intact.single.result).toMatchObject({ ok: true, problemCount: 0 });
      expect(intact.ranged).toEqual(intact.single);
      // v1 does not cover app: the event does.
      await set(saved[3]!.id, 'app', 'app-999');
      const edited = await both();
      expect(edited.single.result.problems.map((p) => [p.seq, p.reason, p.columns])).toEqual([
        [7, 'column_mismatch', ['app']],
        [7, 'mac_mismatch', undefined],
      ]);
      expect(edited.ranged).toEqual(edited.single);
      await set(saved[3]!.id, 'app', saved[3]!.app);
      for (const r of saved) await set(r.id, 'mac', r.mac);
      expect((await both()).ranged.result.ok).toBe(true);
    });

    it('several problems and a break further on: the same list, nothing past the break', async () => {
      const saved = await Promise.all([2, 7, 12, 18].map(rowAt));
      await set(saved[0]!.id, 'outcome', 'failure');
      await set(saved[1]!.id, 'quarantined_at', new Date().toISOString());
      await set(saved[2]!.id, 'hash', 'cd'.repeat(32));
      await set(saved[3]!.id, 'action', 'app.delete');
      const r = await both();
      expect(r.single.result.broken?.seq).toBe(12);
      expect(r.ranged).toEqual(r.single);
      for (const [i, column] of ['outcome', 'quarantined_at', 'hash', 'action'].entries()) await set(saved[i]!.id, column, saved[i]![column]);
      expect((await both()).ranged.result.ok).toBe(true);
    });
  });
}

/**
 * A PostgreSQL worker checks a row on its bytes, assembling the MAC's input from the columns as
 * stored (verify-ranges.ts bytesHold), and trusts only a match. Values that JSON must escape
 * (quotes, backslashes, control characters) go to the text path; values that are not ASCII stay
 * on the bytes. Stored text that reads as another value's escaped form must not pass for it.
 */
const awkward: AuditInput[] = [
  { ...input(1), action: 'app."quoted" update' },
  { ...input(2), actor: { type: 'user', id: 'ana\\lyst' } },
  { ...input(3), actor: { type: 'user', id: 'zoë-日本-🙂' }, resources: [{ type: 'app', id: 'café\u2028menu' }] },
  { ...input(4), resources: [{ type: 'app', id: 'line\none\ttab' }] },
  { ...input(5), action: 'app.update\u007f', actor: { type: 'user', id: '/slash/' } },
  input(6),
];

for (const tdb of testDatabases) {
  describe(`verification by ranges on ${tdb.name}: columns JSON must escape, or not ASCII`, () => {
    let database: Database;
    let single: AuditLog;
    let ranged: AuditLog;

    beforeAll(async () => {
      database = await tdb.open();
      const keys = keyRingFrom(randomBytes(32));
      single = new AuditLog(database, keys, { rangeVerify: false });
      ranged = new AuditLog(database, keys, { rangeVerify: { minEvents: 1, rangeSize: 2, threads: 2 } });
      for (let round = 0; round < 2; round++) for (const e of awkward) await single.record(e);
      await single.stop();
    });
    afterAll(async () => {
      await ranged.stop();
      await database.close();
    });

    const rows = async () => (await sql<Record<string, unknown>>`select * from audit_events order by seq`.execute(database.db)).rows;
    const set = async (id: unknown, column: string, value: unknown) => {
      await sql`update audit_events set ${sql.ref(column)} = ${value} where id = ${Number(id)}`.execute(database.db);
    };

    it('verify whole, with the same result both ways', async () => {
      const [a, b] = [await single.verify(), await ranged.verify()];
      expect(a).toMatchObject({ ok: true, count: 12, problemCount: 0 });
      expect(b).toEqual(a);
    });

    it('a value stored as its own JSON escape, or with quotes put in, is found both ways', async () => {
      const all = await rows();
      const forgeries: [number, string, string][] = [
        // The escaped form of a quote and of a backslash, as they appear inside the MAC's input.
        [0, 'action', 'app.\\"quoted\\" update'],
        [1, 'actor_id', 'ana\\\\lyst'],
        // A control character as the two characters of its escape.
        [3, 'resource_id', 'line\\none\\ttab'],
        // Quotes put into a value: the text path judges the row.
        [4, 'actor_id', '"/slash/'],
        [5, 'action', 'app.update","user'],
      ];
      for (const [i, column, value] of forgeries) {
        const row = all[i]!;
        await set(row.id, column, value);
        const [a, b] = [await single.verify(), await ranged.verify()];
        expect(a.ok, `${column} = ${value}`).toBe(false);
        expect(b, `${column} = ${value}`).toEqual(a);
        await set(row.id, column, row[column]);
      }
      expect((await ranged.verify()).ok).toBe(true);
    });
  });
}

if (postgresUrl) {
  describe('verification by ranges on postgres: a worker that loses its connection', () => {
    it('fails the verification with the reason, gives no verdict, and the next one runs whole', async () => {
      const database = await openPostgresTestDb();
      const keys = keyRingFrom(randomBytes(32));
      const ranged = new AuditLog(database, keys, { rangeVerify: { minEvents: 1, rangeSize: 200, threads: 2 } });
      const admin = new pg.Client({ connectionString: postgresUrl });
      try {
        for (let b = 0; b < 6; b++) await database.db.transaction().execute((tx) => ranged.appendMany(tx, Array.from({ length: 1000 }, (_, i) => input(b * 1000 + i))));
        await ranged.seal();
        await admin.connect();
        // Cut off the workers' connections while they read, until a verification is caught
        // reading (one cut as it ends may find nothing left to read: it must then be whole).
        let failure: Error | undefined;
        for (let attempt = 0; !failure && attempt < 20; attempt++) {
          let settled = false;
          const verdict = ranged.verify().then(
            (r) => ({ r, err: undefined }),
            (err: Error) => ({ r: undefined, err }),
          );
          void verdict.then(() => (settled = true));
          while (!settled) await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and state = 'active' and query like 'copy (select id, seq%'`);
          const { r, err } = await verdict;
          if (r) expect(r).toMatchObject({ ok: true, count: 6000 });
          failure = err;
        }
        expect(failure?.message).toMatch(/^audit verification: .*(terminat|connection)/i);
        expect(await ranged.verify()).toMatchObject({ ok: true, count: 6000 });
      } finally {
        await admin.end();
        await ranged.stop();
        await database.close();
      }
    });
  });
}
