/**
 * Crypto-shredding: a person's e-mail, name and IP are stored sealed, read back in clear, and
 * read as [shredded] once their key is destroyed — while the chain still verifies, online and
 * from an export. A legal hold on the person refuses the shred.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { testDatabases } from '../../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../../test/app.ts';
import { keyRingFrom } from '../../keys/index.ts';
import { KEY_TTL_MS, PersonalData, SHREDDED } from './personal.ts';
import { toOcsf, type AuditInput, type OcsfEvent } from '../ocsf.ts';
import type { AuditRecord } from '../service.ts';
import { verifyExportFile } from '../verify-offline.ts';

const EMAIL = 'alice.personal@example.com';
const NAME = 'Alice Personal';
const IP = '203.0.113.77';
const OWNER = 'user:bob.owner@example.com';

const personalEvent: AuditInput = {
  class: 'api_activity',
  activity: 'update',
  action: 'test.personal',
  actor: { type: 'user', id: 'session-1', name: NAME, subject: `user:${EMAIL}` },
  resources: [{ type: 'app', id: 'hr-portal' }],
  outcome: 'success',
  srcIp: IP,
  details: { contact: EMAIL, ticket: 'T-17', owner: { from: OWNER, to: 'group:hr' } },
  personal: { subject: `user:${EMAIL}`, details: ['contact'] },
};

/** Every stored byte of the audit tables, as one text to search. */
async function dump(t: TestApp): Promise<string> {
  const db = t.services.database.db;
  const parts = await Promise.all(['audit_events', 'audit_subject_keys', 'audit_holds'].map(async (table) => JSON.stringify((await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows)));
  return parts.join('\n');
}

for (const tdb of testDatabases) {
  describe(`crypto-shredding on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
      await t.services.database.db.transaction().execute((tx) => t.services.audit.append(tx, personalEvent));
      await t.services.audit.record({ ...personalEvent, action: 'test.personal.detached' });
    });
    afterAll(() => t.close());

    const events = async (action: string): Promise<AuditRecord[]> => {
      const res = await t.as('auditor', { method: 'GET', url: `/api/v1/audit/events?action=${action}` });
      expect(res.statusCode).toBe(200);
      return (res.json() as { items: AuditRecord[] }).items;
    };

    const exportVerifies = async (): Promise<{ lines: Record<string, unknown>[]; result: Awaited<ReturnType<typeof verifyExportFile>> }> => {
      const body = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/export' })).body;
      const file = join(mkdtempSync(join(tmpdir(), 'trellis-shred-')), 'trail.jsonl');
      writeFileSync(file, body);
      return { lines: body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>), result: await verifyExportFile(file) };
    };

    it('stores no personal value in clear, and the API shows them decrypted', async () => {
      const stored = await dump(t);
      for (const clear of [EMAIL, NAME, IP, 'bob.owner']) expect(stored).not.toContain(clear);
      for (const action of ['test.personal', 'test.personal.detached']) {
        const [e] = await events(action);
        expect(e!.event).toMatchObject({ actor: { user: { uid: 'session-1', name: NAME, uid_alt: `user:${EMAIL}` } }, src_endpoint: { ip: IP }, unmapped: { contact: EMAIL, ticket: 'T-17', owner: { from: OWNER, to: 'group:hr' } } });
      }
      // Ids that are not personal stay searchable.
      expect((await t.as('auditor', { method: 'GET', url: '/api/v1/audit/events?actor=session-1' })).json().items).toHaveLength(2);
    });

    it('a legal hold on the person refuses the shred; released, the shred goes through and is audited by keyed hash', async () => {
      const hold = await t.as('admin', { method: 'POST', url: '/api/v1/audit/holds', payload: { name: 'case-7', reason: 'litigation', scope: { subjects: [EMAIL] } } });
      expect(hold.statusCode).toBe(201);
      const held = hold.json() as { id: string; scope: { subjects: string[] } };
      expect(held.scope.subjects).toHaveLength(1);
      expect(held.scope.subjects[0]).toMatch(/^[0-9a-f]{64}$/);
      expect((await t.as('auditor', { method: 'POST', url: '/api/v1/audit/subjects/shred', payload: { subject: EMAIL } })).statusCode).toBe(403);
      const refused = await t.as('admin', { method: 'POST', url: '/api/v1/audit/subjects/shred', payload: { subject: EMAIL } });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'audit_subject_held' });
      expect((await events('test.personal'))[0]!.event.actor.user.name).toBe(NAME);

      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/audit/holds/${held.id}`, payload: { reason: 'case closed' } })).statusCode).toBe(200);
      const shred = await t.as('admin', { method: 'POST', url: '/api/v1/audit/subjects/shred', payload: { subject: `user:${EMAIL.toUpperCase()}` } });
      expect(shred.statusCode).toBe(200);
      expect(shred.json()).toMatchObject({ subject_hash: held.scope.subjects[0], keys_shredded: 1 });
      const [record] = await events('audit.subject.shred');
      expect(record!.event.unmapped).toMatchObject({ subject_hash: held.scope.subjects[0], keys_shredded: 1 });
      expect(await dump(t)).not.toContain(EMAIL);
    });

    it('after the shred the values read [shredded], and the trail still verifies online and offline', async () => {
      for (const action of ['test.personal', 'test.personal.detached']) {
        const [e] = await events(action);
        expect(e!.event).toMatchObject({ actor: { user: { uid: 'session-1', name: '[shredded]', uid_alt: '[shredded]' } }, src_endpoint: { ip: '[shredded]' }, unmapped: { contact: '[shredded]', ticket: 'T-17', owner: { from: OWNER, to: 'group:hr' } } });
      }
      expect((await t.as('auditor', { method: 'GET', url: '/api/v1/audit/verify' })).json()).toMatchObject({ ok: true, problemCount: 0 });
      const { lines, result } = await exportVerifies();
      expect(result).toMatchObject({ ok: true });
      const line = lines.find((l) => (l.event as { api?: { operation?: string } } | undefined)?.api?.operation === 'test.personal');
      expect(line!.personal).toEqual({ '/actor/user/name': '[shredded]', '/actor/user/uid_alt': '[shredded]', '/src_endpoint/ip': '[shredded]', '/unmapped/contact': '[shredded]', '/unmapped/owner/from': OWNER });
      expect(JSON.stringify(line!.event)).not.toContain(EMAIL);
    });

    it('a person seen again after a shred gets a new key: new events read in clear, old ones stay shredded', async () => {
      await t.services.audit.record({ ...personalEvent, action: 'test.personal.after' });
      const [e] = await events('test.personal.after');
      expect(e!.event.actor.user.name).toBe(NAME);
      expect((await events('test.personal'))[0]!.event.actor.user.name).toBe('[shredded]');
    });
  });
}

