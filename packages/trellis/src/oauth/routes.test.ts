/**
 * The oauth module through HTTP, on both databases: an app approved by a reviewer gets a
 * service identity; its owner adds a secret; client_credentials gives a JWT the verifier
 * accepts; introspection and revocation; token exchange carries the app and the person; a
 * 2-hour request is capped to the policy's hour; DPoP binding; suspension voids the app's
 * tokens and reinstatement lets new ones work. Then the bad inputs, each refused with its OAuth
 * error and audited.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { SignJWT, calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { systemActor } from '../auth/index.ts';
import { allChecked, appYaml, connectorYaml, yaml } from '../../test/leave-requests.ts';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const issuer = 'http://trellis.test';
const exchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const body = (p: Record<string, string | string[]>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) for (const x of Array.isArray(v) ? v : [v]) u.append(k, x);
  return u.toString();
};

for (const tdb of testDatabases) {
  describe(`oauth on ${tdb.name}`, () => {
    let t: TestApp;
    let ana: string;
    let rick: string;
    let clientId: string;
    let secret: string;
    const as = (tok: string, opts: InjectOptions) => t.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${tok}` } });
    const tokenRequest = (params: Record<string, string | string[]>, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...form, ...headers }, payload: body(params) });
    const clientCredentials = (params: Record<string, string | string[]> = {}, s = secret) => tokenRequest({ grant_type: 'client_credentials', ...params }, { authorization: basic(clientId, s) });
    const introspect = (token: string) => t.app.inject({ method: 'POST', url: '/oauth/introspect', headers: { ...form, authorization: basic(clientId, secret) }, payload: body({ token }) });
    const refusals = async () => (await t.services.audit.list({ action: 'oauth.token.refuse', limit: 1000 })).map((e) => e.event.unmapped as Record<string, unknown>);
    const expectError = async (r: LightMyRequestResponse, status: number, error: string) => {
      expect(r.statusCode, r.body).toBe(status);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.json()).toMatchObject({ error });
      expect((await refusals()).map((d) => d.error)).toContain(error);
    };

    beforeAll(async () => {
      t = await makeTestApp(tdb, {}, { publicUrl: issuer });
      ana = (await t.services.tokens.create(systemActor, { name: 'ana', role: 'builder', subject: 'user:ana.hr@example.com' })).token;
      rick = (await t.services.tokens.create(systemActor, { name: 'rick', role: 'reviewer', subject: 'user:rick.sec@example.com' })).token;
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connectorYaml })).statusCode).toBeLessThan(300);
      expect((await as(ana, { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: appYaml })).statusCode).toBe(201);
    });
    afterAll(() => t.close());

    it('publishes metadata and JWKS without authentication', async () => {
      const m = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
      expect(m.statusCode).toBe(200);
      expect(m.json()).toMatchObject({
        issuer,
        token_endpoint: `${issuer}/oauth/token`,
        introspection_endpoint: `${issuer}/oauth/introspect`,
        revocation_endpoint: `${issuer}/oauth/revoke`,
        jwks_uri: `${issuer}/oauth/jwks`,
        grant_types_supported: ['client_credentials', exchangeGrant],
      });
      expect(m.json().dpop_signing_alg_values_supported).toContain('ES256');
      expect(m.json().token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']));
      const j = await t.app.inject({ method: 'GET', url: '/oauth/jwks' });
      expect(j.statusCode).toBe(200);
      expect(j.json().keys.length).toBeGreaterThan(0);
      for (const k of j.json().keys) expect(k).not.toHaveProperty('d');
    });

    it('has no service identity before approval; approval by a reviewer creates one', async () => {
      const before = await t.as('auditor', { method: 'GET', url: '/api/v1/apps/leave-requests/credentials' });
      expect(before.statusCode).toBe(409);
      expect(before.json()).toMatchObject({ code: 'no_service_identity' });
      const review = (await t.as('reviewer', { method: 'GET', url: '/api/v1/reviews?status=open' })).json().items[0];
      expect((await as(rick, { method: 'POST', url: `/api/v1/reviews/${review.id}/approve`, payload: { checklist: allChecked } })).statusCode).toBe(200);
      const after = await t.as('auditor', { method: 'GET', url: '/api/v1/apps/leave-requests/credentials' });
      expect(after.statusCode).toBe(200);
      expect(after.json()).toMatchObject({ app: 'leave-requests', client_type: 'public', client_status: 'active', items: [] });
      clientId = after.json().client_id;
      expect(clientId).toMatch(/^trlc_[0-9a-f]{24}$/);
      const created = await t.services.audit.list({ action: 'oauth.client.create', limit: 10 });
      expect(created).toHaveLength(1);
      expect(created[0]!.event.class_uid).toBe(3002);
    });

    it('refuses client_credentials to the app while it is a public client (no credential)', async () => {
      await expectError(await tokenRequest({ grant_type: 'client_credentials', client_id: clientId }), 400, 'unauthorized_client');
    });

    it('lets only the owner (or an admin) add a credential; the secret is shown once and stored hashed', async () => {
      const other = await t.as('builder', { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'client_secret' } });
      expect(other.statusCode).toBe(403);
      expect(other.json()).toMatchObject({ code: 'not_app_owner' });
      const r = await as(ana, { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'client_secret' } });
      expect(r.statusCode).toBe(201);
      secret = r.json().client_secret;
      expect(secret).toMatch(/^trlcs_[A-Za-z0-9_-]{43}$/);
      const list = await t.as('reviewer', { method: 'GET', url: '/api/v1/apps/leave-requests/credentials' });
      expect(list.json()).toMatchObject({ client_type: 'confidential', items: [{ type: 'client_secret', status: 'active', expires_at: null }] });
      expect(list.body).not.toContain(secret);
      const rows = await t.services.database.db.selectFrom('oauth_client_credentials').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(secret);
      const events = await t.services.audit.list({ action: 'oauth.credential.create', limit: 10 });
      expect(events).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain(secret);
    });

    let issued: string;
    it('issues a JWT access token for client_credentials that the verifier accepts', async () => {
      const r = await clientCredentials();
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['cache-control']).toBe('no-store');
      const tok = r.json();
      expect(tok).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'hr:read' });
      expect(tok).not.toHaveProperty('refresh_token');
      issued = tok.access_token;
      expect(decodeProtectedHeader(issued)).toMatchObject({ typ: 'at+jwt' });
      const v = await t.services.oauthVerifier.verify(issued, { audience: 'trellis:connector:hr' });
      expect(v).toMatchObject({ claims: { iss: issuer, sub: clientId, client_id: clientId, app: 'leave-requests', aud: ['trellis:connector:hr'], scope: 'hr:read' } });
      const viaPost = await tokenRequest({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      expect(viaPost.statusCode).toBe(200);
      const [event] = await t.services.audit.list({ action: 'oauth.token.issue', limit: 1 });
      expect(event!.event).toMatchObject({ class_uid: 3002, src_endpoint: { ip: '127.0.0.1' } });
      expect(event!.event.unmapped).toMatchObject({ client_id: clientId, app: 'leave-requests', grant_type: 'client_credentials', scopes: ['hr:read'], lifetime_seconds: 900, jti: decodeJwt(issued).jti });
      expect(JSON.stringify(event)).not.toContain(issued);
    });

    it('introspects its own token as active with its claims; an admin API token may too, a viewer may not', async () => {
      const r = await introspect(issued);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ active: true, client_id: clientId, app: 'leave-requests', sub: clientId, scope: 'hr:read', aud: ['trellis:connector:hr'], token_type: 'Bearer', iss: issuer });
      const admin = await t.as('admin', { method: 'POST', url: '/oauth/introspect', headers: form, payload: body({ token: issued }) });
      expect(admin.json()).toMatchObject({ active: true });
      const viewer = await t.as('viewer', { method: 'POST', url: '/oauth/introspect', headers: form, payload: body({ token: issued }) });
      expect(viewer.statusCode).toBe(403);
      expect((await introspect('not-a-token')).json()).toEqual({ active: false });
    });

    it('revokes the token: introspection says inactive, the verifier refuses it', async () => {
      const r = await t.app.inject({ method: 'POST', url: '/oauth/revoke', headers: { ...form, authorization: basic(clientId, secret) }, payload: body({ token: issued }) });
      expect(r.statusCode).toBe(200);
      expect((await introspect(issued)).json()).toEqual({ active: false });
      expect(await t.services.oauthVerifier.verify(issued)).toMatchObject({ error: 'invalid_token', reason: 'token revoked' });
      expect(await t.services.audit.list({ action: 'oauth.token.revoke', limit: 10 })).toHaveLength(1);
      // Revoking garbage is a silent success (RFC 7009 §2.2).
      const again = await t.app.inject({ method: 'POST', url: '/oauth/revoke', headers: { ...form, authorization: basic(clientId, secret) }, payload: body({ token: 'garbage' }) });
      expect(again.statusCode).toBe(200);
    });

    it('caps a request for a 2-hour token to the policy limit of an hour', async () => {
      const r = await clientCredentials({ expires_in: '7200' });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().expires_in).toBe(3600);
      const c = decodeJwt(r.json().access_token);
      expect(c.exp! - c.iat!).toBe(3600);
    });

    it("exchanges a person's API token: the token carries the person and the app", async () => {
      const person = (await t.services.tokens.create(systemActor, { name: 'paula', role: 'viewer', subject: 'Paula@Example.com' })).token;
      const r = await clientCredentials({ grant_type: exchangeGrant, subject_token: person, subject_token_type: accessTokenType });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ token_type: 'Bearer', issued_token_type: accessTokenType });
      const v = await t.services.oauthVerifier.verify(r.json().access_token);
      expect(v).toMatchObject({ claims: { sub: 'user:paula@example.com', subject: 'user:paula@example.com', act: { sub: clientId }, client_id: clientId, app: 'leave-requests' } });
      // Automation (no person behind the token) cannot be exchanged.
      const bot = await clientCredentials({ grant_type: exchangeGrant, subject_token: t.tokens.viewer, subject_token_type: accessTokenType });
      await expectError(bot, 400, 'invalid_grant');
    });

    it('binds a token to a DPoP key when the client sends a proof', async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      const proof = await new SignJWT({ htm: 'POST', htu: `${issuer}/oauth/token`, jti: crypto.randomUUID() }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk }).setIssuedAt().sign(privateKey);
      const r = await clientCredentials({}, secret);
      expect(r.json().token_type).toBe('Bearer');
      const bound = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...form, authorization: basic(clientId, secret), dpop: proof }, payload: body({ grant_type: 'client_credentials' }) });
      expect(bound.statusCode, bound.body).toBe(200);
      expect(bound.json().token_type).toBe('DPoP');
      const claims = decodeJwt(bound.json().access_token);
      expect(claims.cnf).toEqual({ jkt: await calculateJwkThumbprint(jwk) });
      expect((await introspect(bound.json().access_token)).json()).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: await calculateJwkThumbprint(jwk) } });
      const replayed = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { ...form, authorization: basic(clientId, secret), dpop: proof }, payload: body({ grant_type: 'client_credentials' }) });
      await expectError(replayed, 400, 'invalid_dpop_proof');
    });

    it("the gateway's verify records the first use of a token from each address", async () => {
      const tok = (await clientCredentials()).json().access_token;
      expect(await t.services.oauth.verify(tok, { audience: 'trellis:connector:hr', srcIp: '10.0.0.1' })).toMatchObject({ claims: { app: 'leave-requests' } });
      await t.services.oauth.verify(tok, { audience: 'trellis:connector:hr', srcIp: '10.0.0.1' });
      await t.services.oauth.verify(tok, { audience: 'trellis:connector:hr', srcIp: '10.0.0.2' });
      const uses = await t.services.audit.list({ action: 'oauth.token.use', limit: 10 });
      expect(uses.map((u) => [u.event.src_endpoint?.ip, (u.event.unmapped as { new_address: boolean }).new_address])).toEqual([
        ['10.0.0.1', false],
        ['10.0.0.2', true],
      ]);
      expect(await t.services.oauth.verify(tok, { audience: 'trellis:connector:payroll' })).toMatchObject({ error: 'invalid_token' });
    });

    it("suspending the app voids its tokens and disables its client; reinstating lets new tokens work", async () => {
      const before = (await clientCredentials()).json().access_token;
      // Tokens carry whole seconds: a token issued in the same second as the suspension would count as before it.
      await new Promise((r) => setTimeout(r, 1100));
      const s = await t.as('reviewer', { method: 'POST', url: '/api/v1/apps/leave-requests/transitions', payload: { to: 'suspended', reason: 'incident' } });
      expect(s.statusCode, s.body).toBe(200);
      await t.services.revocations.refresh();
      // The disabled client can no longer introspect; an auditor sees the token inactive.
      const asAuditor = (token: string) => t.as('auditor', { method: 'POST', url: '/oauth/introspect', headers: form, payload: body({ token }) });
      expect((await asAuditor(before)).json()).toEqual({ active: false });
      const own = await introspect(before);
      expect(own.statusCode).toBe(401);
      expect(own.json()).toMatchObject({ error: 'invalid_client' });
      expect(await t.services.audit.list({ action: 'oauth.introspect.refuse', limit: 10 })).not.toHaveLength(0);
      await expectError(await clientCredentials(), 401, 'invalid_client');
      expect((await t.as('auditor', { method: 'GET', url: '/api/v1/apps/leave-requests/credentials' })).json().client_status).toBe('disabled');
      expect(await t.services.audit.list({ action: 'oauth.client.disable', limit: 10 })).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await t.as('reviewer', { method: 'POST', url: '/api/v1/apps/leave-requests/transitions', payload: { to: 'approved', reason: 'fixed' } })).statusCode).toBe(200);
      const after = await clientCredentials();
      expect(after.statusCode, after.body).toBe(200);
      expect((await introspect(after.json().access_token)).json()).toMatchObject({ active: true });
      expect((await introspect(before)).json()).toEqual({ active: false });
    });

    // ---- bad input -----------------------------------------------------------------------------

    it('refuses a wrong secret and an unknown client alike, with a Basic challenge', async () => {
      const wrong = await clientCredentials({}, 'trlcs_' + 'A'.repeat(43));
      await expectError(wrong, 401, 'invalid_client');
      expect(wrong.headers['www-authenticate']).toMatch(/^Basic /);
      const unknown = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('trlc_000000000000000000000000', secret) });
      await expectError(unknown, 401, 'invalid_client');
      expect(unknown.json().error_description).toBe(wrong.json().error_description);
      const reasons = (await refusals()).map((d) => d.reason);
      expect(reasons).toEqual(expect.arrayContaining(['wrong client secret', 'unknown client']));
    });

    it('keeps a rotated secret working for the overlap, and refuses it after', async () => {
      const r = await as(ana, { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'client_secret', overlap_seconds: 3600 } });
      expect(r.statusCode).toBe(201);
      expect(r.json().rotated).toHaveLength(1);
      const second = r.json().client_secret as string;
      expect((await clientCredentials({}, secret)).statusCode).toBe(200);
      expect((await clientCredentials({}, second)).statusCode).toBe(200);
      // Rotating again with no overlap ends both earlier secrets' overlap now.
      const third = (await as(ana, { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'client_secret', overlap_seconds: 0 } })).json().client_secret as string;
      await expectError(await clientCredentials({}, second), 401, 'invalid_client');
      expect((await refusals()).map((d) => d.reason)).toContain('rotated secret past its overlap');
      // The first secret's overlap (an hour) was not cut short by rotating again.
      expect((await clientCredentials({}, secret)).statusCode).toBe(200);
      expect((await clientCredentials({}, third)).statusCode).toBe(200);
      const tooLong = await as(ana, { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'client_secret', overlap_seconds: 8 * 86400 } });
      expect(tooLong.statusCode).toBe(400);
      secret = third;
    });

    describe('private_key_jwt', () => {
      let privateKey: CryptoKey;
      let kid: string;
      const assertion = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
        new SignJWT({ jti: crypto.randomUUID(), ...claims })
          .setProtectedHeader({ alg: 'ES256', kid, ...header })
          .setIssuer(clientId)
          .setSubject(clientId)
          .setAudience((claims.aud as string) ?? `${issuer}/oauth/token`)
          .setIssuedAt()
          .setExpirationTime('2m')
          .sign(privateKey);
      const withAssertion = (a: string) => tokenRequest({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a });

      beforeAll(async () => {
        const pair = await generateKeyPair('ES256', { extractable: true });
        privateKey = pair.privateKey;
        const jwk = await exportJWK(pair.publicKey);
        const priv = await exportJWK(pair.privateKey);
        const refused = await as(ana, { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'private_key_jwt', jwks: { keys: [priv] } } });
        expect(refused.statusCode).toBe(422);
        expect(refused.json()).toMatchObject({ code: 'credential_invalid' });
        expect(refused.body).not.toContain(String(priv.d));
        const symmetric = await as(ana, { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } } });
        expect(symmetric.statusCode).toBe(422);
        const r = await as(ana, { method: 'POST', url: '/api/v1/apps/leave-requests/credentials', payload: { type: 'private_key_jwt', jwks: { keys: [jwk] } } });
        expect(r.statusCode, r.body).toBe(201);
        kid = r.json().credential.kids[0];
      });

      it('authenticates with a signed assertion, once per jti', async () => {
        const a = await assertion();
        const ok = await withAssertion(a);
        expect(ok.statusCode, ok.body).toBe(200);
        await expectError(await withAssertion(a), 401, 'invalid_client');
        expect((await refusals()).map((d) => d.reason)).toContain('client assertion jti replayed');
        expect((await withAssertion(await assertion({ aud: issuer }))).statusCode).toBe(200);
      });

      it('refuses an assertion for another audience, an unsigned one, and one that lives too long', async () => {
        await expectError(await withAssertion(await assertion({ aud: 'https://elsewhere.example/token' })), 401, 'invalid_client');
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const none = `${b64({ alg: 'none' })}.${b64({ iss: clientId, sub: clientId, aud: `${issuer}/oauth/token`, jti: 'x1', iat: now, exp: now + 60 })}.`;
        await expectError(await withAssertion(none), 401, 'invalid_client');
        const long = await new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(clientId).setSubject(clientId).setAudience(`${issuer}/oauth/token`).setIssuedAt().setExpirationTime('1h').sign(privateKey);
        await expectError(await withAssertion(long), 401, 'invalid_client');
      });
    });

    it('refuses a scope wider than approved and an audience of a connector not approved', async () => {
      await expectError(await clientCredentials({ scope: 'hr:read hr:write' }), 400, 'invalid_scope');
      await expectError(await clientCredentials({ audience: 'trellis:connector:payroll' }), 400, 'invalid_target');
      await expectError(await clientCredentials({ resource: ['trellis:connector:hr', 'trellis:connector:crm'] }), 400, 'invalid_target');
      const narrowed = await clientCredentials({ scope: 'hr:read', resource: 'trellis:connector:hr' });
      expect(narrowed.json()).toMatchObject({ scope: 'hr:read' });
    });

    it('refuses an unsupported grant, a missing grant, a repeated parameter and a body that is not a form', async () => {
      await expectError(await clientCredentials({ grant_type: 'password' }), 400, 'unsupported_grant_type');
      await expectError(await tokenRequest({ client_id: clientId, client_secret: secret }), 400, 'invalid_request');
      await expectError(await clientCredentials({ scope: ['hr:read', 'hr:read'] }), 400, 'invalid_request');
      const json = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json', authorization: basic(clientId, secret) }, payload: JSON.stringify({ grant_type: 'client_credentials' }) });
      await expectError(json, 400, 'invalid_request');
      const none = await t.app.inject({ method: 'POST', url: '/oauth/token' });
      await expectError(none, 400, 'invalid_request');
    });

    it('aggregates repeated refusals into one summary', async () => {
      const before = (await refusals()).length;
      for (let i = 0; i < 5; i++) await clientCredentials({ grant_type: 'implicit' });
      await t.services.oauth.stop();
      const all = await refusals();
      const implicit = all.filter((d) => d.grant_type === 'implicit');
      expect(implicit.map((d) => d.count)).toEqual([1, 4]);
      expect(all.length - before).toBeLessThanOrEqual(2);
    });

    it('deleting every credential makes the client public again: token exchange only, by client_id', async () => {
      const list = (await as(ana, { method: 'GET', url: '/api/v1/apps/leave-requests/credentials' })).json() as { items: { id: string }[] };
      for (const c of list.items) expect((await as(ana, { method: 'DELETE', url: `/api/v1/apps/leave-requests/credentials/${c.id}` })).statusCode).toBe(204);
      expect(await t.services.audit.list({ action: 'oauth.credential.delete', limit: 10 })).toHaveLength(list.items.length);
      const after = (await t.as('auditor', { method: 'GET', url: '/api/v1/apps/leave-requests/credentials' })).json();
      expect(after).toMatchObject({ client_type: 'public', items: [] });
      await expectError(await clientCredentials(), 401, 'invalid_client');
      await expectError(await tokenRequest({ grant_type: 'client_credentials', client_id: clientId }), 400, 'unauthorized_client');
      const person = (await t.services.tokens.create(systemActor, { name: 'quinn', role: 'viewer', subject: 'user:quinn@example.com' })).token;
      const r = await tokenRequest({ grant_type: exchangeGrant, client_id: clientId, subject_token: person, subject_token_type: accessTokenType });
      expect(r.statusCode, r.body).toBe(200);
      expect(decodeJwt(r.json().access_token)).toMatchObject({ sub: 'user:quinn@example.com', act: { sub: clientId } });
      const missing = await as(ana, { method: 'DELETE', url: '/api/v1/apps/leave-requests/credentials/cred_0000000000000000' });
      expect(missing.statusCode).toBe(404);
    });
  });

  describe(`oauth client authentication throttling on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb, {}, { publicUrl: issuer, authFailureLimit: 3 });
    });
    afterAll(() => t.close());

    it('answers 429 once an address or client id reaches the limit of failures', async () => {
      const guess = (ip: string, client: string) =>
        t.app.inject({ method: 'POST', url: '/oauth/token', remoteAddress: ip, headers: { ...form, authorization: basic(client, 'trlcs_' + 'B'.repeat(43)) }, payload: body({ grant_type: 'client_credentials' }) });
      for (let i = 0; i < 3; i++) expect((await guess('10.1.1.1', 'trlc_aaaaaaaaaaaaaaaaaaaaaaaa')).statusCode).toBe(401);
      const blocked = await guess('10.1.1.1', 'trlc_bbbbbbbbbbbbbbbbbbbbbbbb');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.headers['retry-after']).toMatch(/^[0-9]+$/);
      expect(blocked.json()).toMatchObject({ error: 'invalid_client' });
      // The guessed client id is blocked from other addresses too; other clients elsewhere are not.
      expect((await guess('10.2.2.2', 'trlc_aaaaaaaaaaaaaaaaaaaaaaaa')).statusCode).toBe(429);
      expect((await guess('10.3.3.3', 'trlc_cccccccccccccccccccccccc')).statusCode).toBe(401);
    });
  });
}
