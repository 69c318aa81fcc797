/**
 * The departed-owner cascade end to end through the HTTP API, on both databases: Ana owns an
 * app registered and approved through governance and holds an API token acting for her; the
 * IdP deactivates her through SCIM → her token and her session are refused at once, her app is suspended, and
 * her manager is offered the app; he accepts and becomes the owner (announced by webhook) and
 * a reviewer reinstates the app. Someone with no manager is deleted → the fallback owner is
 * offered their app. Reactivating a person restores nothing but lets new credentials work.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { startReceiver, type Receiver } from '../webhooks/test-receiver.ts';
import { systemActor } from '../auth/index.ts';
import { ENTERPRISE_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './scim-schema.ts';
import { allChecked, appYaml, connectorYaml, yaml } from '../../test/leave-requests.ts';


for (const tdb of testDatabases) {
  describe(`departed-owner cascade on ${tdb.name}`, () => {
    let t: TestApp;
    let receiver: Receiver;
    const previous = process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE;
    const as = (tok: string, opts: InjectOptions) => t.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${tok}` } });
    const token = async (name: string, role: 'builder' | 'reviewer' | 'viewer', subject: string) => (await t.services.tokens.create(systemActor, { name, role, subject })).token;
    const scim = (method: InjectOptions['method'], url: string, payload?: unknown) =>
      t.as('provisioner', { method, url: `/scim/v2${url}`, ...(payload !== undefined ? { payload: JSON.stringify(payload), headers: { 'content-type': 'application/scim+json' } } : {}) });
    const provision = async (email: string, ent: Record<string, unknown> = {}) => {
      const r = await scim('POST', '/Users', { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: email, emails: [{ value: email, primary: true }], active: true, [ENTERPRISE_SCHEMA]: ent });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    /** Register and approve an app owned by `owner` through governance, as the golden path does. */
    const approvedApp = async (name: string, owner: string, ownerToken: string, reviewer: string) => {
      const text = appYaml.replace('name: leave-requests', `name: ${name}`).replace('owner: user:ana.hr@example.com', `owner: ${owner}`);
      const r = await as(ownerToken, { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: text });
      expect(r.statusCode, r.body).toBe(201);
      const review = (await t.as('reviewer', { method: 'GET', url: `/api/v1/reviews?status=open&app=${name}` })).json().items[0];
      const ok = await as(reviewer, { method: 'POST', url: `/api/v1/reviews/${review.id}/approve`, payload: { checklist: allChecked } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await t.as('viewer', { method: 'GET', url: `/api/v1/apps/${name}` })).json()).toMatchObject({ status: 'approved', owner });
    };
    let anaId: string;
    let ana: string;
    let marco: string;
    let rick: string;

    beforeAll(async () => {
      process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE = 'true';
      t = await makeTestApp(tdb);
      receiver = await startReceiver();
      await t.services.webhooks.create({ actor: systemActor }, { url: receiver.url, events: ['app.*'] });
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connectorYaml })).statusCode).toBeLessThan(300);
      const marcoId = await provision('marco.hr@example.com', { department: 'HR' });
      anaId = await provision('ana.hr@example.com', { department: 'HR', manager: { value: marcoId } });
      ana = await token('ana', 'builder', 'user:ana.hr@example.com');
      marco = await token('marco', 'builder', 'user:marco.hr@example.com');
      rick = await token('rick', 'reviewer', 'user:rick.sec@example.com');
    });
    afterAll(async () => {
      await t.close();
      await receiver.close();
      if (previous === undefined) delete process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE;
      else process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE = previous;
    });

    it('deactivating a person refuses their token at once, suspends their app and offers it to their manager', async () => {
      await approvedApp('leave-requests', 'user:ana.hr@example.com', ana, rick);
      expect((await as(ana, { method: 'GET', url: '/api/v1/whoami' })).statusCode).toBe(200);
      // Ana is also signed in (a `trellis login` session); it carries her directory attributes.
      const session = await t.services.database.db.transaction().execute((tx) => t.services.sso.sessions.create(tx, { subject: 'user:ana.hr@example.com', name: 'Ana', role: 'builder', attributes: {} }, 'cli', undefined));
      const before = await t.services.sso.sessions.resolve(session.token, 'cli', undefined);
      expect(before).toMatchObject({ subject: 'user:ana.hr@example.com', attributes: { department: 'HR', manager: 'user:marco.hr@example.com' } });
      // Entra ID's form: op capitalised, the boolean as a string.
      const off = await scim('PATCH', `/Users/${anaId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().active).toBe(false);

      expect((await as(ana, { method: 'GET', url: '/api/v1/whoami' })).statusCode).toBe(401);
      expect(await t.services.sso.sessions.resolve(session.token, 'cli', undefined)).toMatchObject({ code: 'unauthenticated' });
      const tokens = (await t.as('admin', { method: 'GET', url: '/api/v1/tokens' })).json().items;
      expect(tokens.find((x: { name: string }) => x.name === 'ana').revoked_at).not.toBeNull();
      expect(t.services.revocations.isRevoked('subject', 'user:ana.hr@example.com', Date.now() - 1000)).toBe(true);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/leave-requests' })).json()).toMatchObject({ status: 'suspended' });

      const offers = (await as(marco, { method: 'GET', url: '/api/v1/ownership-offers' })).json().items;
      expect(offers).toMatchObject([{ app: 'leave-requests', from: 'user:ana.hr@example.com', to: 'user:marco.hr@example.com', via: 'manager', status: 'open' }]);
      // Nobody else sees it; an admin sees every offer.
      expect((await as(rick, { method: 'GET', url: '/api/v1/ownership-offers' })).json().items).toEqual([]);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/ownership-offers' })).json().items).toHaveLength(1);

      const cascade = await t.services.audit.list({ action: 'person.cascade', limit: 10 });
      expect(cascade).toHaveLength(1);
      expect(cascade[0]!.event).toMatchObject({ class_uid: 3001, unmapped: { ref: 'user:ana.hr@example.com', suspended: ['leave-requests'], successor: 'user:marco.hr@example.com', via: 'manager' } });
      const deactivated = await t.services.audit.list({ action: 'person.deactivate', limit: 10 });
      expect(deactivated[0]!.event).toMatchObject({ class_uid: 3001, activity_id: 5 });
    });

    it('the manager accepts and becomes the owner; the app stays suspended until a reviewer reinstates it', async () => {
      const [offer] = (await as(marco, { method: 'GET', url: '/api/v1/ownership-offers?status=open' })).json().items;
      const stranger = await token('stranger', 'builder', 'user:someone@example.com');
      const refused = await as(stranger, { method: 'POST', url: `/api/v1/ownership-offers/${offer.id}/accept` });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'not_offered_to_you' });

      const ok = await as(marco, { method: 'POST', url: `/api/v1/ownership-offers/${offer.id}/accept` });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ status: 'accepted', to: 'user:marco.hr@example.com' });
      expect((await as(marco, { method: 'POST', url: `/api/v1/ownership-offers/${offer.id}/decline` })).json()).toMatchObject({ code: 'offer_closed' });
      const app = (await t.as('viewer', { method: 'GET', url: '/api/v1/apps/leave-requests' })).json();
      expect(app).toMatchObject({ owner: 'user:marco.hr@example.com', status: 'suspended' });

      const changed = await t.services.audit.list({ action: 'app.owner_change', limit: 10 });
      expect(changed[0]!.event).toMatchObject({ unmapped: { from: 'user:ana.hr@example.com', to: 'user:marco.hr@example.com' } });
      const deadline = Date.now() + 10_000;
      let hit: { body: string } | undefined;
      while (!(hit = receiver.requests.find((x) => JSON.parse(x.body).type === 'app.owner_changed')) && Date.now() < deadline) {
        await t.services.webhooks.flush();
        await Promise.race([receiver.next(), new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      expect(JSON.parse(hit!.body)).toMatchObject({ type: 'app.owner_changed', data: { app: 'leave-requests', from: 'user:ana.hr@example.com', to: 'user:marco.hr@example.com', offer: offer.id } });

      // The new owner may now change the app (governance checks the owner); reinstating is a reviewer's move.
      expect((await as(marco, { method: 'POST', url: '/api/v1/apps/leave-requests/transitions', payload: { to: 'approved' } })).statusCode).toBe(403);
      const back = await as(rick, { method: 'POST', url: '/api/v1/apps/leave-requests/transitions', payload: { to: 'approved', reason: 'new owner marco' } });
      expect(back.statusCode, back.body).toBe(200);
      expect(back.json()).toMatchObject({ from: 'suspended', to: 'approved' });
    });

    it('without an active manager, the fallback owner is offered the apps of a deleted person', async () => {
      expect((await t.as('builder', { method: 'PUT', url: '/api/v1/identity/settings', payload: { fallback_owner: 'user:it@example.com' } })).statusCode).toBe(403);
      const set = await t.as('admin', { method: 'PUT', url: '/api/v1/identity/settings', payload: { fallback_owner: 'IT@example.com' } });
      expect(set.json()).toEqual({ fallback_owner: 'user:it@example.com' });
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/identity/settings' })).json()).toEqual({ fallback_owner: 'user:it@example.com' });
      expect((await t.services.audit.list({ action: 'identity.settings', limit: 5 })).length).toBe(1);

      const samId = await provision('sam@example.com', { department: 'Sales' });
      const sam = await token('sam', 'builder', 'user:sam@example.com');
      await approvedApp('sales-leave', 'user:sam@example.com', sam, rick);
      // An update that widens the app waits for review while version 1 stays in force (and working).
      const widened = appYaml.replace('name: leave-requests', 'name: sales-leave').replace('owner: user:ana.hr@example.com', 'owner: user:sam@example.com').replace('fields: [id, name, email, leave_balance]', 'fields: [id, name, email, leave_balance, ssn]');
      expect((await as(sam, { method: 'PUT', url: '/api/v1/apps/sales-leave', headers: yaml, payload: widened })).json()).toMatchObject({ status: 'pending_review', approved_version: 1, version: 2 });
      expect((await scim('DELETE', `/Users/${samId}`)).statusCode).toBe(204);
      expect((await as(sam, { method: 'GET', url: '/api/v1/whoami' })).statusCode).toBe(401);
      // The update's review is withdrawn and the app in force suspended.
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/sales-leave' })).json()).toMatchObject({ status: 'suspended', approved_version: 1 });
      const reviews = (await t.as('auditor', { method: 'GET', url: '/api/v1/reviews?app=sales-leave' })).json().items;
      expect(reviews.map((r: { version: number; status: string }) => [r.version, r.status])).toEqual([
        [2, 'withdrawn'],
        [1, 'approved'],
      ]);
      expect(reviews[0].comment).toBe('owner user:sam@example.com deleted');
      const offers = (await t.as('admin', { method: 'GET', url: '/api/v1/ownership-offers?status=open' })).json().items;
      expect(offers).toMatchObject([{ app: 'sales-leave', from: 'user:sam@example.com', to: 'user:it@example.com', via: 'fallback' }]);
      // An admin may answer for the person offered.
      const declined = await t.as('admin', { method: 'POST', url: `/api/v1/ownership-offers/${offers[0].id}/decline` });
      expect(declined.json()).toMatchObject({ status: 'declined' });
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/sales-leave' })).json()).toMatchObject({ owner: 'user:sam@example.com' });
    });

    it('reactivating a person restores nothing, but credentials issued afterwards work', async () => {
      const on = await scim('PATCH', `/Users/${anaId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: true } }] });
      expect(on.json().active).toBe(true);
      expect((await as(ana, { method: 'GET', url: '/api/v1/whoami' })).statusCode).toBe(401);
      // A credential issued after the cut: a later millisecond than the revocation.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const fresh = await token('ana-again', 'builder', 'user:ana.hr@example.com');
      expect((await as(fresh, { method: 'GET', url: '/api/v1/whoami' })).statusCode).toBe(200);
      expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/leave-requests' })).json()).toMatchObject({ owner: 'user:marco.hr@example.com' });
      expect((await t.services.audit.list({ action: 'person.reactivate', limit: 5 }))[0]!.event).toMatchObject({ activity_id: 2 });
    });
  });
}
