/**
 * Queue changes announced by signed webhooks: a review opened when an app needs a person, and
 * its decision, delivered to a real receiver on loopback and verified with the secret shown at
 * subscription; a registration refused for a credential announces nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { startReceiver, type Receiver } from '../webhooks/test-receiver.ts';
import { verifyWebhookSignature } from '../webhooks/index.ts';
import { systemActor } from '../auth/index.ts';

const yaml = { 'content-type': 'application/yaml' };
const manifest = (name: string, extra = '') => `apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: ${name}\nspec:\n  owner: user:ana@example.com\n  classification: restricted\n${extra}`;

for (const tdb of testDatabases) {
  describe(`review webhooks on ${tdb.name}`, () => {
    let t: TestApp;
    let receiver: Receiver;
    let secret: string;
    const previous = process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE;
    /** The first delivered event of a type: the server's own worker may be sending it already, so wait for the receiver. */
    const delivered = async (type: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        await t.services.webhooks.flush();
        const hit = receiver.requests.find((x) => JSON.parse(x.body).type === type);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no ${type} event arrived`);
        await Promise.race([receiver.next(), new Promise((resolve) => setTimeout(resolve, 100))]);
      }
    };

    beforeAll(async () => {
      // The receiver is on loopback, which the default address policy refuses.
      process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE = 'true';
      t = await makeTestApp(tdb);
      receiver = await startReceiver();
      const sub = await t.services.webhooks.create({ actor: systemActor }, { url: receiver.url, events: ['review.*'] });
      secret = sub.secret;
    });
    afterAll(async () => {
      if (previous === undefined) delete process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE;
      else process.env.TRELLIS_WEBHOOK_ALLOW_PRIVATE = previous;
      await receiver.close();
      await t.close();
    });

    it('announces an opened review and its decision, signed', async () => {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('hooked-app') });
      expect(r.json()).toMatchObject({ status: 'pending_review' });
      const opened = await delivered('review.opened');
      expect(verifyWebhookSignature(secret, opened.headers as Record<string, string>, opened.body)).toMatchObject({ ok: true });
      const event = JSON.parse(opened.body);
      expect(event.data).toMatchObject({ app: 'hooked-app', version: 1, kind: 'register', risk: { tier: 'medium' }, classification: 'restricted' });
      const decided = await t.as('reviewer', { method: 'POST', url: `/api/v1/reviews/${event.data.review}/reject`, payload: { comment: 'no purpose stated' } });
      expect(decided.statusCode).toBe(200);
      const rejected = JSON.parse((await delivered('review.rejected')).body);
      expect(rejected.data).toMatchObject({ app: 'hooked-app', status: 'rejected', comment: 'no purpose stated' });
    });

    it('announces nothing for a refused registration', async () => {
      const before = receiver.requests.length;
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/apps', headers: yaml, payload: manifest('leaky-app', '  purpose: "uses AKIAIOSFODNN7EXAMPLE"\n') });
      expect(r.statusCode).toBe(422);
      await t.services.webhooks.flush();
      expect(receiver.requests.length).toBe(before);
    });
  });
}
