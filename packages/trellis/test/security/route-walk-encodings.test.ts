/**
 * Walks every non-public route over a real socket, written every way a request target can be
 * spelled: percent-encoded letters (any case of hex), double encoding, absolute form, doubled
 * slashes, dot segments (plain and encoded), upper case, trailing slash, matrix parameters,
 * query and fragment, HTTP/1.0 — with GET, HEAD and the route's own method. None may answer
 * 2xx or 3xx without a token, nor to a role that lacks the route's permission.
 *
 * Raw sockets, because an HTTP client (and Fastify's inject) would normalise the target before
 * the server ever saw it; the bypass this guards against lived exactly in that gap.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../databases.ts';
import { concreteUrl, makeTestApp, type TestApp } from '../app.ts';
import { permissionMatrix } from '../../src/modules.ts';

interface RawResponse {
  status: number;
  head: string;
}

function rawRequest(port: number, method: string, target: string, headers: Record<string, string> = {}, version = '1.1'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method);
    const lines = [`${method} ${target} HTTP/${version}`, 'Host: 127.0.0.1', 'Connection: close'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (hasBody) lines.push('Content-Type: application/json', 'Content-Length: 2');
    // write, not end: a half-closed socket lets Node's server drop the connection before an async reply.
    socket.on('connect', () => socket.write(lines.join('\r\n') + '\r\n\r\n' + (hasBody ? '{}' : '')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, head: text.split('\r\n\r\n')[0] ?? '' });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`timeout on ${method} ${target}`)));
  });
}

const hex = (c: string, upper: boolean): string => {
  const h = c.charCodeAt(0).toString(16).padStart(2, '0');
  return '%' + (upper ? h.toUpperCase() : h);
};

/** Every spelling of one path that a lenient router or proxy might take for it. */
export function spellings(path: string, port: number): string[] {
  const rest = path.slice('/api'.length); // "/v1/…"
  const segs = path.split('/').filter(Boolean);
  const last = segs[segs.length - 1] ?? '';
  const lastPrefix = path.slice(0, path.length - last.length);
  const out = [
    path,
    `/%61pi${rest}`,
    `/a%70i${rest}`,
    `/ap%69${rest}`,
    `/%61%70%69${rest}`,
    `/%41%50%49${rest}`,
    `/%2561pi${rest}`,
    `/api${rest.replace(/v/, '%76')}`,
    last ? lastPrefix + [...last].map((c, i) => (i === 0 ? hex(c, true) : c)).join('') : path,
    last ? lastPrefix + [...last].map((c) => hex(c, false)).join('') : path,
    `http://127.0.0.1:${port}${path}`,
    `http://evil.example${path}`,
    `HTTP://127.0.0.1${path}`,
    `//api${rest}`,
    `/api/${rest}`,
    path.replace('/v1/', '/v1//'),
    `/./api${rest}`,
    `/x/../api${rest}`,
    `/%2e/api${rest}`,
    `/x/%2e%2e/api${rest}`,
    `/api/v1/./${path.slice('/api/v1/'.length)}`,
    `/API${rest}`,
    `/Api${rest.toUpperCase()}`,
    `${path}/`,
    `${path}?x=1`,
    `${path}#frag`,
    `/api;x=1${rest}`,
    `${path};x=1`,
    `${path}%00`,
    `${path}%2F`,
    `/api%2F${rest.slice(1)}`,
  ];
  return [...new Set(out)];
}

for (const tdb of testDatabases) {
  describe(`no spelling of a protected path gets past authentication (${tdb.name})`, () => {
    let t: TestApp;
    let port: number;
    beforeAll(async () => {
      t = await makeTestApp(tdb, { authFailureLimit: 1_000_000 });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      port = (t.app.server.address() as { port: number }).port;
    });
    afterAll(() => t.close());
    /** Every route that needs a credential, whatever its path (/api, /scim, /auth/logout). */
    const protectedRoutes = () => t.allRoutes.filter((r) => !r.public);

    it('the walk covers every protected route', () => {
      expect(protectedRoutes().length).toBeGreaterThan(20);
      expect(protectedRoutes().some((r) => r.url.startsWith('/scim/'))).toBe(true);
      for (const r of protectedRoutes()) expect(r.permission, `${r.method} ${r.url}`).toBeTruthy();
    });

    it('refuses every spelling without a token (never 2xx or 3xx), and 401s the canonical one', async () => {
      let probes = 0;
      const seen = new Set<string>();
      for (const r of protectedRoutes()) {
        const path = concreteUrl(r.url);
        const methods = [...new Set([r.method, 'GET', 'HEAD'])];
        for (const target of spellings(path, port)) {
          for (const method of methods) {
            const key = `${method} ${target}`;
            if (seen.has(key)) continue;
            seen.add(key);
            for (const version of ['1.1', '1.0']) {
              const res = await rawRequest(port, method, target, {}, version);
              probes++;
              expect(res.status, `${method} ${target} HTTP/${version}`).toBeGreaterThanOrEqual(400);
              if (target === path && method === r.method) expect(res.status, key).toBe(401);
            }
          }
        }
      }
      expect(probes).toBeGreaterThan(1000);
    });

    it('refuses every spelling to a role without the permission', async () => {
      const viewer = { authorization: `Bearer ${t.tokens.viewer}` };
      let probes = 0;
      for (const r of protectedRoutes()) {
        if (permissionMatrix[r.permission!]?.roles.includes('viewer')) continue;
        const path = concreteUrl(r.url);
        for (const target of spellings(path, port)) {
          // HEAD is served by the GET route of the same path, so it shares that route's permission.
          for (const method of r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]) {
            const res = await rawRequest(port, method, target, viewer);
            probes++;
            expect(res.status, `${method} ${target}`).toBeGreaterThanOrEqual(400);
          }
        }
      }
      expect(probes).toBeGreaterThan(100);
    });

    it("refuses every spelling of a gateway route without an app's access token, with an API token too", async () => {
      const gw = t.allRoutes.filter((r) => r.url.startsWith('/gw/'));
      expect(gw.length).toBeGreaterThan(5);
      let probes = 0;
      for (const r of gw) {
        const path = concreteUrl(r.url).replace('*', 'v1/x');
        for (const target of spellings(path, port)) {
          for (const headers of [{}, { authorization: `Bearer ${t.tokens.admin}` }] as Record<string, string>[]) {
            const res = await rawRequest(port, r.method, target, headers);
            probes++;
            expect(res.status, `${r.method} ${target}`).toBeGreaterThanOrEqual(400);
            if (target === path) expect(res.status, `${r.method} ${target}`).toBe(401);
          }
        }
      }
      expect(probes).toBeGreaterThan(300);
    });

    it('serves the public routes (health, console) without a token, and only those', async () => {
      for (const target of ['/healthz', '/readyz']) {
        expect((await rawRequest(port, 'GET', target)).status, target).toBe(200);
      }
      expect((await rawRequest(port, 'GET', '/')).status).toBe(302);
      // The console's page answers without a token (200 once built, 503 saying how to build it).
      for (const target of ['/console/', '/console/apps/leave-requests', '/%63onsole/']) {
        const res = await rawRequest(port, 'GET', target);
        expect([200, 503], target).toContain(res.status);
      }
      for (const target of ['/%61pi/v1/whoami', `http://127.0.0.1:${port}/api/v1/whoami`, '/api/v1/nope', '/%61pi/nope']) {
        expect((await rawRequest(port, 'GET', target)).status, target).toBe(401);
      }
    });
  });
}
