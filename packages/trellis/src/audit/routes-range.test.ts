import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { testDatabases } from '../../test/databases.ts';

describe('audit ranges that do not exist', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(testDatabases[0]!);
  });
  afterAll(() => t.close());

  it('answers an export or verification from past the end of the chain with a 404 naming from_seq', async () => {
    const head = (await t.services.audit.head()).seq;
    for (const url of [`/api/v1/audit/export?from_seq=${head + 1}`, `/api/v1/audit/verify?from_seq=${head + 5}`]) {
      const r = await t.as('auditor', { method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({ code: 'not_found', errors: [{ path: 'from_seq', message: expect.stringContaining(`ends at event ${head}`) }] });
    }
    expect((await t.as('auditor', { method: 'GET', url: '/api/v1/audit/export?from_seq=0' })).statusCode).toBe(400);
    const last = await t.as('auditor', { method: 'GET', url: `/api/v1/audit/export?from_seq=${head}` });
    expect(last.statusCode).toBe(200);
    expect(last.body.trim().split('\n')[0]).toContain(`"seq":${head}`);
  });
});
