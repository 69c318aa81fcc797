import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { AuditLog } from './service.ts';
import { streamLinks, streamSealedRows } from './store.ts';

for (const tdb of testDatabases) {
  describe(`audit store reads on ${tdb.name}`, () => {
    let database: Database;
    let audit: AuditLog;

    beforeAll(async () => {
      database = await tdb.open();
      audit = new AuditLog(database);
      await database.db.transaction().execute((tx) =>
        audit.appendMany(
          tx,
          Array.from({ length: 30 }, (_, i) => ({ class: 'api_activity' as const, activity: 'create' as const, action: 'test.page', actor: { type: 'system' as const, id: 'tester' }, outcome: 'success' as const, details: { i } })),
        ),
      );
      await audit.seal();
    });
    afterAll(async () => {
      await audit.stop();
      await database.close();
    });

    it('streams every sealed row and link in order across pages, from any sequence number', async () => {
      const all = await database.db.selectFrom('audit_events').select(['seq', 'hash']).where('seq', 'is not', null).orderBy('seq').execute();
      const seqs = all.map((r) => Number(r.seq));
      for (const pageSize of [1, 7, 10, 1000]) {
        const rows = [];
        for await (const r of streamSealedRows(database.db, { pageSize })) rows.push(r);
        expect(rows.map((r) => r.seq)).toEqual(seqs);
        expect(rows.every((r) => typeof r.id === 'number' && typeof r.class_uid === 'number')).toBe(true);
        const links = [];
        for await (const l of streamLinks(database.db, { pageSize, fromSeq: 5 })) links.push(l);
        expect(links.map((l) => l.seq)).toEqual(seqs.filter((s) => s >= 5));
        expect(links.map((l) => l.hash)).toEqual(all.filter((r) => Number(r.seq) >= 5).map((r) => r.hash));
      }
    });

    it('lets a reader stop early with the next page in flight', async () => {
      let n = 0;
      for await (const _ of streamSealedRows(database.db, { pageSize: 5 })) if (++n === 7) break;
      expect(n).toBe(7);
      expect((await audit.verify()).ok).toBe(true);
    });

    // PostgreSQL only: SQLite links events as it inserts them, so nothing is left behind to vacuum.
    if (tdb.name === 'postgres') {
      it('vacuums the trail at 2% of dead rows on PostgreSQL, where sealing leaves one per event', async () => {
        const r = await sql<{ o: string[] | null }>`select c.reloptions as o from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = 'audit_events' and n.nspname = current_schema()`.execute(database.db);
        expect(r.rows[0]?.o).toEqual(expect.arrayContaining(['autovacuum_vacuum_scale_factor=0.02', 'autovacuum_vacuum_insert_scale_factor=0.02']));
      });
    }
  });
}
