/**
 * Governance's routes beyond the golden path, on both databases: sample records, settings that
 * change the next decision, risk overrides, withdrawing and requesting changes, the queue's
 * pages, and bad input answered with problem details that name the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { allChecked, yaml } from '../../test/leave-requests.ts';

const connector = {
  apiVersion: 'trellis.dev/v1',
  kind: 'Connector',
  metadata: { name: 'people' },
  spec: { type: 'postgres', owner: 'group:platform', resources: [{ name: 'staff', fields: [{ name: 'id' }, { name: 'email', tags: ['pii.email'] }, { name: 'notes' }, { name: 'team' }] }] },
};
const manifest = (name: string, fields: string, extra = '') =>
  `apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: ${name}\nspec:\n  owner: user:ana@example.com\n  purpose: Staff directory\n  classification: internal\n  runtime: sandbox\n  connectors:\n    - name: people\n      resources:\n        - name: staff\n          fields: [${fields}]\n          access: read\n${extra}`;

for (const tdb of testDatabases) {
  describe(`governance routes on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', payload: connector })).statusCode).toBe(201);
    });
    afterAll(() => t.close());

    it('approves at once what reads only untagged fields at low risk', async () => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('team-list', 'id, team') });
      expect(r.json()).toMatchObject({ status: 'approved', approved_version: 1, classification: { detected: null, effective: 'internal' }, risk: { tier: 'low' }, decision: { outcome: 'approved', warn: [] } });
      expect((await t.as('auditor', { method: 'GET', url: '/api/v1/reviews?app=team-list' })).json().items).toEqual([]);
    });

    it('classifies from sample records, never storing them, and counts what the catalog missed', async () => {
      const body = {
        manifest: manifest('notes-viewer', 'id, notes'),
        samples: [{ connector: 'people', resource: 'staff', records: [{ id: 1, notes: 'SSN 536-22-8143 on file' }, { id: 2, notes: 'call jane.doe@acme.io' }] }],
      };
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', payload: body });
      expect(r.statusCode).toBe(201);
      const app = r.json();
      expect(app.classification).toMatchObject({ declared: 'internal', detected: 'restricted', effective: 'restricted' });
      expect(app.classification.because.every((b: { source: string; field: string }) => b.source === 'sample' && b.field === 'people.staff.notes')).toBe(true);
      expect(app.risk.factors.find((f: { name: string }) => f.name === 'open_findings').value).toBeGreaterThan(0);
      expect(JSON.stringify(app)).not.toContain('536-22-8143');
      const versions = (await t.as('viewer', { method: 'GET', url: '/api/v1/apps/notes-viewer/versions/1' })).json();
      expect(JSON.stringify(versions)).not.toContain('536-22-8143');
      // A sample of a field the manifest does not bind is an error naming it.
      const bad = await t.as('builder', { method: 'POST', url: '/api/v1/apps', payload: { manifest: manifest('bad-sample', 'id'), samples: [{ connector: 'people', resource: 'staff', records: [{ salary: 1 }] }] } });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'samples[0].records[0].salary' })]);
      const shape = await t.as('builder', { method: 'POST', url: '/api/v1/apps', payload: { manifest: manifest('bad-shape', 'id'), samples: 'nope' } });
      expect(shape.statusCode).toBe(400);
      expect(shape.json().errors[0].path).toBe('samples');
    });

    it('applies changed settings to the next decision, and only admins change them', async () => {
      const before = (await t.as('viewer', { method: 'GET', url: '/api/v1/governance/settings' })).json();
      expect(before.tag_tiers['pii.*']).toBe('restricted');
      expect((await t.as('reviewer', { method: 'PATCH', url: '/api/v1/governance/settings', payload: { tag_tiers: {} } })).statusCode).toBe(403);
      const bad = await t.as('admin', { method: 'PATCH', url: '/api/v1/governance/settings', payload: { risk: { ...before.risk, thresholds: { medium: 60, high: 50, critical: 75 } } } });
      expect(bad.statusCode).toBe(400);
      const ok = await t.as('admin', { method: 'PATCH', url: '/api/v1/governance/settings', payload: { tag_tiers: { ...before.tag_tiers, 'pii.email': 'confidential' } } });
      expect(ok.statusCode).toBe(200);
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('mail-list', 'id, email') });
      expect(r.json().classification).toMatchObject({ detected: 'confidential', effective: 'confidential' });
      await t.as('admin', { method: 'PATCH', url: '/api/v1/governance/settings', payload: { tag_tiers: before.tag_tiers } });
      const events = (await t.as('auditor', { method: 'GET', url: '/api/v1/audit/events?action=governance.settings' })).json().items;
      expect(events.length).toBe(2);
    });

    it('lets an admin override the risk tier with a reason, and remove it', async () => {
      expect((await t.as('admin', { method: 'PUT', url: '/api/v1/apps/mail-list/risk-override', payload: { tier: 'low', reason: 'short' } })).statusCode).toBe(400);
      expect((await t.as('reviewer', { method: 'PUT', url: '/api/v1/apps/mail-list/risk-override', payload: { tier: 'low', reason: 'only reads work addresses' } })).statusCode).toBe(403);
      const set = await t.as('admin', { method: 'PUT', url: '/api/v1/apps/mail-list/risk-override', payload: { tier: 'critical', reason: 'feeds an external mailing tool' } });
      expect(set.json().risk).toMatchObject({ tier: 'critical', override: { tier: 'critical', reason: 'feeds an external mailing tool' } });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps?risk=critical' })).json().items.map((a: { name: string }) => a.name)).toEqual(['mail-list']);
      // The override holds for the next version too.
      const next = await t.as('builder', { method: 'PUT', url: '/api/v1/apps/mail-list', headers: yaml, payload: manifest('mail-list', 'id, email').replace('Staff directory', 'Staff mailing list') });
      expect(next.json().risk).toMatchObject({ tier: 'critical', override: { tier: 'critical' } });
      const cleared = await t.as('admin', { method: 'DELETE', url: '/api/v1/apps/mail-list/risk-override' });
      expect(cleared.json().risk.override).toBeNull();
      expect(cleared.json().risk.tier).toBe(cleared.json().risk.computed_tier);
      expect((await t.as('admin', { method: 'DELETE', url: '/api/v1/apps/mail-list/risk-override' })).statusCode).toBe(404);
    });

    it('withdraws a version under review, and sends one back with requested changes', async () => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('email-bot', 'id, email') });
      expect(r.json().status).toBe('pending_review');
      const withdrawn = await t.as('builder', { method: 'POST', url: '/api/v1/apps/email-bot/transitions', payload: { to: 'draft', reason: 'not ready' } });
      expect(withdrawn.json()).toMatchObject({ from: 'pending_review', to: 'draft' });
      expect((await t.as('auditor', { method: 'GET', url: '/api/v1/reviews?app=email-bot' })).json().items[0]).toMatchObject({ status: 'withdrawn' });
      const resubmitted = await t.as('builder', { method: 'POST', url: '/api/v1/apps/email-bot/transitions', payload: { to: 'pending_review' } });
      expect(resubmitted.json()).toMatchObject({ from: 'draft', to: 'pending_review' });
      const open = (await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews?app=email-bot&status=open' })).json().items[0];
      expect(open).toMatchObject({ kind: 'submit', version: 1 });
      expect((await t.as('reviewer', { method: 'POST', url: `/api/v1/reviews/${open.id}/request-changes`, payload: {} })).json()).toMatchObject({ errors: [{ path: 'comment' }] });
      const changes = await t.as('reviewer', { method: 'POST', url: `/api/v1/reviews/${open.id}/request-changes`, payload: { comment: 'say why the e-mail is needed' } });
      expect(changes.json()).toMatchObject({ status: 'changes_requested', comment: 'say why the e-mail is needed' });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/email-bot' })).json().status).toBe('draft');
    });

    it('suspends an app in force while an update of it waits for review, withdrawing the update (the kill switch)', async () => {
      expect((await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('kill-target', 'id, team') })).json().status).toBe('approved');
      const widened = await t.as('builder', { method: 'PUT', url: '/api/v1/apps/kill-target', headers: yaml, payload: manifest('kill-target', 'id, team, email') });
      expect(widened.json()).toMatchObject({ status: 'pending_review', approved_version: 1, version: 2 });
      const killed = await t.as('reviewer', { method: 'POST', url: '/api/v1/apps/kill-target/transitions', payload: { to: 'suspended', reason: 'incident 4711' } });
      expect(killed.statusCode, killed.body).toBe(200);
      expect(killed.json()).toMatchObject({ name: 'kill-target', from: 'pending_review', to: 'suspended', app: { status: 'suspended' } });
      const app = (await t.as('viewer', { method: 'GET', url: '/api/v1/apps/kill-target' })).json();
      expect(app).toMatchObject({ status: 'suspended', approved_version: 1 });
      const reviews = (await t.as('auditor', { method: 'GET', url: '/api/v1/reviews?app=kill-target&status=withdrawn' })).json().items;
      expect(reviews).toEqual([expect.objectContaining({ app: 'kill-target', status: 'withdrawn' })]);
      expect(reviews[0].comment).toContain('incident 4711');
      // A builder may not; and an app never approved has nothing in force to suspend.
      const builder = await t.as('builder', { method: 'POST', url: '/api/v1/apps/kill-target/transitions', payload: { to: 'suspended' } });
      expect(builder.statusCode).toBe(403);
      await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('never-approved', 'id, email') });
      const none = await t.as('reviewer', { method: 'POST', url: '/api/v1/apps/never-approved/transitions', payload: { to: 'suspended' } });
      expect(none.statusCode).toBe(409);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/never-approved' })).json().status).toBe('pending_review');
      // Out of the queue again, for the queue's own test below.
      expect((await t.as('builder', { method: 'POST', url: '/api/v1/apps/never-approved/transitions', payload: { to: 'draft' } })).statusCode).toBe(200);
    });

    it('pages the queue oldest first, and refuses a forged cursor or review id', async () => {
      for (const n of ['q-one', 'q-two', 'q-three']) await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest(n, 'id, email') });
      const first = (await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews?status=open&limit=2' })).json();
      expect(first.items.map((x: { app: string }) => x.app)).toEqual(['notes-viewer', 'q-one']);
      const second = (await t.as('reviewer', { method: 'GET', url: `/api/v1/reviews?status=open&limit=2&cursor=${first.next_cursor}` })).json();
      expect(second.items.map((x: { app: string }) => x.app)).toEqual(['q-two', 'q-three']);
      expect((await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews?cursor=zzz' })).json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'cursor' }] });
      expect((await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews/rev_0000000000000000' })).statusCode).toBe(404);
      expect((await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews/not-an-id' })).statusCode).toBe(400);
      const detail = (await t.as('reviewer', { method: 'GET', url: `/api/v1/reviews/${first.items[1].id}` })).json();
      expect(detail.checklist.map((c: { item: string }) => c.item)).toEqual(Object.keys(allChecked));
      expect(detail.app.name).toBe('q-one');
    });
  });
}
