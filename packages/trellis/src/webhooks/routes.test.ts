/**
 * The webhooks API on both databases: subscriptions created, shown, changed, tested, rotated and
 * deleted through the routes, with the secret shown only by create and rotate (never by reads,
 * deliveries or the audit trail); refused URLs as 400 naming `url`; who may do what.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { WebhookService } from './service.ts';
// The receiver's helper as users import it, from the module's index.
import { verifyWebhookSignature } from './index.ts';
import { allowPrivateEnv, allowPrivateFromEnv } from './settings.ts';
import { startReceiver, type Receiver } from './test-receiver.ts';

/** A test app whose webhooks service was made with TRELLIS_WEBHOOK_ALLOW_PRIVATE as given. */
async function appWith(tdb: (typeof testDatabases)[number], allowPrivate: boolean): Promise<TestApp> {
  const saved = process.env[allowPrivateEnv];
  process.env[allowPrivateEnv] = allowPrivate ? 'true' : 'false';
  try {
    return await makeTestApp(tdb);
  } finally {
    if (saved === undefined) delete process.env[allowPrivateEnv];
    else process.env[allowPrivateEnv] = saved;
  }
}

describe('TRELLIS_WEBHOOK_ALLOW_PRIVATE', () => {
  it('reads true|false|1|0, defaults to false, and refuses anything else', () => {
    expect(allowPrivateFromEnv({})).toBe(false);
    expect(allowPrivateFromEnv({ [allowPrivateEnv]: 'true' })).toBe(true);
    expect(allowPrivateFromEnv({ [allowPrivateEnv]: '1' })).toBe(true);
    expect(allowPrivateFromEnv({ [allowPrivateEnv]: '0' })).toBe(false);
    expect(() => allowPrivateFromEnv({ [allowPrivateEnv]: 'yes' })).toThrow(/must be true, false, 1 or 0/);
  });
});

