/**
 * The console's routes over a built console (a small stand-in for Vite's output in a temporary
 * folder): public, strict headers, a fresh CSP nonce in each page, the page for any client-side
 * path, only listed files, and a clear page when the console is not built.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';

function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><meta name="csp-nonce" content="__CSP_NONCE__"><script type="module" src="/console/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("console");');
  writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{margin:0}');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
  return dir;
}

describe('console routes', () => {
  let t: TestApp;
  let unbuilt: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(testDatabases[0]!, {}, { consoleDir: fakeBuild() });
    unbuilt = await makeTestApp(testDatabases[0]!, {}, { consoleDir: mkdtempSync(join(tmpdir(), 'trellis-console-empty-')) });
  });
  afterAll(async () => {
    await t.close();
    await unbuilt.close();
  });

  it('sends / to the console', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/console/');
  });

  it('answers every client-side path with the page, each with its own nonce in the page and the CSP', async () => {
    const nonces = new Set<string>();
    for (const url of ['/console/', '/console/apps', '/console/apps/leave-requests?tab=manifest', '/console/audit']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      const csp = String(res.headers['content-security-policy']);
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, url).toBeTruthy();
      expect(res.body).toContain(`<meta name="csp-nonce" content="${nonce}">`);
      expect(res.body).not.toContain('__CSP_NONCE__');
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
      nonces.add(nonce!);
    }
    expect(nonces.size).toBe(4);
  });

  it('serves built files with their types, hashed ones cached for good', async () => {
    const js = await t.app.inject({ method: 'GET', url: '/console/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe('console.log("console");');
    const css = await t.app.inject({ method: 'GET', url: '/console/assets/index-abc123.css' });
    expect(css.headers['content-type']).toContain('text/css');
    const icon = await t.app.inject({ method: 'GET', url: '/console/favicon.svg' });
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('never reaches a file outside the build, whatever the encoding', async () => {
    for (const url of ['/console/../package.json', '/console/..%2F..%2Fpackage.json', '/console/%2e%2e/%2e%2e/package.json', '/console/assets/..%2F..%2F..%2Ftrellis%2Fpackage.json', '/console/assets%2Findex-abc123.js%00']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('"name"');
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });

  it('answers a missing hashed file with 404, not the page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/console/assets/index-old999.js' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('reload');
  });

  it('says how to build the console when it is not built', async () => {
    const res = await unbuilt.app.inject({ method: 'GET', url: '/console/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm start');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
