/**
 * PostgreSQL's sealer chains this process's own pending rows from the text it wrote, reading
 * back only their ids and MACs (service.ts, `OwnPending`). These tests hold the chain lock so
 * that a row stays pending while plain SQL edits it, then let the sealer run: an edited MAC or
 * chain column sends the row down the whole-row path and into quarantine; an edited event
 * under an unchanged MAC is chained as written, and verification names the row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { postgresUrl, openPostgresTestDb } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { keyRingFrom } from '../keys/index.ts';
import type { AuditInput } from './ocsf.ts';
import { AuditLog } from './service.ts';
import { lockChain } from './store.ts';

const input = (i: number): AuditInput => ({
  class: 'api_activity',
  activity: 'update',
  action: 'app.update',
  actor: { type: 'token', id: 'tok-1' },
  resources: [{ type: 'app', id: `app-${i}` }],
  outcome: 'success',
  details: { i },
});

/** Run `fn` while another transaction holds the chain lock: nothing is sealed until it returns. */
async function withSealerHeld(database: Database, fn: () => Promise<void>): Promise<void> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const lockTaken = new Promise<void>((r) => (locked = r));
  const holder = database.db.transaction().execute(async (tx) => {
    await lockChain(tx, 'postgres');
    locked();
    await released;
  });
  await lockTaken;
  try {
    await fn();
  } finally {
    release();
    await holder;
  }
}

async function rowOf(database: Database, i: number): Promise<{ id: number; seq: number | null; quarantined_at: string | null; event: string }> {
  const r = await sql<{ id: number; seq: number | null; quarantined_at: string | null; event: string }>`select id, seq, quarantined_at, event from audit_events where resource_id = ${`app-${i}`}`.execute(database.db);
  const row = r.rows[0]!;
  return { ...row, id: Number(row.id), seq: row.seq === null ? null : Number(row.seq) };
}

if (postgresUrl) {
  describe('the PostgreSQL sealer and its own pending rows', () => {
    const open: { database: Database; audit: AuditLog }[] = [];
    afterEach(async () => {
      for (const o of open.splice(0).reverse()) {
        await o.audit.stop();
        await o.database.close();
      }
    });
    const fresh = async () => {
      const database = await openPostgresTestDb();
      const audit = new AuditLog(database, keyRingFrom(randomBytes(32)));
      open.push({ database, audit });
      return { database, audit };
    };
    const append = (database: Database, audit: AuditLog, i: number) => database.db.transaction().execute((tx) => audit.append(tx, input(i)));

    it('chains the rows it holds in insertion order, and the trail verifies', async () => {
      const { database, audit } = await fresh();
      await withSealerHeld(database, async () => {
        for (let i = 1; i <= 3; i++) await append(database, audit, i);
      });
      await audit.seal();
      expect((await audit.list({ limit: 10 })).map((r) => r.event.resources?.[0]?.uid)).toEqual(['app-1', 'app-2', 'app-3']);
      expect(await audit.verify()).toMatchObject({ ok: true, count: 3, problemCount: 0 });
    });

    it('an event edited under its unchanged MAC is chained as written, and verification names the row', async () => {
      const { database, audit } = await fresh();
      await append(database, audit, 1);
      await audit.seal();
      let edited = '';
      await withSealerHeld(database, async () => {
        await append(database, audit, 2);
        const row = await rowOf(database, 2);
        edited = row.event.replace('"tok-1"', '"mallory"');
        await sql`update audit_events set event = ${edited} where id = ${row.id}`.execute(database.db);
      });
      await audit.seal();
      const row = await rowOf(database, 2);
      // Chained from the text this process wrote: the stored text no longer hashes to its link.
      expect(row).toMatchObject({ seq: 2, quarantined_at: null });
      const r = await audit.verify();
      expect(r.ok).toBe(false);
      expect(r.broken?.seq === 2 || r.problems.some((p) => p.seq === 2)).toBe(true);
      await sql`update audit_events set event = ${edited.replace('"mallory"', '"tok-1"')} where id = ${row.id}`.execute(database.db);
      expect(await audit.verify()).toMatchObject({ ok: true, count: 2 });
    });

    it.each([
      ['another MAC', sql`mac = ${'ab'.repeat(32)}`, 'mac_mismatch'],
      ['its MAC removed', sql`mac = null`, 'mac_missing'],
      ['a hash set', sql`hash = ${'cd'.repeat(32)}`, 'mac_mismatch'],
      ['pruned_at set', sql`pruned_at = ${new Date().toISOString()}`, 'mac_mismatch'],
    ] as const)('a pending row given %s is read whole and quarantined', async (_name, set, reason) => {
      const { database, audit } = await fresh();
      await withSealerHeld(database, async () => {
        await append(database, audit, 1);
        await append(database, audit, 2);
        await sql`update audit_events set ${set} where id = ${(await rowOf(database, 2)).id}`.execute(database.db);
      });
      await audit.seal();
      const row = await rowOf(database, 2);
      expect(row.seq).toBeNull();
      expect(row.quarantined_at).not.toBeNull();
      expect((await rowOf(database, 1)).seq).toBe(1);
      const [tamper] = await audit.list({ action: 'audit.tamper_detected', limit: 10 });
      expect(tamper?.event).toMatchObject({ unmapped: { row_id: row.id, reason } });
      const r = await audit.verify();
      expect(r.ok).toBe(false);
      expect(r.problems).toMatchObject([{ id: row.id, seq: null, reason: 'quarantined' }]);
    });

    it('rows another replica wrote are read whole and chained when their MACs hold', async () => {
      const { database, audit } = await fresh();
      const key = keyRingFrom(randomBytes(32));
      const a = new AuditLog(database, key);
      const b = new AuditLog(database, key);
      open.push({ database: { ...database, close: async () => undefined }, audit: a }, { database: { ...database, close: async () => undefined }, audit: b });
      await audit.stop();
      await withSealerHeld(database, async () => {
        for (let i = 1; i <= 4; i++) await append(database, i % 2 ? a : b, i);
      });
      // Whichever seals first (a now, or b's timer already waiting on the lock) chains its own two
      // rows from what it wrote and reads the other's two back, checking their MACs.
      await a.seal();
      expect(await a.verify()).toMatchObject({ ok: true, count: 4, problemCount: 0 });
      expect(await b.verify()).toMatchObject({ ok: true, count: 4, problemCount: 0 });
    });
  });
}
