/**
 * Retention: events older than their class's retention lose their content (gone from the
 * database) while the chain, online and from an export, still verifies; events a legal hold
 * covers, recent events and rows never sealed are kept; a tombstone forged by SQL is reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { testDatabases } from '../../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../../test/app.ts';
import { keyRingFrom } from '../../keys/index.ts';
import { openTrellisDatabase } from '../../modules.ts';
import type { AuditInput } from '../ocsf.ts';
import { AuditRetention } from './service.ts';
import { AuditLog } from '../service.ts';
import { verifyDatabase, verifyExportFile } from '../verify-offline.ts';

const DAY = 86_400_000;

const event = (marker: string, app: string, ageDays: number, cls: AuditInput['class'] = 'api_activity'): AuditInput => ({
  class: cls,
  activity: 'update',
  action: 'test.retention',
  actor: { type: 'token', id: 'tok-1' },
  resources: [{ type: 'app', id: app }],
  outcome: 'success',
  message: `content ${marker}`,
  time: new Date(Date.now() - ageDays * DAY),
});

async function eventText(t: TestApp): Promise<string> {
  const rows = await sql<Record<string, unknown>>`select * from audit_events`.execute(t.services.database.db);
  return JSON.stringify(rows.rows);
}

for (const tdb of testDatabases) {
  describe(`audit retention on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
      const { audit } = t.services;
      await t.services.database.db.transaction().execute((tx) =>
        audit.appendMany(tx, [event('OLD-ONE', 'crm', 100), event('OLD-TWO', 'crm', 90), event('OLD-HELD', 'ledger', 95), event('OLD-AUTH', 'crm', 100, 'authentication'), event('RECENT', 'crm', 2)]),
      );
    });
    afterAll(() => t.close());

    it('reads and sets retention per class; auditors may read, only admins may set', async () => {
      expect((await t.as('auditor', { method: 'GET', url: '/api/v1/audit/retention' })).json()).toEqual({ default: null, classes: {} });
      expect((await t.as('auditor', { method: 'PUT', url: '/api/v1/audit/retention', payload: { default: 30 } })).statusCode).toBe(403);
      expect((await t.as('admin', { method: 'PUT', url: '/api/v1/audit/retention', payload: { default: null, classes: { nonsense: 3 } } })).statusCode).toBe(400);
      const set = await t.as('admin', { method: 'PUT', url: '/api/v1/audit/retention', payload: { default: null, classes: { api_activity: 30, authentication: null } } });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toEqual({ default: null, classes: { api_activity: 30, authentication: null } });
      const [change] = await t.services.audit.list({ action: 'audit.retention.update', limit: 5 });
      expect(change!.event.unmapped).toMatchObject({ retention: { '*': null, api_activity: 30, authentication: null } });
    });

    it('prunes old events of a class with retention, keeps held, recent and other classes; the run is audited', async () => {
      const hold = await t.as('admin', { method: 'POST', url: '/api/v1/audit/holds', payload: { name: 'ledger-case', reason: 'audit of the ledger app', scope: { apps: ['ledger'], classes: ['api_activity'] } } });
      expect(hold.statusCode).toBe(201);
      const old = await t.services.database.db.selectFrom('audit_events').select('seq').where('event', 'like', '%OLD-%').where('event', 'not like', '%OLD-HELD%').where('event', 'not like', '%OLD-AUTH%').orderBy('seq').execute();
      const run = await t.services.auditRetention.prune();
      expect(run).toEqual({ pruned: 2, held: 1 });
      const stored = await eventText(t);
      for (const gone of ['OLD-ONE', 'OLD-TWO']) expect(stored).not.toContain(gone);
      for (const kept of ['OLD-HELD', 'OLD-AUTH', 'RECENT']) expect(stored).toContain(kept);
      const [record] = await t.services.audit.list({ action: 'audit.prune', limit: 5 });
      expect(record!.event.unmapped).toMatchObject({ count: 2, ranges: [[Number(old[0]!.seq), Number(old[1]!.seq)]], range_count: 1 });
      // Searches no longer return pruned rows.
      expect((await t.services.audit.list({ action: 'test.retention', limit: 10 })).map((r) => r.event.message)).toEqual(['content OLD-HELD', 'content OLD-AUTH', 'content RECENT']);
      // Nothing left to prune: a second pass changes nothing.
      expect(await t.services.auditRetention.prune()).toEqual({ pruned: 0, held: 1 });
    });

    it('the pruned trail verifies online and from an export, whose pruned lines say so', async () => {
      const v = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/verify' })).json();
      expect(v).toMatchObject({ ok: true, problemCount: 0, pruned: 2 });
      const body = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/export' })).body;
      const lines = body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const pruned = lines.filter((l) => l.pruned !== undefined);
      expect(pruned).toHaveLength(2);
      expect(pruned[0]).toMatchObject({ pruned: { class_uid: 6003 } });
      expect(pruned[0]!.event).toBeUndefined();
      const file = join(mkdtempSync(join(tmpdir(), 'trellis-retention-')), 'trail.jsonl');
      writeFileSync(file, body);
      expect(await verifyExportFile(file)).toMatchObject({ ok: true, pruned: 2, count: lines.length });
    });

    it('released holds no longer keep events', async () => {
      const { items } = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/holds' })).json() as { items: { id: string }[] };
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/audit/holds/${items[0]!.id}`, payload: {} })).statusCode).toBe(400);
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/audit/holds/${items[0]!.id}`, payload: { reason: 'done' } })).statusCode).toBe(200);
      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/audit/holds/${items[0]!.id}`, payload: { reason: 'again' } })).json()).toMatchObject({ code: 'audit_hold_released' });
      expect(await t.services.auditRetention.prune()).toEqual({ pruned: 1, held: 0 });
      expect(await eventText(t)).not.toContain('OLD-HELD');
      expect((await t.services.audit.verify()).ok).toBe(true);
    });

    it('a tombstone forged by plain SQL is reported by verification', async () => {
      const db = t.services.database.db;
      const recent = await db.selectFrom('audit_events').select(['id', 'seq']).where('event', 'like', '%RECENT%').executeTakeFirstOrThrow();
      await sql`update audit_events set pruned_at = ${new Date().toISOString()}, event = ${'{"pruned":true}'} where id = ${recent.id}`.execute(db);
      const r = await t.services.audit.verify();
      expect(r.ok).toBe(false);
      expect(r.problems).toMatchObject([{ seq: Number(recent.seq), reason: 'tombstone_forged' }]);
    });

    it('never prunes a row that was never sealed', async () => {
      const db = t.services.database.db;
      const old = new Date(Date.now() - 400 * DAY).toISOString();
      await sql`insert into audit_events (uid, time, class_uid, action, actor_id, outcome, event, quarantined_at) values (${'unsealed-1'}, ${old}, ${6003}, ${'x'}, ${'x'}, ${'success'}, ${'{"message":"UNSEALED-OLD"}'}, ${old})`.execute(db);
      await t.services.auditRetention.prune();
      const row = await db.selectFrom('audit_events').select(['seq', 'event', 'pruned_at']).where('uid', '=', 'unsealed-1').executeTakeFirstOrThrow();
      expect(row).toEqual({ seq: null, event: '{"message":"UNSEALED-OLD"}', pruned_at: null });
    });
  });
}

describe('a pruned SQLite trail verified offline from the database, with the installation key', () => {
  it('accepts tombstones whose prune MAC holds and names one forged by SQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-retention-offline-'));
    const master = randomBytes(32);
    writeFileSync(join(dir, 'master.key'), master.toString('base64') + '\n', { mode: 0o600 });
    const database = await openTrellisDatabase({ sqliteFile: join(dir, 'trellis.db') });
    const keys = keyRingFrom(master);
    const audit = new AuditLog(database, keys);
    const retention = new AuditRetention(database, keys, audit, audit.personal);
    try {
      await database.db.transaction().execute((tx) => audit.appendMany(tx, [event('A', 'crm', 50), event('B', 'crm', 40), event('C', 'crm', 1)]));
      await retention.setSettings({ actor: { type: 'system', id: 'system' } }, { default: 30 });
      expect(await retention.prune()).toEqual({ pruned: 2, held: 0 });
      await audit.stop();
      expect(await verifyDatabase({ sqliteFile: join(dir, 'trellis.db') })).toMatchObject({ ok: true, macChecked: true, pruned: 2, problemCount: 0 });
      await sql`update audit_events set pruned_at = ${new Date().toISOString()}, prune_mac = ${'00'.repeat(32)}, event = ${'{"pruned":true}'} where event like ${'%content C%'}`.execute(database.db);
      const r = await verifyDatabase({ sqliteFile: join(dir, 'trellis.db') });
      expect(r).toMatchObject({ ok: false, pruned: 3, problemCount: 1 });
      expect(r.problems[0]).toMatchObject({ seq: 3, reason: 'tombstone_forged' });
      // A pruned row's stored hash still has to link: changing it breaks the chain at the next event.
      await sql`update audit_events set hash = ${'ab'.repeat(32)} where seq = 1`.execute(database.db);
      expect((await verifyDatabase({ sqliteFile: join(dir, 'trellis.db') })).broken).toMatchObject({ seq: 2, reason: 'prev_hash_mismatch' });
    } finally {
      await database.close();
    }
  });
});
