/**
 * The golden path's first half through the API, on both databases: the HR connector defined,
 * the leave-request app registered, detected restricted from the HR connector's pii.email
 * field, scored medium, warned about its Slack export, queued, refused when its owner tries to
 * approve it, approved by another reviewer; an update that widens it goes back to review while
 * the approved version stays in force; a bundle change's impact analysis names the app; and
 * every decision is in the audit trail.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { systemActor } from '../auth/index.ts';
import { allChecked, appYaml, connectorYaml, yaml } from '../../test/leave-requests.ts';


for (const tdb of testDatabases) {
  describe(`golden path, first half, on ${tdb.name}`, () => {
    let t: TestApp;
    const token = async (name: string, role: 'builder' | 'reviewer', subject: string) => (await t.services.tokens.create(systemActor, { name, role, subject })).token;
    const as = (tok: string, opts: InjectOptions) => t.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${tok}` } });
    let ana: string;
    let anaReviewer: string;
    let rick: string;

    beforeAll(async () => {
      t = await makeTestApp(tdb);
      ana = await token('ana', 'builder', 'user:ana.hr@example.com');
      anaReviewer = await token('ana-review', 'reviewer', 'ana.hr@example.com');
      rick = await token('rick', 'reviewer', 'user:rick.sec@example.com');
    });
    afterAll(() => t.close());

    it('refuses an app that binds a connector nobody defined, naming the field', async () => {
      const r = await as(ana, { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: appYaml });
      expect(r.statusCode).toBe(422);
      expect(r.json()).toMatchObject({ code: 'manifest_unbound_field', errors: [{ path: 'spec.connectors[0].name', line: 18 }] });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps' })).json().items).toEqual([]);
    });

    it('registers the app: restricted from pii.email, medium risk, one warning, queued', async () => {
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connectorYaml })).statusCode).toBeLessThan(300);
      const r = await as(ana, { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: appYaml });
      expect(r.statusCode).toBe(201);
      const app = r.json();
      expect(app).toMatchObject({ name: 'leave-requests', status: 'pending_review', approved_version: null });
      expect(app.classification).toMatchObject({ declared: 'confidential', detected: 'restricted', effective: 'restricted' });
      expect(app.classification.because).toContainEqual({ source: 'catalog', field: 'hr.employees.email', tags: ['pii.email'], tier: 'restricted' });
      expect(app.risk.tier).toBe('medium');
      expect(app.risk.factors.map((f: { name: string }) => f.name)).toContain('data_tier');
      expect(app.decision).toMatchObject({ result: 'allow', outcome: 'pending_review', deny: [] });
      expect(app.decision.warn).toHaveLength(1);
      expect(app.decision.warn[0]).toMatch(/slack/i);
      expect(app.decision.bundle.version).toBe(1);
      // The list shows the effective tier and the risk tier.
      const list = (await t.as('viewer', { method: 'GET', url: '/api/v1/apps?classification=restricted' })).json();
      expect(list.items).toMatchObject([{ name: 'leave-requests', classification: 'restricted', risk_tier: 'medium' }]);
    });

    it('lists the review in the queue; the owner may not approve it, another reviewer does', async () => {
      const queue = (await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews?status=open' })).json();
      expect(queue.items).toHaveLength(1);
      const review = queue.items[0];
      expect(review).toMatchObject({ app: 'leave-requests', version: 1, kind: 'register', status: 'open', owner: 'user:ana.hr@example.com', risk: { tier: 'medium' } });
      const own = await as(anaReviewer, { method: 'POST', url: `/api/v1/reviews/${review.id}/approve`, payload: { checklist: allChecked } });
      expect(own.statusCode).toBe(403);
      expect(own.json()).toMatchObject({ code: 'separation_of_duties' });
      const unchecked = await as(rick, { method: 'POST', url: `/api/v1/reviews/${review.id}/approve`, payload: { checklist: { classification: true } } });
      expect(unchecked.statusCode).toBe(422);
      expect(unchecked.json().errors.map((e: { path: string }) => e.path)).toEqual(['checklist.retention', 'checklist.connectors', 'checklist.isolation', 'checklist.monitoring']);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/leave-requests' })).json()).toMatchObject({ status: 'pending_review', approved_version: null });
      const ok = await as(rick, { method: 'POST', url: `/api/v1/reviews/${review.id}/approve`, payload: { checklist: allChecked, comment: 'fine for HR managers' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ status: 'approved', decided_by: { name: 'rick', subject: 'user:rick.sec@example.com' }, comment: 'fine for HR managers' });
      expect(ok.json().decision_ms).toBeGreaterThanOrEqual(0);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/leave-requests' })).json()).toMatchObject({ status: 'approved', approved_version: 1 });
      const again = await as(rick, { method: 'POST', url: `/api/v1/reviews/${review.id}/reject`, payload: { comment: 'changed my mind' } });
      expect(again.statusCode).toBe(409);
    });

    it('sends an update that widens the approved scope back to review, keeping version 1 in force', async () => {
      const widened = appYaml.replace('fields: [id, name, email, leave_balance]', 'fields: [id, name, email, leave_balance, ssn]');
      const r = await as(ana, { method: 'PUT', url: '/api/v1/apps/leave-requests', headers: yaml, payload: widened });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ version: 2, status: 'pending_review', approved_version: 1, decision: { outcome: 'pending_review' } });
      expect(r.json().decision.reasons).toContain('new field hr.employees.ssn');
      // Someone else's builder token may not change Ana's app.
      const other = await t.as('builder', { method: 'PUT', url: '/api/v1/apps/leave-requests', headers: yaml, payload: appYaml });
      expect(other.statusCode).toBe(403);
      expect(other.json()).toMatchObject({ code: 'not_owner' });
      // Reverting to the approved scope supersedes the open review and is approved at once.
      const back = await as(ana, { method: 'PUT', url: '/api/v1/apps/leave-requests', headers: yaml, payload: appYaml.replace('title: Leave requests', 'title: Leave requests (HR)') });
      expect(back.json()).toMatchObject({ version: 3, status: 'approved', approved_version: 3 });
      const reviews = (await t.as('auditor', { method: 'GET', url: '/api/v1/reviews?app=leave-requests' })).json().items;
      expect(reviews.map((x: { version: number; status: string }) => [x.version, x.status])).toEqual([
        [2, 'superseded'],
        [1, 'approved'],
      ]);
    });

    it('refuses a manifest that carries a credential, with its path and line, and stores nothing', async () => {
      const leaked = appYaml.replace('  purpose: Track', '  purpose: "Uses AKIAIOSFODNN7EXAMPLE to track').replace('spreadsheets.', 'spreadsheets."');
      const r = await as(ana, { method: 'PUT', url: '/api/v1/apps/leave-requests', headers: yaml, payload: leaked });
      expect(r.statusCode).toBe(422);
      const body = r.json();
      expect(body.code).toBe('manifest_has_credential');
      expect(body.errors[0]).toMatchObject({ path: 'spec.purpose', line: 13 });
      expect(JSON.stringify(body)).not.toContain('AKIAIOSFODNN7EXAMPLE');
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/leave-requests' })).json().version).toBe(3);
    });

    it("names the app a bundle change would flip, before activation", async () => {
      const extra = 'package trellis.admission\n\ndeny[msg] { input.connector == "hr"; msg = sprintf("Connector %s is restricted", [input.connector]) }\n';
      const active = (await t.as('admin', { method: 'GET', url: '/api/v1/policy/active' })).json();
      const current = (await t.as('admin', { method: 'GET', url: `/api/v1/policy/bundles/${active.version}` })).json();
      const modules = { ...current.modules, 'team/hr_block.rego': extra };
      const r = await t.as('admin', { method: 'POST', url: '/api/v1/policy/impact', payload: { bundle: { modules, data: current.data } } });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ apps: 1, changed: 1, flips: { to_deny: 1, to_allow: 0 } });
      expect(r.json().items[0]).toMatchObject({ app: 'leave-requests', change: 'to_deny', added: ['Connector hr is restricted'] });
    });

    it('decides an app from the catalog in the playground, naming the rules that fired', async () => {
      const r = await t.as('reviewer', { method: 'POST', url: '/api/v1/policy/eval', payload: { point: 'admission', app: 'leave-requests' } });
      expect(r.statusCode).toBe(200);
      expect(r.json().decision).toMatchObject({ result: 'allow', deny: [] });
      expect(r.json().decision.warn.join(' ')).toMatch(/slack #hr-leave/);
      expect(r.json().rules.length).toBeGreaterThan(0);
    });

    it('has every decision in the audit trail', async () => {
      const events = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/events?limit=500' })).json().items as { event: { api: { operation: string } } }[];
      const actions = events.map((e) => e.event.api.operation);
      for (const a of ['app.register', 'policy.decision', 'review.open', 'review.approve', 'app.update', 'review.superseded']) expect(actions).toContain(a);
      expect(actions.filter((a) => a === 'policy.decision').length).toBe(3);
    });
  });
}