for (const tdb of testDatabases) {
  describe(`a shred seen by another replica on ${tdb.name}`, () => {
    it('within KEY_TTL_MS: the other replica stops opening the values and seals new ones under a new key', async () => {
      const database = await tdb.open();
      try {
        const keys = keyRingFrom(randomBytes(32));
        let now = Date.now();
        const clock = () => now;
        const a = new PersonalData(database, keys, clock);
        const b = new PersonalData(database, keys, clock);
        const make = async (p: PersonalData): Promise<OcsfEvent> => {
          const ev = toOcsf(personalEvent, { uid: 'u', time: new Date(now) });
          await p.protect([personalEvent], [ev]);
          return ev;
        };
        const old = await make(a);
        expect((await b.reveal([old]))[0]!.event.actor.user.name).toBe(NAME);
        const beforeShred = await make(b);
        await database.db.transaction().execute((tx) => a.shred(tx, EMAIL));
        expect((await a.reveal([old]))[0]!.event.actor.user.name).toBe(SHREDDED);
        // B still trusts the key it read until its cache entry is KEY_TTL_MS old.
        expect((await b.reveal([old]))[0]!.event.actor.user.name).toBe(NAME);
        now += KEY_TTL_MS;
        expect((await b.reveal([old, beforeShred])).map((r) => r.event.actor.user.name)).toEqual([SHREDDED, SHREDDED]);
        const fresh = await make(b);
        expect(fresh.actor.user.name).not.toBe(old.actor.user.name);
        expect((await a.reveal([fresh]))[0]!.event.actor.user.name).toBe(NAME);
      } finally {
        await database.close();
      }
    });
  });
}
