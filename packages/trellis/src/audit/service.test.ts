import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { testDatabases, postgresUrl } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { AuditLog } from './service.ts';
import type { AuditInput } from './ocsf.ts';
import { verifyDatabase, verifyExportFile } from './verify-offline.ts';

const input = (i: number): AuditInput => ({
  class: 'api_activity',
  activity: 'create',
  action: 'test.write',
  actor: { type: 'system', id: 'tester' },
  resources: [{ type: 'thing', id: `t${i}` }],
  outcome: 'success',
  details: { i },
});

for (const tdb of testDatabases) {
  describe(`audit log on ${tdb.name}`, () => {
    let database: Database;
    let audit: AuditLog;

    beforeAll(async () => {
      database = await tdb.open();
      audit = new AuditLog(database);
    });
    afterAll(() => database.close());

    it('appends OCSF events in the caller transaction, and drops them on rollback', async () => {
      await database.db.transaction().execute((tx) => audit.append(tx, input(1)));
      await expect(
        database.db.transaction().execute(async (tx) => {
          await audit.append(tx, input(2));
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      const events = await audit.list({ limit: 10 });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ seq: 1, event: { class_uid: 6003, activity_id: 1, type_uid: 600301, status_id: 1, api: { operation: 'test.write' }, resources: [{ type: 'thing', uid: 't1' }] } });
      expect((await audit.verify()).ok).toBe(true);
    });

    it('records events of one event-loop turn in one transaction, each resolved once committed', async () => {
      const before = (await audit.head()).seq;
      const units = database.sqliteStats?.units;
      const recorded = await Promise.all(Array.from({ length: 60 }, (_, i) => audit.record(input(1000 + i))));
      expect(new Set(recorded.map((r) => r.uid)).size).toBe(60);
      // One transaction: on the server's connection, or (SQLite on disk) the audit writer's thread's.
      if (units !== undefined) expect(database.sqliteStats!.units - units).toBe(database.sqliteFile ? 0 : 1);
      const events = await audit.list({ after: before, limit: 100 });
      expect(events.map((e) => e.event.metadata.uid)).toEqual(recorded.map((r) => r.uid));
      expect((await audit.verify()).ok).toBe(true);
    });

    it('links events of no change as they are written, beside changes appended in their own transactions', async () => {
      const before = (await audit.head()).seq;
      const detached = Array.from({ length: 8 }, (_, b) => audit.appendDetached(Array.from({ length: 10 }, (_, i) => input(5000 + b * 10 + i))));
      const changes = Array.from({ length: 12 }, (_, i) => database.db.transaction().execute((tx) => audit.append(tx, input(6000 + i))));
      const batches = await Promise.all(detached);
      await Promise.all(changes);
      // Linked when written: in the chain before any reader seals.
      const uids = batches.flat().map((e) => e.uid);
      const linked = await database.db.selectFrom('audit_events').select(['uid', 'seq']).where('uid', 'in', uids).execute();
      expect(linked).toHaveLength(80);
      expect(linked.every((r) => r.seq !== null)).toBe(true);
      const result = await audit.verify();
      expect(result).toMatchObject({ ok: true, problems: [] });
      expect(result.lastSeq).toBe(before + 92);
    });

    it('keeps the chain correct under many concurrent writers', async () => {
      const before = (await audit.head()).seq;
      await Promise.all(Array.from({ length: 40 }, (_, i) => database.db.transaction().execute((tx) => audit.appendMany(tx, [input(i), input(i + 100)]))));
      const r = await audit.verify();
      expect(r.ok).toBe(true);
      expect(r.count).toBe(before + 80);
    });

    it('filters by actor, action, resource and pages with a cursor', async () => {
      await audit.record({ ...input(7), action: 'other.action', actor: { type: 'user', id: 'alice' } });
      const byActor = await audit.list({ actor: 'alice', limit: 10 });
      expect(byActor.map((e) => e.event.api.operation)).toEqual(['other.action']);
      const page1 = await audit.list({ limit: 5 });
      const page2 = await audit.list({ after: page1[4]!.seq, limit: 5 });
      expect(page2[0]!.seq).toBe(page1[4]!.seq + 1);
      const newest = await audit.list({ desc: true, limit: 1 });
      expect(newest[0]!.seq).toBe((await audit.head()).seq);
    });

    it('detects a changed row', async () => {
      await sql`update audit_events set event = replace(event, 'tester', 'mallory') where seq = 5`.execute(database.db);
      const r = await audit.verify();
      expect(r.ok).toBe(false);
      expect(r.broken).toMatchObject({ seq: 5, reason: 'hash_mismatch' });
    });
  });

  describe(`tampering detected by offline verification on ${tdb.name}`, () => {
    let database: Database;
    let audit: AuditLog;
    const fill = async () => {
      await database.db.transaction().execute((tx) => audit.appendMany(tx, Array.from({ length: 10 }, (_, i) => input(i))));
      await audit.seal();
    };
    beforeAll(async () => {
      database = await tdb.open();
      audit = new AuditLog(database);
    });
    afterAll(() => database.close());

    it('an intact export verifies offline; a deleted row, an edited export line and reordered rows do not', async () => {
      await fill();
      const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
      const lines: string[] = [];
      for await (const rec of audit.export()) lines.push(JSON.stringify(rec));
      writeFileSync(join(dir, 'ok.jsonl'), lines.join('\n') + '\n');
      expect((await verifyExportFile(join(dir, 'ok.jsonl'))).ok).toBe(true);

      const edited = [...lines];
      edited[2] = edited[2]!.replace('"i":2', '"i":99');
      writeFileSync(join(dir, 'edited.jsonl'), edited.join('\n'));
      expect((await verifyExportFile(join(dir, 'edited.jsonl'))).broken).toMatchObject({ seq: 3, reason: 'hash_mismatch' });

      writeFileSync(join(dir, 'bad.jsonl'), lines[0] + '\nnot json\n');
      expect(await verifyExportFile(join(dir, 'bad.jsonl'))).toMatchObject({ ok: false, malformedLine: 2 });

      // Delete a row directly in the database.
      await sql`delete from audit_events where seq = 4`.execute(database.db);
      const r = await audit.verify();
      expect(r.broken).toMatchObject({ seq: 5, reason: 'sequence_gap' });
    });

    it('detects rows swapped in place', async () => {
      const db2 = await tdb.open();
      try {
        const a2 = new AuditLog(db2);
        await db2.db.transaction().execute((tx) => a2.appendMany(tx, Array.from({ length: 6 }, (_, i) => input(i))));
        await a2.seal();
        // Swap the contents of rows 2 and 3 (keeping their sequence numbers).
        const rows = await db2.db.selectFrom('audit_events').selectAll().where('seq', 'in', [2, 3]).orderBy('seq').execute();
        for (const [target, src] of [[2, rows[1]!], [3, rows[0]!]] as const) {
          await db2.db.updateTable('audit_events').set({ uid: `${src.uid}-${target}`, event: src.event, prev_hash: src.prev_hash, hash: src.hash }).where('seq', '=', target).execute();
        }
        const r = await a2.verify();
        expect(r.ok).toBe(false);
        expect(r.broken?.seq).toBe(2);
      } finally {
        await db2.close();
      }
    });
  });
}

describe('offline verification of the embedded database file', () => {
  it('reads the SQLite file directly and names a tampered row', async () => {
    const { openTrellisDatabase } = await import('../modules.ts');
    const file = join(mkdtempSync(join(tmpdir(), 'audit-file-')), 'trellis.db');
    const database = await openTrellisDatabase({ sqliteFile: file });
    const audit = new AuditLog(database);
    for (let i = 0; i < 5; i++) await audit.record(input(i));
    await database.close();
    expect(await verifyDatabase({ sqliteFile: file })).toMatchObject({ ok: true, count: 5 });
    const Sqlite = (await import('better-sqlite3')).default;
    const raw = new Sqlite(file);
    raw.prepare("update audit_events set event = replace(event, 'tester', 'mallory') where seq = 2").run();
    raw.close();
    expect((await verifyDatabase({ sqliteFile: file })).broken).toMatchObject({ seq: 2, reason: 'hash_mismatch' });
  });
});

if (postgresUrl) {
  describe('two server processes appending to one PostgreSQL chain', () => {
    it('keeps one unbroken chain', async () => {
      const schema = 't_' + Math.random().toString(16).slice(2, 10);
      const script = join(mkdtempSync(join(tmpdir(), 'audit-proc-')), 'writer.mts');
      const serviceUrl = new URL('./service.ts', import.meta.url).pathname;
      const dbUrl = new URL('../modules.ts', import.meta.url).pathname;
      const keysUrl = new URL('../keys/master-key.ts', import.meta.url).pathname;
      const masterKey = randomBytes(32).toString('base64');
      writeFileSync(
        script,
        `import { openTrellisDatabase as openDatabase } from ${JSON.stringify(dbUrl)};
import { AuditLog } from ${JSON.stringify(serviceUrl)};
import { keyRingFrom } from ${JSON.stringify(keysUrl)};
const database = await openDatabase({ url: process.env.PGURL, schema: process.env.SCHEMA, poolSize: 4 });
// Replicas share the installation's key: each checks the MACs of the other's rows.
const audit = new AuditLog(database, keyRingFrom(Buffer.from(process.env.TRELLIS_MASTER_KEY, 'base64')));
await Promise.all(Array.from({ length: 4 }, async (_, w) => {
  for (let i = 0; i < 50; i++) {
    await database.db.transaction().execute((tx) => audit.append(tx, { class: 'api_activity', activity: 'create', action: 'proc.write', actor: { type: 'system', id: 'p' + process.pid }, outcome: 'success', details: { w, i } }));
  }
}));
await audit.stop();
await database.close();
`,
      );
      const tsx = fileURLToPath(new URL('../../../../node_modules/tsx/dist/cli.mjs', import.meta.url));
      // Create the schema and run migrations once, so both writers start from the same state.
      const { openTrellisDatabase } = await import('../modules.ts');
      const setup = await openTrellisDatabase({ url: postgresUrl, schema });
      await setup.close();
      const run = () =>
        new Promise<number>((resolve) => {
          const p = spawn(process.execPath, [tsx, script], { env: { ...process.env, PGURL: postgresUrl, SCHEMA: schema, TRELLIS_MASTER_KEY: masterKey }, stdio: ['ignore', 'inherit', 'inherit'] });
          p.on('exit', (code) => resolve(code ?? 1));
        });
      const codes = await Promise.all([run(), run()]);
      expect(codes).toEqual([0, 0]);
      const r = await verifyDatabase({ url: postgresUrl, schema, env: { TRELLIS_MASTER_KEY: masterKey } });
      expect(r).toMatchObject({ ok: true, count: 400, macChecked: true, problemCount: 0 });
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    });
  });
}
