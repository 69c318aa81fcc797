/** The REST verify and export routes report rows written without the key, not only chain breaks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';

for (const tdb of testDatabases) {
  describe(`GET /api/v1/audit/verify and /export on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    it('names a row forged by SQL and an edited search column; the export ends with them', async () => {
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/audit/verify' })).json()).toMatchObject({ ok: true, problems: [], problemCount: 0 });
      const db = t.services.database.db;
      await sql`insert into audit_events (uid, time, class_uid, action, actor_id, outcome, event) values (${randomUUID()}, ${new Date().toISOString()}, ${6003}, ${'token.create'}, ${'mallory'}, ${'success'}, ${'{}'})`.execute(db);
      await sql`update audit_events set actor_id = ${'mallory'} where seq = 1`.execute(db);
      const r = (await t.as('admin', { method: 'GET', url: '/api/v1/audit/verify' })).json() as { ok: boolean; problems: { id: number; seq: number | null; reason: string; columns?: string[] }[]; problemCount: number };
      expect(r.ok).toBe(false);
      expect(r.problemCount).toBe(3);
      expect(r.problems.map((p) => [p.seq, p.reason])).toEqual([
        [1, 'column_mismatch'],
        [1, 'mac_mismatch'],
        [null, 'quarantined'],
      ]);
      expect(r.problems[0]!.columns).toEqual(['actor_id']);
      const lines = (await t.as('admin', { method: 'GET', url: '/api/v1/audit/export' })).body.trim().split('\n');
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ problem_count: 3 });
    });
  });
}
