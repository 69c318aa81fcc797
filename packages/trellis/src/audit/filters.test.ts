/**
 * Searching the trail by OCSF class and by app (issue 15): the filters and their cursors
 * through the API, a gateway call found under its app, and the `app` column's place in the
 * row MAC — rows written before it (MAC v1) still verify once the migration has filled it in,
 * and are reported when it is edited. On SQLite and PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { testDatabases } from '../../test/databases.ts';
import { startGatewayFixture, type GatewayFixture } from '../../test/gateway-fixture.ts';
import type { Database } from '../db/database.ts';
import { keyRingFrom } from '../keys/index.ts';
import { MAC_VERSION_V1 } from './integrity.ts';
import { auditMigrations } from './migrations.ts';
import type { AuditInput, OcsfClass, ResourceRef } from './ocsf.ts';
import type { AuditRecord } from './service.ts';
import { AuditLog } from './service.ts';
import { verifyDatabase } from './verify-offline.ts';

const MIGRATION = '20261222_0200_audit_app_class_filters';

const event = (cls: OcsfClass, resources: ResourceRef[], i: number): AuditInput => ({
  class: cls,
  activity: 'update',
  action: `filters.test.${i}`,
  actor: { type: 'user', id: 'alice' },
  resources,
  outcome: 'success',
  details: { i },
});

/** Six kinds of event, the app first, later or absent: the app filter must see past the first resource. */
const kinds: { cls: OcsfClass; resources: ResourceRef[]; app: string | null }[] = [
  { cls: 'api_activity', resources: [{ type: 'app', id: 'alpha' }], app: 'alpha' },
  { cls: 'datastore_activity', resources: [{ type: 'connector', id: 'hr' }, { type: 'resource', id: 'hr.employees' }, { type: 'app', id: 'alpha' }], app: 'alpha' },
  { cls: 'api_activity', resources: [{ type: 'oauth_client', id: 'c1' }, { type: 'app', id: 'beta' }], app: 'beta' },
  { cls: 'datastore_activity', resources: [{ type: 'app', id: 'beta' }], app: 'beta' },
  { cls: 'user_management', resources: [{ type: 'person', id: 'p1' }, { type: 'app', id: 'alpha' }, { type: 'app', id: 'beta' }], app: 'alpha' },
  { cls: 'api_activity', resources: [{ type: 'thing', id: 't1' }], app: null },
];

