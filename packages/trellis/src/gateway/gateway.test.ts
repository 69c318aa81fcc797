/**
 * The gateway end to end, on both storage databases, with the real PostgreSQL as the HR
 * upstream: approved fields only, DLP on the way out, every bad input of issue 13 refused with
 * a clear problem document and audited, quotas with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { publicUrlOf } from '../config.ts';
import { testDatabases } from '../../test/databases.ts';
import { accessToken, startGatewayFixture, type GatewayFixture } from '../../test/gateway-fixture.ts';
import { systemActor } from '../auth/index.ts';
import { allChecked, appYaml, yaml } from '../../test/leave-requests.ts';

for (const tdb of testDatabases) {
  describe(`gateway (postgres connector) on ${tdb.name}`, () => {
    let f: GatewayFixture;
    beforeAll(async () => {
      f = await startGatewayFixture(tdb);
    }, 60_000);
    afterAll(() => f?.close());

    const query = (payload: unknown, token?: string) => f.call({ method: 'POST', url: '/gw/v1/hr/employees/query', payload: payload as object }, token);
    const events = async (action: string) => {
      await f.t.services.gateway.flushAudit();
      return (await f.t.services.audit.list({ action, limit: 1000 })).map((e) => e.event);
    };

    it('reads only approved fields, in key order, audited as Datastore Activity', async () => {
      const r = await query({ order: [{ field: 'id', dir: 'asc' }] });
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body.rows).toHaveLength(3);
      expect(Object.keys(body.rows[0]).sort()).toEqual(['email', 'id', 'leave_balance', 'name']);
      // The app itself (no person) reads at its own classification, restricted: e-mails in clear.
      expect(body.rows[0]).toMatchObject({ id: 1, leave_balance: 21, email: 'ana.hr@example.com' });
      expect(r.body).not.toContain('123-45-6789');
      const [e] = await events('gateway.query');
      expect(e).toMatchObject({ class_uid: 6005, status: 'Success' });
      expect(e!.unmapped).toMatchObject({ app: 'leave-requests', connector: 'hr', resource: 'employees', records: 3, decision: 'allow', fields: ['id', 'name', 'email', 'leave_balance'] });
    });

    it("masks e-mails for a person without clearance (token exchange), and names the person in the audit", async () => {
      const person = (await f.t.services.tokens.create(systemActor, { name: 'paula', role: 'viewer', subject: 'user:paula@example.com' })).token;
      const token = await accessToken(f.t, f.app, { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: person, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
      const r = await query({ fields: ['id', 'email'], order: [{ field: 'id' }] }, token);
      expect(r.statusCode, r.body).toBe(200);
      const emails = r.json().rows.map((x: { email: string }) => x.email);
      expect(emails).toHaveLength(3);
      for (const e of emails) expect(e).not.toMatch(/^[a-z.]+@example\.com$/);
      const [e] = (await events('gateway.query')).filter((x) => (x.unmapped as { subject?: string }).subject === 'user:paula@example.com');
      expect(e!.unmapped).toMatchObject({ transformed: { email: 'mask' } });
    });

    it('pages with a cursor', async () => {
      const p1 = (await query({ fields: ['id'], limit: 2 })).json();
      expect(p1.rows.map((x: { id: number }) => x.id)).toEqual([1, 2]);
      const p2 = (await query({ fields: ['id'], limit: 2, cursor: p1.next_cursor })).json();
      expect(p2.rows.map((x: { id: number }) => x.id)).toEqual([3]);
      expect(p2.next_cursor).toBeNull();
    });

    it('refuses ssn asked for, filtered on or ordered by, a resource outside the grant, and a huge limit', async () => {
      for (const [payload, path] of [
        [{ fields: ['id', 'ssn'] }, 'fields[1]'],
        [{ filter: [{ field: 'ssn', op: 'eq', value: '123-45-6789' }] }, 'filter[0].field'],
        [{ order: [{ field: 'ssn' }] }, 'order[0].field'],
      ] as const) {
        const r = await query(payload);
        expect(r.statusCode, r.body).toBe(403);
        expect(r.headers['content-type']).toContain('application/problem+json');
        expect(r.json()).toMatchObject({ code: 'query_field_not_allowed', errors: [{ path }] });
      }
      const other = await f.call({ method: 'POST', url: '/gw/v1/hr/departments/query', payload: {} });
      expect(other.statusCode).toBe(404);
      expect(other.json().code).toBe('gateway_resource_unknown');
      const huge = await query({ limit: 1_000_000 });
      expect(huge.statusCode).toBe(400);
      expect(huge.json()).toMatchObject({ code: 'query_invalid', errors: [{ path: 'limit' }] });
      const refused = await events('gateway.query');
      expect(refused.filter((e) => e.status === 'Failure').length).toBeGreaterThanOrEqual(5);
    });

    it('treats SQL in a filter value as a value', async () => {
      const r = await query({ filter: [{ field: 'name', op: 'eq', value: "x' OR '1'='1'; drop table employees; --" }] });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().rows).toEqual([]);
      expect((await query({ fields: ['id'] })).json().rows).toHaveLength(3);
    });

    it('refuses a missing, forged or wrong-audience token with 401 and WWW-Authenticate, audited', async () => {
      const none = await f.t.app.inject({ method: 'POST', url: '/gw/v1/hr/employees/query', payload: {} });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="trellis-gateway"/);
      const forged = await new SignJWT({ app: 'leave-requests', client_id: f.app.clientId, scope: 'hr:read', aud: ['trellis:connector:hr'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(Buffer.alloc(32, 7));
      const bad = await query({}, forged);
      expect(bad.statusCode).toBe(401);
      expect(bad.json()).toMatchObject({ code: 'gateway_token_invalid' });
      expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(bad.json()).not.toHaveProperty('www_authenticate');
      // The hr token is not valid for another connector's route.
      const wrong = await f.call({ method: 'POST', url: '/gw/v1/crm/contacts/query', payload: {} });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().detail).toMatch(/audience|aud/i);
      // Refusals without a known app are aggregated per code and address.
      const refusals = (await events('gateway.query')).filter((e) => (e.unmapped as { code?: string }).code === 'gateway_token_invalid');
      expect(refusals.length).toBeGreaterThanOrEqual(1);
      expect(refusals[0]).toMatchObject({ status: 'Failure', class_uid: 6005 });
    });

    it('refuses writes the token has no scope for (403 insufficient_scope)', async () => {
      const r = await f.call({ method: 'POST', url: '/gw/v1/hr/employees/rows', payload: { rows: [{ id: 9 }] } });
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ code: 'gateway_scope_insufficient', required_scope: 'hr:write' });
      expect(r.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('enforces a per-app quota with 429 and Retry-After, set through the API and audited', async () => {
      const set = await f.t.as('admin', { method: 'PUT', url: '/api/v1/gateway/quotas/leave-requests', payload: { requests_per_minute: 0 } });
      try {
        expect(set.statusCode, set.body).toBe(200);
        expect(set.json()).toMatchObject({ app: 'leave-requests', limits: { requestsPerMinute: 0 } });
        const r = await query({ fields: ['id'] });
        expect(r.statusCode).toBe(429);
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        expect(r.json()).toMatchObject({ code: 'gateway_quota_exceeded', quota: 'requestsPerMinute' });
        expect((await f.t.services.audit.list({ action: 'gateway.quota.set', limit: 10 })).length).toBe(1);
        const shown = await f.t.as('auditor', { method: 'GET', url: '/api/v1/gateway/quotas/leave-requests' });
        // The day's count, not the minute's: a minute may turn between the calls and the look.
        expect(shown.json().usage.day.requests).toBeGreaterThan(0);
      } finally {
        // Restored even when an expectation fails, so the tests after this one are not refused too.
        await f.t.as('admin', { method: 'PUT', url: '/api/v1/gateway/quotas/leave-requests', payload: {} });
      }
      expect((await query({ fields: ['id'] })).statusCode).toBe(200);
    });

    it('follows the version in force: a widened field is refused while in review and served once approved', async () => {
      const token = async (name: string, role: 'builder' | 'reviewer', subject: string) => (await f.t.services.tokens.create(systemActor, { name, role, subject })).token;
      const ana = await token('ana-widen', 'builder', 'user:ana.hr@example.com');
      const rick = await token('rick-widen', 'reviewer', 'user:rick.sec@example.com');
      const widened = appYaml.replace('fields: [id, name, email, leave_balance]', 'fields: [id, name, email, leave_balance, department]');
      const put = await f.t.app.inject({ method: 'PUT', url: '/api/v1/apps/leave-requests', headers: { ...yaml, authorization: `Bearer ${ana}` }, payload: widened });
      expect(put.json()).toMatchObject({ status: 'pending_review', approved_version: 1 });
      await f.t.services.gateway.apps.poll();
      const inReview = await query({ fields: ['id', 'department'] });
      expect(inReview.statusCode).toBe(403);
      expect(inReview.json()).toMatchObject({ code: 'query_field_not_allowed', errors: [{ path: 'fields[1]' }] });
      // Version 1 stays in force meanwhile.
      expect((await query({ fields: ['id'] })).statusCode).toBe(200);
      const review = (await f.t.as('reviewer', { method: 'GET', url: '/api/v1/reviews?status=open' })).json().items[0];
      const ok = await f.t.app.inject({ method: 'POST', url: `/api/v1/reviews/${review.id}/approve`, headers: { authorization: `Bearer ${rick}` }, payload: { checklist: allChecked } });
      expect(ok.statusCode, ok.body).toBe(200);
      await f.t.services.gateway.apps.poll();
      const approved = await query({ fields: ['id', 'department'], order: [{ field: 'id' }] });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json().rows[1]).toEqual({ id: 2, department: 'Finance' });
    });

    it('takes a DPoP-bound token with a proof of its key, and refuses it as Bearer or without a proof', async () => {
      const base = publicUrlOf(f.t.services.config);
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      const proof = (htm: string, htu: string, token?: string) =>
        new SignJWT({ htm, htu, jti: randomUUID(), ...(token ? { ath: createHash('sha256').update(token).digest('base64url') } : {}) }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk }).setIssuedAt().sign(privateKey);
      const basic = Buffer.from(`${encodeURIComponent(f.app.clientId)}:${encodeURIComponent(f.app.secret)}`).toString('base64');
      const issued = await f.t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, dpop: await proof('POST', `${base}/oauth/token`) }, payload: 'grant_type=client_credentials' });
      expect(issued.json().token_type).toBe('DPoP');
      const bound = issued.json().access_token as string;
      const url = '/gw/v1/hr/employees/query';
      const ok = await f.t.app.inject({ method: 'POST', url, headers: { authorization: `DPoP ${bound}`, dpop: await proof('POST', `${base}${url}`, bound) }, payload: { fields: ['id'] } });
      expect(ok.statusCode, ok.body).toBe(200);
      const asBearer = await f.t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${bound}` }, payload: { fields: ['id'] } });
      expect(asBearer.statusCode).toBe(401);
      const noProof = await f.t.app.inject({ method: 'POST', url, headers: { authorization: `DPoP ${bound}` }, payload: { fields: ['id'] } });
      expect(noProof.statusCode).toBe(401);
      const otherUrl = await f.t.app.inject({ method: 'POST', url, headers: { authorization: `DPoP ${bound}`, dpop: await proof('POST', `${base}/gw/v1/hr/other/query`, bound) }, payload: { fields: ['id'] } });
      expect(otherUrl.statusCode).toBe(401);
      expect(otherUrl.headers['www-authenticate']).toContain('invalid_dpop_proof');
    });

    it('stops accepting a token the moment it is revoked, though this replica verified it before', async () => {
      expect((await query({ fields: ['id'] })).statusCode).toBe(200);
      const basic = Buffer.from(`${encodeURIComponent(f.app.clientId)}:${encodeURIComponent(f.app.secret)}`).toString('base64');
      const revoke = await f.t.app.inject({ method: 'POST', url: '/oauth/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` }, payload: `token=${f.token}` });
      expect(revoke.statusCode).toBe(200);
      const r = await query({ fields: ['id'] });
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('gateway_token_invalid');
    });
  });
}
