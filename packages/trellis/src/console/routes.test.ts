/** The console's static files: public, each with its content type and the same strict headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';

describe('console routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(testDatabases[0]!);
  });
  afterAll(() => t.close());

  const files = [
    { url: '/', type: 'text/html' },
    { url: '/console/index.html', type: 'text/html' },
    { url: '/console/app.js', type: 'text/javascript' },
    { url: '/console/app.css', type: 'text/css' },
    { url: '/console/favicon.svg', type: 'image/svg+xml' },
  ];

  it('serves every file without a token, with the same strict headers', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    for (const f of files) {
      const res = await t.app.inject({ method: 'GET', url: f.url });
      expect(res.statusCode, f.url).toBe(200);
      expect(res.headers['content-type'], f.url).toContain(f.type);
      for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'cache-control']) {
        expect(res.headers[h], `${f.url} ${h}`).toBe(page.headers[h]);
      }
    }
  });

  it('links a favicon that is an SVG image', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.body).toContain('<link rel="icon" type="image/svg+xml" href="/console/favicon.svg">');
    const icon = await t.app.inject({ method: 'GET', url: '/console/favicon.svg' });
    expect(icon.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('serves nothing else under /console', async () => {
    for (const url of ['/console/routes.ts', '/console/..%2Fpackage.json', '/console/favicon.ico']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).not.toBe(200);
    }
  });
});