for (const tdb of testDatabases) {
  describe(`audit search by class and app on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
      for (let round = 0; round < 4; round++) {
        await t.services.database.db.transaction().execute((tx) => t.services.audit.appendMany(tx, kinds.map((k, i) => event(k.cls, k.resources, round * 10 + i))));
      }
    });
    afterAll(() => t.close());

    /** Every page of a search, newest first, following next_cursor. */
    const pages = async (query: string, limit: number): Promise<AuditRecord[][]> => {
      const out: AuditRecord[][] = [];
      let after: number | null = null;
      do {
        const r = await t.as('auditor', { method: 'GET', url: `/api/v1/audit/events?${query}&order=desc&limit=${limit}${after === null ? '' : `&after=${after}`}` });
        expect(r.statusCode, r.body).toBe(200);
        const body = r.json() as { items: AuditRecord[]; next_cursor: number | null };
        out.push(body.items);
        after = body.next_cursor;
      } while (after !== null);
      return out;
    };

    /** What a filter must return: every event of the trail, filtered here. */
    const expected = async (keep: (r: AuditRecord) => boolean): Promise<number[]> => {
      const all = await t.services.audit.list({ desc: true, limit: 1000 });
      return all.filter(keep).map((r) => r.seq);
    };

    it('filters by OCSF class, newest first, page by page', async () => {
      const got = await pages('class_uid=6005', 3);
      expect(got.map((p) => p.length)).toEqual([3, 3, 2]);
      const seqs = got.flat().map((r) => r.seq);
      expect(seqs).toEqual(await expected((r) => r.event.class_uid === 6005));
      expect(seqs).toHaveLength(8);
      // class_uid beside another filter: the app's datastore events only.
      const both = (await pages('class_uid=6005&app=beta', 10)).flat();
      expect(both.map((r) => r.event.api.operation)).toEqual(['filters.test.33', 'filters.test.23', 'filters.test.13', 'filters.test.3']);
    });

    it('filters by app: its first app resource, wherever it stands among the resources', async () => {
      for (const app of ['alpha', 'beta']) {
        const seqs = (await pages(`app=${app}`, 5)).flat().map((r) => r.seq);
        const want = await expected((r) => r.event.resources.find((x) => x.type === 'app')?.uid === app);
        expect(seqs, app).toEqual(want);
        expect(seqs, app).toHaveLength(app === 'alpha' ? 12 : 8);
      }
      // The user-management event names alpha first and beta second: it is alpha's.
      const beta = (await pages('app=beta', 100)).flat();
      expect(beta.some((r) => r.event.class_uid === 3007)).toBe(false);
      // The column holds what searchColumns derives, on every row.
      const rows = await t.services.database.db.selectFrom('audit_events').select(['action', 'app']).where('action', 'like', 'filters.test.%').execute();
      for (const r of rows) expect(r.app, r.action).toBe(kinds[Number(r.action.split('.').pop()) % 10]!.app);
    });

    it('refuses a class_uid that is not an integer and an app name that is too long, naming the field', async () => {
      for (const [query, field] of [
        ['class_uid=api', 'class_uid'],
        ['class_uid=-1', 'class_uid'],
        [`app=${'a'.repeat(64)}`, 'app'],
      ] as const) {
        const r = await t.as('auditor', { method: 'GET', url: `/api/v1/audit/events?${query}` });
        expect(r.statusCode, query).toBe(400);
        expect(JSON.stringify(r.json()), query).toContain(field);
      }
    });

    it('"the newest events of class X / about app X" walk their index in chain order', async () => {
      const db = t.services.database;
      for (const [column, value, index] of [
        ['class_uid', 6005, 'audit_events_class'],
        ['app', 'alpha', 'audit_events_app'],
      ] as const) {
        // The statement listEvents runs for a search (content: only rows retention left whole).
        const query = sql`select * from audit_events where seq is not null and ${sql.ref(column)} = ${value} and pruned_at is null order by seq desc limit 100`;
        if (db.dialect === 'sqlite') {
          const plan = (await sql<{ detail: string }>`explain query plan ${query}`.execute(db.db)).rows.map((r) => r.detail).join('\n');
          expect(plan, column).toContain(index);
          expect(plan, column).not.toContain('TEMP B-TREE');
        } else {
          // A table this small is cheaper to scan: forbid that, and see that the index gives the order.
          const plan = await db.db.transaction().execute(async (tx) => {
            await sql`set local enable_seqscan = off`.execute(tx);
            return (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(tx)).rows.map((r) => r['QUERY PLAN']).join('\n');
          });
          expect(plan, column).toContain(index);
          expect(plan, column).not.toMatch(/Sort/);
        }
      }
    });
  });

  describe(`a gateway call is found under its app on ${tdb.name}`, () => {
    let f: GatewayFixture;
    beforeAll(async () => {
      f = await startGatewayFixture(tdb);
    }, 60_000);
    afterAll(() => f?.close());

    it('names the app after the connector and its resource, so both searches find it', async () => {
      const r = await f.call({ method: 'POST', url: '/gw/v1/hr/employees/query', payload: { fields: ['id'] } });
      expect(r.statusCode, r.body).toBe(200);
      await f.t.services.gateway.flushAudit();
      const byApp = await f.t.as('auditor', { method: 'GET', url: '/api/v1/audit/events?app=leave-requests&class_uid=6005&order=desc&limit=1' });
      expect(byApp.statusCode, byApp.body).toBe(200);
      const [call] = (byApp.json() as { items: AuditRecord[] }).items;
      expect(call!.event).toMatchObject({
        api: { operation: 'gateway.query' },
        resources: [
          { type: 'connector', uid: 'hr' },
          { type: 'resource', uid: 'hr.employees' },
          { type: 'app', uid: 'leave-requests', name: 'leave-requests' },
        ],
      });
      // Its first resource is still the connector.
      const byConnector = await f.t.as('auditor', { method: 'GET', url: '/api/v1/audit/events?resource_type=connector&resource_id=hr&order=desc&limit=1' });
      expect((byConnector.json() as { items: AuditRecord[] }).items[0]!.seq).toBe(call!.seq);
      // The app's own lifecycle events are in the same search.
      const all = (await f.t.as('auditor', { method: 'GET', url: '/api/v1/audit/events?app=leave-requests&limit=1000' })).json() as { items: AuditRecord[] };
      expect(all.items.some((e) => e.event.api.operation === 'app.register')).toBe(true);
      expect(all.items.every((e) => e.event.resources.find((x) => x.type === 'app')?.uid === 'leave-requests')).toBe(true);
    });
  });

  describe(`rows written before the app column (MAC v1) on ${tdb.name}`, () => {
    const open: Database[] = [];
    afterEach(async () => {
      for (const d of open.splice(0)) await d.close();
    });

    /**
     * A trail as the version before this one left it: the same rows without `app`, each with a
     * v1 MAC, the newest still pending (PostgreSQL's sealer had not reached it), and one row
     * pruned. Then the migration runs.
     */
    const oldTrail = async () => {
      const database = await tdb.open();
      open.push(database);
      const keys = keyRingFrom(randomBytes(32));
      const macKey = keys.derive('audit.row-mac');
      const audit = new AuditLog(database, keys, { rangeVerify: false });
      for (let round = 0; round < 3; round++) for (const [i, k] of kinds.entries()) await audit.record(event(k.cls, k.resources, round * 10 + i));
      await audit.stop();
      const migration = (await auditMigrations(database.dialect))[MIGRATION]!;
      await database.db.transaction().execute((tx) => migration.down!(tx));
      const rows = await sql<{ id: number; uid: string; time: string; class_uid: number; action: string; actor_id: string; resource_type: string | null; resource_id: string | null; outcome: string; event: string }>`select * from audit_events order by id`.execute(database.db);
      for (const r of rows.rows) {
        const input = JSON.stringify([MAC_VERSION_V1, Number(r.id), r.uid, r.time, Number(r.class_uid), r.action, r.actor_id, r.resource_type, r.resource_id, r.outcome, r.event]);
        await sql`update audit_events set mac = ${createHmac('sha256', macKey).update(input, 'utf8').digest('hex')} where id = ${r.id}`.execute(database.db);
      }
      const newest = Number(rows.rows[rows.rows.length - 1]!.id);
      await sql`update audit_events set seq = null, prev_hash = null, hash = null where id = ${newest}`.execute(database.db);
      await database.db.transaction().execute((tx) => migration.up(tx));
      return { database, keys, rows: rows.rows.map((r) => ({ id: Number(r.id), action: r.action })) };
    };

    const appOfRow = async (database: Database, id: number) => (await database.db.selectFrom('audit_events').select('app').where('id', '=', id).executeTakeFirstOrThrow()).app;

    it('the migration fills app from each event (its first app resource, the second resource or later too), and the trail verifies', async () => {
      const { database, keys, rows } = await oldTrail();
      for (const r of rows) expect(await appOfRow(database, r.id), r.action).toBe(kinds[Number(r.action.split('.').pop()) % 10]!.app);
      const single = new AuditLog(database, keys, { rangeVerify: false });
      const ranged = new AuditLog(database, keys, { rangeVerify: { minEvents: 1, rangeSize: 4, threads: 2 } });
      try {
        // The pending v1 row is sealed: its MAC holds as v1 and its app is its event's.
        expect(await single.verify()).toMatchObject({ ok: true, count: rows.length, problemCount: 0, macChecked: true });
        if (tdb.name === 'sqlite' || database.postgresUrl) expect(await ranged.verify()).toMatchObject({ ok: true, count: rows.length, problemCount: 0 });
        const offline = await verifyDatabase({ ...(database.sqliteFile ? { sqliteFile: database.sqliteFile } : { url: database.postgresUrl!, ...(database.schema ? { schema: database.schema } : {}) }), env: {}, graceMs: 0 });
        expect(offline.ok).toBe(true);
        // New rows get a v2 MAC, beside the old ones.
        await single.record(event('api_activity', [{ type: 'thing', id: 'x' }, { type: 'app', id: 'gamma' }], 99));
        expect(await single.verify()).toMatchObject({ ok: true, count: rows.length + 1 });
        expect((await single.list({ app: 'gamma', limit: 10 })).map((e) => e.event.api.operation)).toEqual(['filters.test.99']);
      } finally {
        await single.stop();
        await ranged.stop();
      }
    });

    it("a v1 row whose app was edited is reported, by every verification, though its MAC does not cover app", async () => {
      const { database, keys, rows } = await oldTrail();
      // A row whose app is its second resource (oauth client, then beta).
      const row = rows.find((r) => r.action === 'filters.test.12')!;
      const single = new AuditLog(database, keys, { rangeVerify: false });
      const ranged = new AuditLog(database, keys, { rangeVerify: { minEvents: 1, rangeSize: 4, threads: 2 } });
      try {
        await single.seal();
        for (const app of ['alpha', null]) {
          await sql`update audit_events set app = ${app} where id = ${row.id}`.execute(database.db);
          const want = [
            { id: row.id, reason: 'column_mismatch', columns: ['app'] },
            { id: row.id, reason: 'mac_mismatch' },
          ];
          expect((await single.verify()).problems, String(app)).toMatchObject(want);
          if (tdb.name === 'sqlite' || database.postgresUrl) expect((await ranged.verify()).problems, String(app)).toMatchObject(want);
        }
        // Moved into alpha's results, as the edit meant: verification is what says so.
        await sql`update audit_events set app = 'alpha' where id = ${row.id}`.execute(database.db);
        expect((await single.list({ app: 'alpha', limit: 100 })).some((e) => e.event.api.operation === 'filters.test.12')).toBe(true);
        await sql`update audit_events set app = 'beta' where id = ${row.id}`.execute(database.db);
        expect((await single.verify()).ok).toBe(true);
      } finally {
        await single.stop();
        await ranged.stop();
      }
    });

    it('the migration leaves app null on pruned rows and on events that do not parse', async () => {
      const database = await tdb.open();
      open.push(database);
      const audit = new AuditLog(database, keyRingFrom(randomBytes(32)));
      for (const [i, k] of kinds.entries()) await audit.record(event(k.cls, k.resources, i));
      await audit.stop();
      const migration = (await auditMigrations(database.dialect))[MIGRATION]!;
      await database.db.transaction().execute((tx) => migration.down!(tx));
      const ids = (await database.db.selectFrom('audit_events').select(['id', 'action']).where('action', 'like', 'filters.test.%').orderBy('id').execute()).map((r) => Number(r.id));
      // Pruned by retention (its event a tombstone is not needed here: pruned_at alone says so).
      await sql`update audit_events set pruned_at = ${new Date().toISOString()} where id = ${ids[0]!}`.execute(database.db);
      // Edited into text that names an app resource but is not JSON.
      await sql`update audit_events set event = ${'{"resources":[{"type":"app","uid":"x"}'} where id = ${ids[1]!}`.execute(database.db);
      // Resources that are not an array.
      await sql`update audit_events set event = ${'{"resources":{"type":"app","uid":"x"}}'} where id = ${ids[2]!}`.execute(database.db);
      await database.db.transaction().execute((tx) => migration.up(tx));
      expect(await appOfRow(database, ids[0]!)).toBeNull();
      expect(await appOfRow(database, ids[1]!)).toBeNull();
      expect(await appOfRow(database, ids[2]!)).toBeNull();
      expect(await appOfRow(database, ids[3]!)).toBe('beta');
    });
  });
}