for (const tdb of testDatabases) {
  describe(`webhooks API (${tdb.name})`, () => {
    let t: TestApp;
    let strict: TestApp;
    let receiver: Receiver;
    beforeAll(async () => {
      t = await appWith(tdb, true);
      strict = await appWith(tdb, false);
    });
    afterAll(async () => {
      await strict.close();
      await t.close();
    });
    beforeEach(async () => {
      receiver = await startReceiver();
    });
    afterEach(() => receiver.close());

    const create = (app: TestApp, payload: Record<string, unknown>) => app.as('admin', { method: 'POST', url: '/api/v1/webhooks', payload });

    it('creates a subscription, shows its secret once, tests it and lists the delivery without the secret', async () => {
      const res = await create(t, { url: receiver.url, events: ['review.*', 'webhook.test'], description: 'review queue to chat' });
      expect(res.statusCode).toBe(201);
      const sub = res.json<{ id: string; secret: string }>();
      expect(sub).toMatchObject({ url: receiver.url, events: ['review.*', 'webhook.test'], enabled: true, description: 'review queue to chat' });
      expect(sub.secret).toMatch(/^whsec_/);
      const key = sub.secret.slice(6);

      const shown = await t.as('auditor', { method: 'GET', url: `/api/v1/webhooks/${sub.id}` });
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).not.toHaveProperty('secret');
      const list = await t.as('admin', { method: 'GET', url: '/api/v1/webhooks' });
      expect(list.json<{ items: { id: string }[] }>().items.map((s) => s.id)).toContain(sub.id);

      const tested = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/test` });
      expect(tested.statusCode).toBe(200);
      expect(tested.json()).toMatchObject({ event_type: 'webhook.test', status: 'delivered', attempts: 1, last_status_code: 200 });
      expect(receiver.requests).toHaveLength(1);
      expect(verifyWebhookSignature(sub.secret, receiver.requests[0]!.headers, receiver.requests[0]!.body).ok).toBe(true);
      expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ type: 'webhook.test', data: { subscription_id: sub.id } });

      const deliveries = await t.as('auditor', { method: 'GET', url: `/api/v1/webhooks/${sub.id}/deliveries` });
      expect(deliveries.statusCode).toBe(200);
      expect(deliveries.json()).toMatchObject({ items: [{ status: 'delivered', attempt_log: [{ attempt: 1, status_code: 200 }] }], next_cursor: null });
      for (const body of [shown.body, list.body, tested.body, deliveries.body]) expect(body).not.toContain(key);

      // The trail has every change, and never the secret.
      const events = await t.services.audit.list({ limit: 1000 });
      expect(events.map((e) => e.event.message).join('\n')).toContain(`created webhook subscription ${sub.id}`);
      expect(events.map((e) => e.event.message).join('\n')).toContain(`sent a test event to webhook subscription ${sub.id}`);
      expect(JSON.stringify(events)).not.toContain(key);
    });

    it('rotates the secret: the new one is shown once and both sign during the overlap', async () => {
      const sub = (await create(t, { url: receiver.url, events: ['*'] })).json<{ id: string; secret: string }>();
      const rotated = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/rotate-secret` });
      expect(rotated.statusCode).toBe(200);
      const next = rotated.json<{ secret: string; previous_secret_expires_at: string }>();
      expect(next.secret).not.toBe(sub.secret);
      expect(next.previous_secret_expires_at).not.toBeNull();
      await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/test` });
      const got = receiver.requests[0]!;
      expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifyWebhookSignature(sub.secret, got.headers, got.body).ok).toBe(true);
      expect(verifyWebhookSignature(next.secret, got.headers, got.body).ok).toBe(true);
      const shown = await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${sub.id}` });
      expect(shown.body).not.toContain(next.secret.slice(6));
      expect(shown.body).not.toContain(sub.secret.slice(6));
    });

    it('changes, disables, redelivers and deletes', async () => {
      const sub = (await create(t, { url: receiver.url, events: ['*'] })).json<{ id: string }>();
      receiver.script.push(500);
      const failed = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/test` });
      expect(failed.json()).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500' });
      const pendingId = failed.json<{ id: string }>().id;
      expect((await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/deliveries/${pendingId}/redeliver` })).statusCode).toBe(409);
      // The retry, as the worker makes it once the backoff has passed (a clock a minute on).
      const later = new WebhookService(t.services.database, t.services.audit, t.services.keys, { allowPrivate: true, now: () => new Date(Date.now() + 60_000) });
      await later.flush();
      const delivered = await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${sub.id}/deliveries?status=delivered` });
      expect(delivered.json<{ items: { id: string; attempts: number }[] }>().items).toMatchObject([{ id: pendingId, attempts: 2 }]);
      const again = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/deliveries/${pendingId}/redeliver` });
      expect(again.statusCode).toBe(202);
      expect(again.json()).toMatchObject({ status: 'pending', redelivery_of: pendingId });
      // The running worker sends it, or this flush does, whichever claims it first.
      await t.services.webhooks.flush();
      while (receiver.requests.length < 3) await receiver.next();
      expect(receiver.requests).toHaveLength(3);

      const patched = await t.as('admin', { method: 'PATCH', url: `/api/v1/webhooks/${sub.id}`, payload: { events: ['review.opened'], enabled: false } });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ events: ['review.opened'], enabled: false, disabled_reason: 'manual' });
      const refused = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/test` });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'conflict' });

      const badPatch = await strict.as('admin', { method: 'PATCH', url: `/api/v1/webhooks/${sub.id}`, payload: { url: 'https://10.0.0.8/x' } });
      expect(badPatch.statusCode).toBe(400);
      expect(badPatch.json()).toMatchObject({ code: 'webhook_url_refused', errors: [{ path: 'url' }] });

      expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/webhooks/${sub.id}` })).statusCode).toBe(204);
      expect((await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${sub.id}` })).statusCode).toBe(404);
      expect((await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${sub.id}/deliveries` })).statusCode).toBe(404);
      const trail = await t.services.audit.list({ limit: 1000 });
      const mine = trail.filter((e) => JSON.stringify(e.event).includes(sub.id)).map((e) => e.event.message);
      expect(mine.join('\n')).toMatch(/created webhook subscription/);
      expect(mine.join('\n')).toMatch(/deleted webhook subscription/);
      expect(mine.join('\n')).toMatch(/redelivery/);
    });

    it('refuses internal targets with a 400 naming url', async () => {
      const refusedUrls = [
        receiver.url, // http://127.0.0.1:…
        'https://127.0.0.1/hook',
        'https://10.1.2.3/hook',
        'https://[::1]/hook',
        'https://user:secret@hooks.example.com/hook',
        'https://localhost/hook',
        'https://169.254.169.254/latest/meta-data/',
        'ftp://hooks.example.com/',
        'not a url',
      ];
      for (const url of refusedUrls) {
        const res = await create(strict, { url, events: ['*'] });
        expect(res.statusCode, url).toBe(400);
        expect(res.json(), url).toMatchObject({ code: 'webhook_url_refused', status: 400, errors: [{ path: 'url' }] });
        expect(res.body, url).not.toContain('secret@');
      }
      // Userinfo is refused even where private targets are allowed.
      expect((await create(t, { url: 'http://u:p@127.0.0.1:1/x', events: ['*'] })).statusCode).toBe(400);
      expect((await strict.as('admin', { method: 'GET', url: '/api/v1/webhooks' })).json<{ items: unknown[] }>().items).toEqual([]);
    });

    it('validates bodies and ids, naming the field', async () => {
      const noEvents = await create(t, { url: receiver.url, events: [] });
      expect(noEvents.statusCode).toBe(400);
      const badPattern = await create(t, { url: receiver.url, events: ['Review Opened'] });
      expect(badPattern.statusCode).toBe(400);
      expect(JSON.stringify(badPattern.json())).toContain('events');
      const extra = await create(t, { url: receiver.url, events: ['*'], secret: 'mine' });
      expect(extra.statusCode).toBe(400);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/webhooks/../../etc' })).statusCode).toBeGreaterThanOrEqual(400);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/webhooks/wh_00000000000000000000' })).statusCode).toBe(404);
      expect((await t.as('admin', { method: 'GET', url: '/api/v1/webhooks/nonsense' })).statusCode).toBe(400);
    });

    it('lets admins manage, auditors read, and nobody else either', async () => {
      const sub = (await create(t, { url: receiver.url, events: ['*'] })).json<{ id: string }>();
      expect((await t.as('auditor', { method: 'GET', url: `/api/v1/webhooks/${sub.id}/deliveries` })).statusCode).toBe(200);
      expect((await t.as('auditor', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/rotate-secret` })).statusCode).toBe(403);
      expect((await t.as('auditor', { method: 'POST', url: '/api/v1/webhooks', payload: { url: receiver.url, events: ['*'] } })).statusCode).toBe(403);
      for (const role of ['reviewer', 'builder', 'viewer'] as const) expect((await t.as(role, { method: 'GET', url: '/api/v1/webhooks' })).statusCode, role).toBe(403);
    });
  });
}
