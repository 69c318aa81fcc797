/**
 * Walks every registered /api route: no token → 401; a token whose role lacks the route's
 * permission → 403 (and the denial is audited); a role that has it gets past authorisation.
 * A route added tomorrow is covered without editing this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './databases.ts';
import { concreteUrl, makeTestApp, type TestApp } from './app.ts';
import { roles, type Role } from '../src/module.ts';
import { permissionMatrix } from '../src/modules.ts';

const roleHas = (role: Role, permission: string): boolean => permissionMatrix[permission]?.roles.includes(role) ?? false;


for (const tdb of testDatabases) {
  describe(`every route is authenticated and authorised (${tdb.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    it('registers routes, each naming a known permission', () => {
      expect(t.routes.length).toBeGreaterThan(5);
      for (const r of t.routes) expect(Object.keys(permissionMatrix), `${r.method} ${r.url}`).toContain(r.permission);
    });

    it('answers 401 without a token and with a malformed or forged token', async () => {
      const forged = t.tokens.admin.slice(0, -4) + 'AAAA';
      for (const r of t.routes) {
        const url = concreteUrl(r.url);
        for (const headers of [{}, { authorization: 'Bearer nonsense' }, { authorization: `Bearer ${forged}` }, { authorization: t.tokens.admin }]) {
          const res = await t.app.inject({ method: r.method as 'GET', url, headers, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
          expect(res.statusCode, `${r.method} ${url} ${JSON.stringify(headers)}`).toBe(401);
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json()).toMatchObject({ code: 'unauthenticated', status: 401 });
        }
      }
    });

    it('answers 403 to every role without the permission, and lets the others through', async () => {
      let denials = 0;
      for (const r of t.routes) {
        const url = concreteUrl(r.url);
        for (const role of roles) {
          const res = await t.as(role, { method: r.method as 'GET', url, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
          if (roleHas(role, r.permission!)) {
            expect([401, 403], `${role} ${r.method} ${url}`).not.toContain(res.statusCode);
          } else {
            expect(res.statusCode, `${role} ${r.method} ${url}`).toBe(403);
            expect(res.json()).toMatchObject({ code: 'forbidden' });
            denials++;
          }
        }
      }
      expect(denials).toBeGreaterThan(0);
      const audited = await t.services.audit.list({ action: 'authz.deny', limit: 10_000 });
      expect(audited.length).toBe(denials);
      expect(audited.every((e) => e.event.status === 'Failure')).toBe(true);
    });

    it("whoami names each role's permissions, exactly as the matrix grants them", async () => {
      for (const role of roles) {
        const res = await t.as(role, { method: 'GET', url: '/api/v1/whoami' });
        // The IdP's provisioning client (provisioner) holds scim:provision and nothing else, not even whoami.
        if (!roleHas(role, 'self:read')) {
          expect(res.statusCode, role).toBe(403);
          continue;
        }
        expect(res.statusCode).toBe(200);
        const expected = Object.keys(permissionMatrix).filter((p) => roleHas(role, p)).sort();
        expect(res.json(), role).toMatchObject({ role, name: `test-${role}`, permissions: expected });
      }
    });

    // Deny unless allowed, beyond /api too: a new public route has to be added here, with its reason.
    it('has exactly the listed public routes, each with a reason to be public', () => {
      const publicRoutes = t.allRoutes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`).sort();
      expect(publicRoutes).toEqual(
        [
          'GET /healthz', 'GET /readyz', // probes for load balancers
          'GET /', 'GET /console', 'GET /console/*', // the console's built files and page (the API behind it needs a credential)
          'GET /auth/providers', 'GET /auth/login', 'GET /auth/callback', 'POST /auth/device', 'POST /auth/device/token', // signing in, before there is a credential
          'POST /oauth/token', 'POST /oauth/introspect', 'POST /oauth/revoke', // authenticate OAuth clients themselves
          'GET /oauth/jwks', 'GET /.well-known/oauth-authorization-server', // public keys and metadata, by design
          // the data gateway: apps authenticate with their OAuth access token, which the gateway verifies itself
          'POST /gw/v1/:connector/:resource/query', 'POST /gw/v1/:connector/:resource/rows', 'PATCH /gw/v1/:connector/:resource/rows', 'DELETE /gw/v1/:connector/:resource/rows',
          'GET /gw/v1/:connector/http/*', 'POST /gw/v1/:connector/http/*', 'PUT /gw/v1/:connector/http/*', 'PATCH /gw/v1/:connector/http/*', 'DELETE /gw/v1/:connector/http/*',
          'POST /gw/v1/exports/:destination',
          'GET /metrics', // Prometheus scrapes: the route checks the scrape token or an API token with observability:metrics itself
        ].sort(),
      );
    });

    it('walks the routes outside /api (SCIM, sign-out): 401 without a credential, 403 for a role without the permission', async () => {
      const outside = t.allRoutes.filter((r) => !r.public && !r.url.startsWith('/api/'));
      expect(outside.length).toBeGreaterThan(10);
      for (const r of outside) {
        const url = concreteUrl(r.url);
        const payload = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
        const none = await t.app.inject({ method: r.method as 'GET', url, payload });
        expect(none.statusCode, `${r.method} ${url}`).toBe(401);
        for (const role of roles) {
          if (roleHas(role, r.permission!)) continue;
          const res = await t.as(role, { method: r.method as 'GET', url, payload });
          expect(res.statusCode, `${role} ${r.method} ${url}`).toBe(403);
        }
      }
    });

    // Public to the route guard because they authenticate their callers themselves (OAuth
    // client authentication, RFC 6749 §2.3); without credentials they refuse in OAuth's format.
    it('OAuth protocol routes are public: they authenticate clients themselves', async () => {
      for (const url of ['/oauth/token', '/oauth/introspect', '/oauth/revoke']) {
        const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials&token=x' });
        expect(res.statusCode, url).toBe(401);
        expect(res.json(), url).toMatchObject({ error: 'invalid_client' });
      }
      for (const url of ['/oauth/jwks', '/.well-known/oauth-authorization-server']) expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    });

    // Public to the route guard because the gateway verifies the app's access token itself; an
    // API token (a person's or automation's) is not one, so it is refused like no token at all.
    it('gateway routes refuse a call without an app access token, and with an API token, as 401 with a challenge', async () => {
      const gw = t.allRoutes.filter((r) => r.url.startsWith('/gw/'));
      expect(gw.length).toBe(10);
      for (const r of gw) {
        const url = concreteUrl(r.url).replace('*', 'v1/x');
        const payload = ['GET', 'HEAD', 'DELETE'].includes(r.method) ? undefined : {};
        for (const headers of [{}, { authorization: `Bearer ${t.tokens.admin}` }]) {
          const res = await t.app.inject({ method: r.method as 'GET', url, payload, headers });
          expect(res.statusCode, `${r.method} ${url}`).toBe(401);
          expect(res.headers['www-authenticate'], `${r.method} ${url}`).toMatch(/^Bearer realm="trellis-gateway"/);
        }
      }
    });

    it('a revoked or expired token stops working at once', async () => {
      const { systemActor } = await import('../src/auth/service.ts');
      const tok = await t.services.tokens.create(systemActor, { name: 'short', role: 'viewer' });
      const ok = await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { authorization: `Bearer ${tok.token}` } });
      expect(ok.json()).toMatchObject({ name: 'short', role: 'viewer' });
      await t.as('admin', { method: 'DELETE', url: `/api/v1/tokens/${tok.id}` });
      const after = await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { authorization: `Bearer ${tok.token}` } });
      expect(after.statusCode).toBe(401);
    });
  });
}
