/**
 * Someone with write access to the database but without the master key: every column of the
 * audit table edited by plain SQL, on a sealed row and on a pending one, rows forged pending
 * or forged already "sealed". Each must be refused by the sealer or named by verification —
 * online, offline from the database, and offline from an export.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { testDatabases, postgresUrl } from '../../test/databases.ts';
import { trellis } from '../../test/run-cli.ts';
import type { Database } from '../db/database.ts';
import { openTrellisDatabase as openDatabase } from '../modules.ts';
import { keyRingFrom, type KeyRing } from '../keys/index.ts';
import { canonicalJson } from '../canonical-json.ts';
import { chainHash } from './chain.ts';
import { toOcsf, type AuditInput } from './ocsf.ts';
import { AuditLog } from './service.ts';
import type { AuditVerifyResult } from './integrity.ts';
import { verifyDatabase, verifyExportFile } from './verify-offline.ts';

const input = (i: number): AuditInput => ({
  class: 'api_activity',
  activity: 'update',
  action: 'app.update',
  actor: { type: 'user', id: 'alice' },
  resources: [{ type: 'app', id: `app-${i}` }],
  outcome: 'success',
  details: { i },
});

/** A new value for each column of audit_events, given the row's current value. */
const tamper: Record<string, (v: unknown) => unknown> = {
  id: (v) => Number(v) + 1000,
  seq: (v) => Number(v) + 1000,
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

async function columnsOf(database: Database): Promise<string[]> {
  const row = await sql<Record<string, unknown>>`select * from audit_events limit 1`.execute(database.db);
  return Object.keys(row.rows[0]!);
}

async function setColumn(database: Database, id: number, column: string, value: unknown): Promise<void> {
  await sql`update audit_events set ${sql.ref(column)} = ${value} where id = ${id}`.execute(database.db);
}

async function rowAt(database: Database, where: { seq: number } | { id: number }): Promise<Record<string, unknown>> {
  const q = 'seq' in where ? sql`select * from audit_events where seq = ${where.seq}` : sql`select * from audit_events where id = ${where.id}`;
  return (await q.execute(database.db)).rows[0] as Record<string, unknown>;
}

/** Verification names the row: a chain break at it, or a row problem with its id or seq. */
function names(r: AuditVerifyResult, row: { id: number; seq: number | null }): boolean {
  return r.broken?.seq === row.seq || r.problems.some((p) => p.id === row.id || (row.seq !== null && p.seq === row.seq));
}

const key = (): KeyRing => keyRingFrom(randomBytes(32));

for (const tdb of testDatabases) {
  describe(`audit rows written without the key, on ${tdb.name}`, () => {
    const open: Database[] = [];
    afterEach(async () => {
      for (const d of open.splice(0)) await d.close();
    });
    const fresh = async (n = 5): Promise<{ database: Database; audit: AuditLog }> => {
      const database = await tdb.open();
      open.push(database);
      const audit = new AuditLog(database, key());
      for (let i = 1; i <= n; i++) await audit.record(input(i));
      // Seal, and clear the timers the appends left: no seal may run in the middle of a tamper
      // step below (it would chain an unsealed row again before the test edits it).
      await audit.stop();
      return { database, audit };
    };

    it('an intact trail verifies, with every row MAC-checked', async () => {
      const { audit } = await fresh();
      expect(await audit.verify()).toMatchObject({ ok: true, count: 5, problemCount: 0, macChecked: true });
    });

    it('every column of a sealed row, edited by SQL, is named by verification', async () => {
      const { database, audit } = await fresh();
      const columns = await columnsOf(database);
      expect(columns.sort()).toEqual(Object.keys(tamper).sort());
      for (const column of columns) {
        const original = await rowAt(database, { seq: 3 });
        const id = Number(original.id);
        await setColumn(database, id, column, tamper[column]!(original[column]));
        const r = await audit.verify();
        expect(r.ok, column).toBe(false);
        // Moving the row's seq breaks the chain where the row was.
        expect(column === 'seq' ? r.broken?.seq === 4 : names(r, { id: column === 'id' ? id + 1000 : id, seq: 3 }), `${column}: ${JSON.stringify(r)}`).toBe(true);
        if (column === 'actor_id') {
          // The edit moves the row into mallory's search results, and verification says why.
          expect((await audit.list({ actor: 'mallory', limit: 10 })).map((e) => e.seq)).toEqual([3]);
          expect(r.problems.find((p) => p.seq === 3)).toMatchObject({ reason: 'column_mismatch', columns: ['actor_id'] });
        }
        await setColumn(database, column === 'id' ? id + 1000 : id, column, original[column]);
        expect((await audit.verify()).ok, `${column} restored`).toBe(true);
      }
      // A MAC removed from a row after rows that have one.
      await setColumn(database, Number((await rowAt(database, { seq: 3 })).id), 'mac', null);
      expect((await audit.verify()).problems).toMatchObject([{ seq: 3, reason: 'mac_missing' }]);
    });

    it.each(Object.keys(tamper).filter((c) => c !== 'seq'))('a pending row with %s edited is never chained, and the tamper is recorded', async (column) => {
      const { database, audit } = await fresh();
      // Unseal the newest row (what an attacker does before editing a suffix), then edit it.
      const row = await rowAt(database, { seq: 5 });
      const id = Number(row.id);
      await sql`update audit_events set seq = null, prev_hash = null, hash = null where id = ${id}`.execute(database.db);
      const value = tamper[column]!(column === 'prev_hash' || column === 'hash' ? null : row[column]);
      await setColumn(database, id, column, value);
      const movedId = column === 'id' ? Number(value) : id;
      await audit.seal();
      const after = await rowAt(database, { id: movedId });
      expect(after.seq).toBeNull();
      const r = await audit.verify();
      expect(r.ok).toBe(false);
      expect(r.problems.some((p) => p.id === movedId && p.seq === null), JSON.stringify(r.problems)).toBe(true);
      const tampers = await audit.list({ action: 'audit.tamper_detected', limit: 10 });
      if (column === 'quarantined_at') {
        // Marking a valid row refused hides it from the sealer; verification still names it.
        expect(tampers).toEqual([]);
        return;
      }
      expect(after.quarantined_at).not.toBeNull();
      expect(tampers).toHaveLength(1);
      expect(tampers[0]!.event).toMatchObject({ status: 'Failure', resources: [{ type: 'audit_event', uid: String(movedId) }] });
      expect(JSON.stringify(tampers[0])).not.toContain('mallory');
      // Quarantined rows are not examined again: another seal records nothing new.
      await audit.seal();
      expect(await audit.list({ action: 'audit.tamper_detected', limit: 10 })).toHaveLength(1);
    });

    it('a pending row given back its seq without the chain fields breaks the chain there', async () => {
      const { database, audit } = await fresh();
      await sql`update audit_events set prev_hash = null, hash = null where seq = 5`.execute(database.db);
      expect((await audit.verify()).broken).toMatchObject({ seq: 5 });
    });

    it('an unsealed but unedited suffix is re-chained as it was', async () => {
      const { database, audit } = await fresh();
      const head = await audit.head();
      await sql`update audit_events set seq = null, prev_hash = null, hash = null where seq >= 4`.execute(database.db);
      expect(await audit.head()).toEqual(head);
      expect((await audit.verify()).ok).toBe(true);
    });

    it('a forged pending row is never chained; the trail says so online, offline and in an export', async () => {
      const { database, audit } = await fresh();
      const uid = randomUUID();
      const time = new Date();
      const event = canonicalJson(toOcsf({ ...input(9), actor: { type: 'user', id: 'mallory' } }, { uid, time }));
      await sql`insert into audit_events (uid, time, class_uid, action, actor_id, resource_type, resource_id, app, outcome, event, mac) values (${uid}, ${time.toISOString()}, ${6003}, ${'app.update'}, ${'mallory'}, ${'app'}, ${'app-9'}, ${'app-9'}, ${'success'}, ${event}, ${'00'.repeat(32)})`.execute(database.db);
      const forgedId = Number((await sql<{ id: number }>`select id from audit_events where uid = ${uid}`.execute(database.db)).rows[0]!.id);
      const r = await audit.verify();
      expect(r).toMatchObject({ ok: false, count: 6 });
      expect(r.problems).toMatchObject([{ id: forgedId, seq: null, reason: 'quarantined' }]);
      expect(await audit.list({ actor: 'mallory', limit: 10 })).toEqual([]);
      const [tamperEvent] = await audit.list({ action: 'audit.tamper_detected', limit: 10 });
      expect(tamperEvent?.event).toMatchObject({ class_uid: 2004, status: 'Failure', unmapped: { row_id: forgedId, reason: 'mac_mismatch' } });

      const dir = mkdtempSync(join(tmpdir(), 'audit-tamper-'));
      const lines: string[] = [];
      for await (const rec of audit.export()) lines.push(JSON.stringify(rec));
      writeFileSync(join(dir, 'trail.jsonl'), lines.join('\n') + '\n');
      expect(await verifyExportFile(join(dir, 'trail.jsonl'))).toMatchObject({ ok: false, count: 6, problemCount: 1 });
      // Dropping the problems line from the file does not hide the tamper event in the chain.
      expect(lines.at(-1)).toContain('"problems"');
      if (database.dialect === 'postgres') {
        expect(await verifyDatabase({ url: postgresUrl, schema: database.schema!, graceMs: 0 })).toMatchObject({ ok: false, pending: 1 });
      }
    });

    it('a row forged as already sealed (chain hashes recomputed, no key) fails its MAC', async () => {
      const { database, audit } = await fresh();
      const head = await audit.head();
      const uid = randomUUID();
      const time = new Date();
      const event = canonicalJson(toOcsf({ ...input(9), actor: { type: 'user', id: 'mallory' } }, { uid, time }));
      const hash = chainHash(head.hash, event);
      for (const mac of [null, 'ab'.repeat(32)]) {
        await sql`delete from audit_events where uid = ${uid}`.execute(database.db);
        await sql`insert into audit_events (seq, uid, time, class_uid, action, actor_id, resource_type, resource_id, app, outcome, event, prev_hash, hash, mac) values (${head.seq + 1}, ${uid}, ${time.toISOString()}, ${6003}, ${'app.update'}, ${'mallory'}, ${'app'}, ${'app-9'}, ${'app-9'}, ${'success'}, ${event}, ${head.hash}, ${hash}, ${mac})`.execute(database.db);
        const r = await audit.verify();
        expect(r.broken).toBeUndefined();
        expect(r).toMatchObject({ ok: false, problems: [{ seq: head.seq + 1, reason: mac === null ? 'mac_missing' : 'mac_mismatch' }] });
      }
    });

    it('a second server with another key refuses the first one\'s rows instead of chaining them', async () => {
      const { database } = await fresh(0);
      const a = new AuditLog(database, key());
      const b = new AuditLog(database, key());
      await database.db.transaction().execute((tx) => a.appendMany(tx, [input(1)]));
      const r = await b.verify();
      expect(r.ok).toBe(false);
      // SQLite chained the row as it was written, so b names its MAC. On PostgreSQL it depends on
      // who seals first: b refuses the row (quarantined), or a's own sealing timer chained it and
      // b names its MAC. Either way b trusts nothing a's key wrote.
      if (database.dialect === 'sqlite') expect(r.problems[0]).toMatchObject({ seq: 1, reason: 'mac_mismatch' });
      else expect([{ seq: null, reason: 'quarantined' }, { seq: 1, reason: 'mac_mismatch' }]).toContainEqual({ seq: r.problems[0]!.seq, reason: r.problems[0]!.reason });
    });
  });
}

describe('trellis audit verify --data-dir (offline, SQLite)', () => {
  it('exits non-zero naming a forged row, where it used to print "pending" and exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
    const master = randomBytes(32);
    writeFileSync(join(dir, 'master.key'), master.toString('base64') + '\n', { mode: 0o600 });
    const database = await openDatabase({ sqliteFile: join(dir, 'trellis.db') });
    const audit = new AuditLog(database, keyRingFrom(master));
    for (let i = 0; i < 3; i++) await audit.record(input(i));
    const ok = await verifyDatabase({ sqliteFile: join(dir, 'trellis.db') });
    expect(ok).toMatchObject({ ok: true, count: 3, macChecked: true, pending: 0 });
    const event = canonicalJson(toOcsf(input(7), { uid: randomUUID(), time: new Date() }));
    await sql`insert into audit_events (uid, time, class_uid, action, actor_id, outcome, event) values (${randomUUID()}, ${new Date().toISOString()}, ${6003}, ${'app.update'}, ${'alice'}, ${'success'}, ${event})`.execute(database.db);
    await database.close();
    const run = await trellis(['audit', 'verify', '--data-dir', dir]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/NOT OK: 1 row problem.*row 4 is not in the chain: it has no MAC/);
  });
});
