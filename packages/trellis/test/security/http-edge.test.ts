/**
 * The HTTP edge under hostile input, on every database: throttling that a spoofed
 * X-Forwarded-For cannot dodge, refusals audited without flooding the trail, deep nesting and
 * NUL bytes refused with a 400 that names the field (and changes nothing), and API responses
 * that no cache keeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../databases.ts';
import { makeTestApp, type TestApp } from '../app.ts';

const manifest = (name: string, description: string) => ({
  apiVersion: 'trellis.dev/v1',
  kind: 'MicroApp',
  metadata: { name, description },
  spec: { owner: 'ana@example.com', team: 'hr', purpose: 'leave requests', classification: 'internal', runtime: 'external' },
});

for (const tdb of testDatabases) {
  describe(`HTTP edge under hostile input (${tdb.name})`, () => {
    let t: TestApp;
    let proxied: TestApp;
    beforeAll(async () => {
      t = await makeTestApp(tdb, { authFailureLimit: 5 });
      proxied = await makeTestApp(tdb, { authFailureLimit: 5, trustProxy: 1 });
    });
    afterAll(async () => {
      await proxied.close();
      await t.close();
    });

    it('behind one trusted proxy, a client cannot choose its address by prepending X-Forwarded-For entries', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await proxied.app.inject({
          method: 'GET',
          url: '/api/v1/whoami',
          remoteAddress: '10.0.0.2', // the proxy
          headers: { authorization: 'Bearer wrong', 'x-forwarded-for': `198.51.100.${i}, 203.0.113.50` },
        });
        codes.push(res.statusCode);
      }
      // The proxy appended the real client (203.0.113.50); the spoofed first entries are ignored.
      expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    });

    it('counts failures per token id too, so moving between addresses does not help a guesser', async () => {
      const id = 'abcdefabcdef0123';
      const guess = (i: number) => `trl_${id}_${'A'.repeat(42)}${'ABCDEFGHIJ'[i]}`;
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await t.app.inject({ method: 'GET', url: '/api/v1/whoami', remoteAddress: `192.0.2.${i + 1}`, headers: { authorization: `Bearer ${guess(i)}` } })).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
    });

    it('audits refusals aggregated: many identical 403s write a first event and one summary whose counts add up', async () => {
      for (let i = 0; i < 50; i++) expect((await t.as('viewer', { method: 'GET', url: '/api/v1/tokens' })).statusCode).toBe(403);
      const denials = async () => (await t.services.audit.list({ action: 'authz.deny', limit: 1000 })).filter((e) => e.event.unmapped?.route === '/api/v1/tokens');
      expect(await denials()).toHaveLength(1);
      await t.app.close(); // flushes the window's summaries
      const after = await denials();
      expect(after).toHaveLength(2);
      expect(after.map((e) => e.event.unmapped?.count)).toEqual([1, 49]);
      expect(after[1]!.event.unmapped?.repeated).toBe(true);
      t = await makeTestApp(tdb, { authFailureLimit: 5 });
    });

    it('refuses a 100,000-level nested body with a 400 and writes nothing', async () => {
      const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
      const before = (await t.services.audit.head()).seq;
      for (const url of ['/api/v1/apps', '/api/v1/apps/validate', '/api/v1/dlp/scan', '/api/v1/dlp/transform', '/api/v1/tokens']) {
        const res = await t.as('admin', { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: deep });
        expect(res.statusCode, url).toBe(400);
        expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '(body)' }] });
      }
      const arrays = '['.repeat(100_000) + ']'.repeat(100_000);
      expect((await t.as('admin', { method: 'POST', url: '/api/v1/dlp/scan', headers: { 'content-type': 'application/json' }, payload: arrays })).statusCode).toBe(400);
      expect((await t.services.audit.head()).seq).toBe(before);
    });

    it('refuses NUL bytes in body fields, query and path parameters with a 400 naming the field', async () => {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/apps', payload: manifest('nul-app', 'leave\u0000requests') });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'metadata.description' }] });
      const tok = await t.as('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci\u0000bot', role: 'viewer' } });
      expect(tok.statusCode).toBe(400);
      expect(tok.json().errors[0].path).toBe('name');
      const cursor = await t.as('admin', { method: 'GET', url: '/api/v1/apps?cursor=%00abc' });
      expect(cursor.statusCode).toBe(400);
      expect(cursor.json().errors[0].path).toBe('query.cursor');
      const audit = await t.as('auditor', { method: 'GET', url: '/api/v1/audit/events?actor=a%00b' });
      expect(audit.statusCode).toBe(400);
      const param = await t.as('admin', { method: 'GET', url: '/api/v1/apps/abc%00def' });
      expect(param.statusCode).toBe(400);
      const yaml = await t.as('admin', { method: 'POST', url: '/api/v1/apps/validate', headers: { 'content-type': 'application/yaml' }, payload: 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: x\u0000y\n' });
      expect(yaml.statusCode).toBe(400);
      expect(yaml.json().errors[0]).toMatchObject({ line: 4, column: 10 });
      // Nothing was created.
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/apps/nul-app' })).statusCode).toBe(404);
    });

    it('a NUL spelled as text (backslash, u, 0000) is an ordinary string', async () => {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/apps', payload: manifest('escaped-nul', 'shows \\u0000 literally') });
      expect(res.statusCode).toBe(201);
    });

    it('marks every API response, success or problem, as not to be stored', async () => {
      for (const res of [
        await t.as('admin', { method: 'GET', url: '/api/v1/whoami' }),
        await t.as('admin', { method: 'GET', url: '/api/v1/tokens' }),
        await t.app.inject({ method: 'GET', url: '/api/v1/tokens' }),
        await t.as('viewer', { method: 'GET', url: '/api/v1/tokens' }),
        await t.as('admin', { method: 'GET', url: '/api/v1/nope' }),
      ]) {
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    });
  });
}
