/**
 * A full SQLite database (the disk, or its size limit): a change is refused with a problem
 * document that says so, nothing of it is written — neither the change nor its audit event —
 * and once there is room again, writes resume and the trail still verifies with every event
 * that was acknowledged. (A real full disk and a page-count limit fail the same way: SQLITE_FULL.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { testDatabases } from '../../test/databases.ts';

describe('a full SQLite database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(testDatabases[0]!);
  });
  afterAll(() => t.close());

  const tokenCount = async () => (await t.as('admin', { method: 'GET', url: '/api/v1/tokens' })).json<{ items: unknown[] }>().items.length;
  const eventCount = async () => Number((await sql<{ n: number }>`select count(*) as n from audit_events`.execute(t.services.database.db)).rows[0]!.n);

  it('refuses a change with 507 and writes nothing; writes resume once there is room', async () => {
    const db = t.services.database.db;
    await t.services.audit.head();
    const before = { tokens: await tokenCount(), events: await eventCount() };
    const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count);
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
    try {
      const big = 'x'.repeat(180);
      let refused = 0;
      // Fill what room is left; then every change must be refused cleanly.
      for (let i = 0; i < 60 && refused < 3; i++) {
        const r = await t.as('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: `full-${i}-${big}`.slice(0, 100), role: 'viewer' } });
        if (r.statusCode === 507) {
          refused++;
          expect(r.headers['content-type']).toContain('application/problem+json');
          expect(r.json()).toMatchObject({ code: 'storage_full', status: 507, detail: expect.stringContaining('nothing of this request was written') });
        } else {
          expect(r.statusCode).toBe(201);
        }
      }
      expect(refused).toBe(3);
    } finally {
      await sql.raw('pragma max_page_count = 1073741823').execute(db);
    }
    const accepted = (await tokenCount()) - before.tokens;
    // Each accepted token has its event; no refused one left a token or an event behind.
    const events = await sql<{ n: number }>`select count(*) as n from audit_events where action = 'token.create' and event like '%full-%'`.execute(db);
    expect(Number(events.rows[0]!.n)).toBe(accepted);
    const ok = await t.as('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'after-room', role: 'viewer' } });
    expect(ok.statusCode).toBe(201);
    const verify = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/verify' })).json<{ ok: boolean; count: number }>();
    expect(verify.ok).toBe(true);
    expect(await eventCount()).toBeGreaterThan(before.events);
  });
});
