/**
 * Property-based fuzzing of the HTTP inputs of every route, as an admin (the role that reaches
 * the most code): random JSON bodies shaped like each route's schema and not, random bytes
 * under every content type we parse, random query strings and path parameters. Whatever comes
 * in, the answer is a success or a 4xx problem document — never a 500, never a hang.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../databases.ts';
import { makeTestApp, type TestApp } from '../app.ts';
import { hostileStrings, jsonLeaves, jsonValues } from '../arbitraries.ts';

const hostileString = hostileStrings(['../../etc/passwd', '%00', '%2e%2e/', '${jndi:x}', "' OR 1=1 --", '<script>', '9'.repeat(400), 'a'.repeat(5000), '-1', '1e309', 'NaN', 'true', 'null', ' ']);

const jsonValue = jsonValues(jsonLeaves(hostileString), hostileString, ['name', 'role', 'text', 'plan', 'metadata', 'spec', 'status', 'reason', 'values', 'detector', 'manifest']);

/** A body close to what a route expects: its schema's property names with hostile values. */
function bodyFor(schema: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const props = (schema?.properties ?? {}) as Record<string, unknown>;
  const names = Object.keys(props);
  if (names.length === 0) return jsonValue;
  return fc.oneof(jsonValue, fc.dictionary(fc.constantFrom(...names), jsonValue, { maxKeys: names.length }));
}

/** Percent-encodes the UTF-8 bytes of any string, lone surrogates included (encodeURIComponent throws on those). */
function encodeBytes(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).padStart(2, '0'))).join('');
}

const rawEscapes = ['%ff', '%c0%af', '%e0%80', '%', '%zz', '%u0041', '%2e%2e%2f'];

function fill(url: string, value: string, raw: boolean): string {
  return url.replace(/:([A-Za-z_]+)/g, () => (raw ? value : encodeBytes(value)));
}

for (const tdb of testDatabases) {
  describe(`HTTP fuzzing: no input makes a route fail with 500 (${tdb.name})`, () => {
    let t: TestApp;
    let schemas: Map<string, Record<string, unknown> | undefined>;
    beforeAll(async () => {
      t = await makeTestApp(tdb, { authFailureLimit: 1_000_000 });
      const doc = (await t.as('admin', { method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> } }>> };
      schemas = new Map();
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) schemas.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op.requestBody?.content?.['application/json']?.schema);
      }
    });
    afterAll(() => t.close());

    const check = (label: string, res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
      expect(res.statusCode, `${label} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(String(res.headers['content-type']), label).toContain('application/problem+json');
    };

    it('random JSON bodies, parameters and queries on every route', async () => {
      const routes = t.routes.filter((r) => r.method !== 'DELETE');
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(hostileString, fc.constantFrom(...rawEscapes)), fc.dictionary(hostileString, hostileString, { maxKeys: 4 }), fc.nat(), async (route, param, query, seed) => {
          const body = fc.sample(bodyFor(schemas.get(`${route.method} ${route.url}`)), { numRuns: 1, seed })[0];
          const qs = Object.entries(query).map(([k, v]) => `${encodeBytes(k)}=${encodeBytes(v)}`).join('&');
          const url = fill(route.url, param, rawEscapes.includes(param)) + (qs ? `?${qs}` : '');
          const res = await t.as('admin', { method: route.method as 'GET', url, ...(route.method === 'GET' ? {} : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
          check(`${route.method} ${url} ${JSON.stringify(body)?.slice(0, 200)}`, res);
        }),
        { numRuns: 400, seed: 8 },
      );
    });

    it('random bytes under every content type on every route that takes a body', async () => {
      const routes = t.routes.filter((r) => r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH');
      const contentTypes = ['application/json', 'application/yaml', 'text/yaml', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', ''];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), fc.constantFrom(...contentTypes), fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), hostileString.map((s) => Buffer.from(s))), async (route, type, payload) => {
          const res = await t.as('admin', { method: route.method as 'POST', url: fill(route.url, 'sample-app', false), payload, headers: type ? { 'content-type': type } : {} });
          check(`${route.method} ${route.url} ${type} ${payload.toString('hex').slice(0, 80)}`, res);
        }),
        { numRuns: 300, seed: 9 },
      );
    });

    it('hostile YAML on the routes that take manifests', async () => {
      const yamlBombs = [
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
        '['.repeat(100_000),
        '- '.repeat(50_000) + 'x',
        'a:\n' + '  '.repeat(20_000) + 'b: 1\n',
        '!!binary AAAA',
        '%YAML 9.9\n---\nx: 1',
        'key: !!js/function "function(){}"',
        '? [' + 'x,'.repeat(10_000) + ']\n: 1',
      ];
      for (const url of ['/api/v1/apps', '/api/v1/apps/validate']) {
        for (const payload of yamlBombs) {
          const res = await t.as('admin', { method: 'POST', url, payload, headers: { 'content-type': 'application/yaml' } });
          check(`${url} ${payload.slice(0, 40)}`, res);
          // Validation may answer 200 with the problems listed; registration must refuse.
          if (url === '/api/v1/apps') expect(res.statusCode, payload.slice(0, 40)).toBeGreaterThanOrEqual(400);
        }
      }
    });
  });
}
