/**
 * A number in a path or query that Ajv coerces to Infinity (`1e309`) used to pass an
 * integer's bounds and reach PostgreSQL, which answered 500 (found by the HTTP fuzzer). It is a
 * 400 naming the field now, on both databases, and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './databases.ts';
import { makeTestApp, type TestApp } from './app.ts';

for (const tdb of testDatabases) {
  describe(`non-finite numbers on ${tdb.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb);
    });
    afterAll(() => t.close());

    it('refuses 1e309 and Infinity in a path or a query with a 400 that names the field', async () => {
      for (const [url, field] of [
        ['/api/v1/policy/bundles/1e309/activate', 'params.version'],
        ['/api/v1/policy/bundles/Infinity/activate', 'params.version'],
        ['/api/v1/policy/bundles?limit=1e309', 'querystring.limit'],
      ] as const) {
        const res = await t.as('admin', { method: url.endsWith('activate') ? 'POST' : 'GET', url, payload: url.endsWith('activate') ? {} : undefined });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().errors, url).toContainEqual(expect.objectContaining({ path: field }));
      }
      const active = await t.as('admin', { method: 'GET', url: '/api/v1/policy/active' });
      expect(active.statusCode).toBe(200);
    });
  });
}
