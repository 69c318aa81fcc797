/**
 * Regression tests for requests that once held the server: the largest texts and records the
 * body limit lets through, dense with findings, through the REST routes. No timing is asserted;
 * a quadratic step makes these run past the test timeout (the 120,000 e-mails once took about
 * three minutes, with /healthz waiting behind them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';

describe('DLP routes under the largest dense bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(testDatabases[0]!);
  });
  afterAll(() => t.close());

  it('transforms 120,000 e-mail addresses (840 KB, under the 1 MiB body limit)', async () => {
    const text = 'a@b.io '.repeat(120_000);
    expect(text.length).toBe(840_000);
    const res = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/transform', payload: { text, plan: { default: { type: 'replace' } } } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { value: string; applied: unknown[] };
    expect(body.applied).toHaveLength(120_000);
    expect(body.value).toBe('<EMAIL_ADDRESS> '.repeat(120_000));
    expect((await t.as('builder', { method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('masks a record of 20,000 fields', async () => {
    const record = { rows: Array.from({ length: 20_000 }, (_, i) => ({ mail: `u${i}@b.io` })) };
    const res = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/transform', payload: { record, plan: { default: { type: 'redact' } } } });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).not.toMatch(/u\d+@b\.io/);
  });
});
