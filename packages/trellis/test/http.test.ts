/** The HTTP edge: problem details, body limits, malformed input, throttling, OpenAPI, health. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './databases.ts';
import { makeTestApp, type TestApp } from './app.ts';

const sqlite = testDatabases[0]!;

describe('HTTP edge', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(sqlite, { bodyLimit: 64 * 1024, authFailureLimit: 5 });
  });
  afterAll(() => t.close());

  it('rejects an oversized body with 413 and creates nothing', async () => {
    const before = await t.services.tokens.list();
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'big', role: 'viewer', pad: 'x'.repeat(100 * 1024) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'payload_too_large', type: 'https://trellis.dev/problems/payload_too_large' });
    expect(await t.services.tokens.list()).toHaveLength(before.length);
  });

  it('reports malformed JSON without echoing the body', async () => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/tokens', headers: { 'content-type': 'application/json' }, payload: '{"name": "sekrit-value-123", role' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('bad_request');
    expect(res.body).not.toContain('sekrit-value-123');
  });

  it('names every invalid field at once', async () => {
    const res = await t.as('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: '../etc', role: 'root', colour: 'blue' } });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['body.colour', 'body.name', 'body.role']);
  });

  it('answers unknown API paths with 404 problem details once authenticated', async () => {
    const res = await t.as('viewer', { method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('serves OpenAPI 3.1 describing every route', async () => {
    const res = await t.as('viewer', { method: 'GET', url: '/api/v1/openapi.json' });
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of t.routes) {
      const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
    }
    expect(doc.paths['/api/v1/tokens'].post['x-trellis-permission']).toBe('tokens:manage');
  });

  it('never returns token secrets or hashes from listings', async () => {
    const res = await t.as('admin', { method: 'GET', url: '/api/v1/tokens' });
    expect(res.body).not.toMatch(/token_hash|trl_[0-9a-f]{16}_/);
  });

  it('answers health probes without a token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('throttles repeated authentication failures from one address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { authorization: 'Bearer wrong' }, remoteAddress: '10.9.9.9' })).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429, 429]);
    const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { authorization: 'Bearer also-wrong' }, remoteAddress: '10.9.9.9' });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // A valid credential is never throttled: people behind one NAT address are not locked out by a guesser.
    const valid = await t.app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { authorization: `Bearer ${t.tokens.admin}` }, remoteAddress: '10.9.9.9' });
    expect(valid.statusCode).toBe(200);
    // Another address is unaffected.
    expect((await t.as('admin', { method: 'GET', url: '/api/v1/whoami', remoteAddress: '10.9.9.10' })).statusCode).toBe(200);
  });
});
