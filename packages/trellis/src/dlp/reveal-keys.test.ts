/**
 * Reveal under a key the value was not made with: an AES-GCM value does not authenticate, so
 * the answer is a 422 `reveal_failed`, audited as a failure — never a 200 with a wrong value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';

for (const tdb of testDatabases) {
  describe(`reveal under another installation's key, on ${tdb.name}`, () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      // Each test app derives its keys from its own throwaway master key.
      a = await makeTestApp(tdb);
      b = await makeTestApp(tdb);
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it('is a 422 reveal_failed problem naming the item, and a failed dlp.reveal event', async () => {
      const email = 'rosa.vidal@northwind-mail.com';
      const plan = { rules: [{ entity: 'EMAIL_ADDRESS', operator: { type: 'encrypt' } }] };
      const made = await a.as('builder', { method: 'POST', url: '/api/v1/dlp/transform', payload: { text: email, plan } });
      const sealed = (made.json() as { value: string }).value;
      expect(sealed).toMatch(/^enc:v1:/);
      const items = [{ value: sealed, entity: 'EMAIL_ADDRESS', operator: 'encrypt' }];
      expect((await a.as('admin', { method: 'POST', url: '/api/v1/dlp/reveal', payload: { items, reason: 'same key' } })).json()).toEqual({ items: [{ value: email }] });

      const res = await b.as('admin', { method: 'POST', url: '/api/v1/dlp/reveal', payload: { items, reason: 'ticket 12' } });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'reveal_failed', errors: [{ path: 'items[0].value' }] });
      expect(res.body).not.toContain(sealed);
      expect(res.body).not.toContain(email);
      const events = await b.services.audit.list({ action: 'dlp.reveal', limit: 10 });
      expect(events).toHaveLength(1);
      expect(events[0]!.event).toMatchObject({ status: 'Failure', unmapped: { failed_item: 0, error: 'DLP_DECRYPT_FAILED', reason: 'ticket 12' } });
    });
  });
}
