/**
 * The dashboard summary on both databases: a fresh install answers zeros in every bucket, apps
 * registered through the API are counted by status, tier and risk, registrations fall in their
 * week, open reviews in their age bucket, and decisions and refusals from the audit trail in
 * their day — those before the window or of other actions not at all. Who may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openSqliteTestDb, testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { systemActor } from '../auth/index.ts';
import type { AuditInput } from '../audit/index.ts';
import { computeInsights, type Insights } from './service.ts';

const connector = {
  apiVersion: 'trellis.dev/v1',
  kind: 'Connector',
  metadata: { name: 'people' },
  spec: { type: 'postgres', owner: 'group:platform', resources: [{ name: 'staff', fields: [{ name: 'id' }, { name: 'email', tags: ['pii.email'] }, { name: 'team' }] }] },
};
const manifest = (name: string, fields: string) =>
  `apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: ${name}\nspec:\n  owner: user:ana@example.com\n  purpose: Staff directory\n  classification: internal\n  runtime: sandbox\n  connectors:\n    - name: people\n      resources:\n        - name: staff\n          fields: [${fields}]\n          access: read\n`;
const yaml = { 'content-type': 'application/yaml' };

const count = (list: { key: string; count: number }[], key: string) => list.find((b) => b.key === key)?.count;
const event = (action: string, outcome: 'success' | 'failure', time: string): AuditInput => ({ class: 'api_activity', activity: 'other', action, actor: systemActor, outcome, time: new Date(time) });

for (const tdb of testDatabases) {
  describe(`insights on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    it('answers a fresh install with every bucket at zero', async () => {
      const r = await t.as('viewer', { method: 'GET', url: '/api/v1/insights' });
      expect(r.statusCode).toBe(200);
      const body = r.json<Insights>();
      expect(body.apps.total).toBe(0);
      expect(body.apps.by_status.map((b) => b.key)).toEqual(['draft', 'pending_review', 'approved', 'rejected', 'suspended', 'retired']);
      expect(body.apps.by_status.every((b) => b.count === 0)).toBe(true);
      expect(body.apps.by_tier.map((b) => b.key)).toEqual(['public', 'internal', 'confidential', 'restricted']);
      expect(body.apps.by_risk.map((b) => b.key)).toEqual(['low', 'medium', 'high', 'critical']);
      expect(body.growth).toHaveLength(26);
      expect(body.growth.every((w) => w.registrations === 0 && w.total === 0)).toBe(true);
      expect(body.reviews).toEqual({ open: 0, oldest_submitted_at: null, oldest_age_hours: null, by_age: [{ key: 'under_1d', count: 0 }, { key: '1d_to_3d', count: 0 }, { key: '3d_to_7d', count: 0 }, { key: 'over_7d', count: 0 }] });
      expect(body.activity).toHaveLength(30);
      expect(body.activity.at(-1)!.day).toBe(new Date().toISOString().slice(0, 10));
    });

    it('is refused to a role that may not list apps', async () => {
      const r = await t.as('provisioner', { method: 'GET', url: '/api/v1/insights' });
      expect(r.statusCode).toBe(403);
    });

    it('counts apps registered through the API, their open review and their admission decisions', async () => {
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', payload: connector })).statusCode).toBe(201);
      // Untagged fields at low risk: approved at once. An e-mail field: a person must review it.
      expect((await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('team-list', 'id, team') })).json()).toMatchObject({ status: 'approved' });
      expect((await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('staff-mail', 'id, email') })).json()).toMatchObject({ status: 'pending_review' });
      const body = (await t.as('viewer', { method: 'GET', url: '/api/v1/insights' })).json<Insights>();
      expect(body.apps.total).toBe(2);
      expect(count(body.apps.by_status, 'approved')).toBe(1);
      expect(count(body.apps.by_status, 'pending_review')).toBe(1);
      expect(count(body.apps.by_tier, 'internal')).toBe(1);
      expect(count(body.apps.by_tier, 'restricted')).toBe(1);
      expect(count(body.apps.by_risk, 'low')).toBe(1);
      expect(body.growth.at(-1)).toMatchObject({ registrations: 2, total: 2 });
      expect(body.reviews.open).toBe(1);
      expect(count(body.reviews.by_age, 'under_1d')).toBe(1);
      expect(body.reviews.oldest_age_hours).toBe(0);
      // Each registration's admission decision is in the trail as a policy.decision that allowed.
      expect(body.activity.at(-1)!.decisions_allowed).toBe(2);
    });

    it('puts registrations in their week, reviews in their age bucket and audit events in their day', async () => {
      const db = t.services.database.db;
      // Fixed instant: Wednesday 2026-12-02 12:00 UTC; its week starts Monday 2026-11-30.
      const now = new Date('2026-12-02T12:00:00.000Z');
      await db.updateTable('catalog_apps').set({ created_at: '2026-11-30T08:00:00.000Z' }).where('name', '=', 'team-list').execute();
      // 26 weeks before this week's Monday is outside the window: counted in the totals only.
      await db.updateTable('catalog_apps').set({ created_at: '2026-05-01T08:00:00.000Z' }).where('name', '=', 'staff-mail').execute();
      await db.updateTable('governance_reviews').set({ submitted_at: '2026-11-27T11:00:00.000Z' }).where('status', '=', 'open').execute();
      await t.services.database.db.transaction().execute((tx) =>
        t.services.audit.appendMany(tx, [
          event('policy.decision', 'failure', '2026-12-01T10:00:00.000Z'),
          event('policy.decision', 'success', '2026-12-01T11:00:00.000Z'),
          event('gateway.query', 'failure', '2026-12-02T09:00:00.000Z'),
          event('gateway.http.overflow', 'failure', '2026-12-02T09:30:00.000Z'),
          // A gateway call that succeeded is no refusal.
          event('gateway.query', 'success', '2026-12-02T09:00:00.000Z'),
          event('export.blocked', 'failure', '2026-11-03T23:59:59.000Z'),
          event('export.quarantined', 'failure', '2026-12-02T10:00:00.000Z'),
          // The day before the 30-day window, and an action that is neither.
          event('export.blocked', 'failure', '2026-11-02T23:59:59.000Z'),
          event('authz.deny', 'failure', '2026-12-02T10:00:00.000Z'),
        ]),
      );

      const s = await computeInsights(db, now);
      expect(s.generated_at).toBe(now.toISOString());
      expect(s.growth[0]!.week).toBe('2026-06-08');
      expect(s.growth.at(-1)).toEqual({ week: '2026-11-30', registrations: 1, total: 2 });
      expect(s.growth.slice(0, -1).every((w) => w.registrations === 0 && w.total === 1)).toBe(true);

      expect(s.reviews.oldest_submitted_at).toBe('2026-11-27T11:00:00.000Z');
      expect(s.reviews.oldest_age_hours).toBe(5 * 24 + 1);
      expect(s.reviews.by_age).toEqual([{ key: 'under_1d', count: 0 }, { key: '1d_to_3d', count: 0 }, { key: '3d_to_7d', count: 1 }, { key: 'over_7d', count: 0 }]);

      expect(s.activity[0]!.day).toBe('2026-11-03');
      expect(s.activity.at(-1)!.day).toBe('2026-12-02');
      const day = (d: string) => s.activity.find((a) => a.day === d)!;
      expect(day('2026-11-03')).toMatchObject({ exports_blocked: 1 });
      expect(day('2026-12-01')).toMatchObject({ decisions_allowed: 1, decisions_denied: 1, gateway_refused: 0 });
      expect(day('2026-12-02')).toMatchObject({ gateway_refused: 2, exports_quarantined: 1, exports_blocked: 0, decisions_denied: 0 });
      const sum = s.activity.reduce((a, d) => a + d.decisions_allowed + d.decisions_denied + d.gateway_refused + d.exports_blocked + d.exports_quarantined, 0);
      expect(sum).toBe(6);
    });

  });
}

describe('insights query plans on SQLite', () => {
  it('reads every aggregate from an index, never the tables', async () => {
    const database = await openSqliteTestDb();
    try {
      const plan = async (q: string) => (await sql.raw<{ detail: string }>(`explain query plan ${q}`).execute(database.db)).rows.map((r) => r.detail).join(' | ');
      expect(await plan("select substr(created_at, 1, 10), count(*) from catalog_apps where created_at >= '2026' group by 1")).toMatch(/COVERING INDEX insights_apps_created_at/);
      expect(await plan("select substr(time, 1, 10), action, outcome, count(*) from audit_events where action in ('gateway.query', 'export.blocked') and outcome in ('failure') and time >= '2026' group by 1, 2, 3")).toMatch(/COVERING INDEX insights_audit_action_outcome_time/);
      expect(await plan("select count(*), min(submitted_at) from governance_reviews where status = 'open'")).toMatch(/COVERING INDEX governance_reviews_status/);
      expect(await plan('select status, count(*) from catalog_apps group by status')).toMatch(/COVERING INDEX catalog_apps_status_name/);
    } finally {
      await database.close();
    }
  });
});
