/**
 * The webhooks service on both databases, against a real receiver on loopback: signed
 * deliveries a receiver verifies with the secret it was shown, retries and their limit, the
 * outbox following its transaction (a rollback sends nothing), event matching, secret rotation's
 * two signatures, redelivery, automatic disabling, redirects not followed, the address check at
 * delivery time, the claim shared by two workers, and the worker started and stopped.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';
import { systemActor } from '../auth/index.ts';
import { WebhookService, eventMatches, type WebhookServiceOptions } from './service.ts';
// The receiver's helper as users import it, from the module's index.
import { verifyWebhookSignature } from './index.ts';
import { decryptSecret } from './secrets.ts';
import { startReceiver, type Receiver } from './test-receiver.ts';

const caller = { actor: systemActor };

describe('event patterns', () => {
  it('match exactly, by dotted prefix, or all', () => {
    expect(eventMatches('review.opened', 'review.opened')).toBe(true);
    expect(eventMatches('review.*', 'review.opened')).toBe(true);
    expect(eventMatches('review.*', 'review.changes.requested')).toBe(true);
    expect(eventMatches('review.*', 'reviewer.added')).toBe(false);
    expect(eventMatches('review.opened', 'review.decided')).toBe(false);
    expect(eventMatches('*', 'anything.at_all')).toBe(true);
  });
});

for (const tdb of testDatabases) {
  describe(`webhook delivery (${tdb.name})`, () => {
    let database: Database;
    let services: Services;
    let receiver: Receiver;
    const made: WebhookService[] = [];

    const service = (opts: WebhookServiceOptions = {}) => {
      const s = new WebhookService(database, services.audit, services.keys, { allowPrivate: true, retryDelaysMs: [0, 0, 0], jitter: 0, ...opts });
      made.push(s);
      return s;
    };

    beforeAll(async () => {
      database = await tdb.open();
      services = await createServices(database);
    });
    afterAll(async () => {
      await services.audit.stop();
      await database.close();
    });
    beforeEach(async () => {
      receiver = await startReceiver();
      // Each test starts with no subscriptions: earlier tests' ones would receive its events.
      await database.db.deleteFrom('webhook_subscriptions').execute();
    });
    afterEach(async () => {
      for (const s of made.splice(0)) await s.stop();
      await receiver.close();
    });

    const announce = (s: WebhookService, type = 'review.opened', data: Record<string, unknown> = { app: 'leave-requests', review: 1 }) =>
      database.db.transaction().execute((tx) => s.enqueue(tx, { type, data, subject: 'app:leave-requests' }));

    it('delivers a signed event that the receiver verifies with the secret it was shown', async () => {
      const s = service();
      const sub = await s.create(caller, { url: receiver.url, events: ['review.*'] });
      expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(sub.secret.slice(6), 'base64')).toHaveLength(32);
      await announce(s);
      await s.flush();
      expect(receiver.requests).toHaveLength(1);
      const [req] = receiver.requests;
      expect(req!.method).toBe('POST');
      expect(req!.headers['content-type']).toBe('application/json');
      expect(req!.headers['user-agent']).toBe('Trellis-Webhooks/1');
      expect(req!.headers['webhook-id']).toMatch(/^evt_[0-9a-f]{20}$/);
      expect(req!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      const body = JSON.parse(req!.body) as Record<string, unknown>;
      expect(body).toMatchObject({ id: req!.headers['webhook-id'], type: 'review.opened', subject: 'app:leave-requests', data: { app: 'leave-requests', review: 1 } });
      expect(Object.keys(body)).toEqual(['id', 'type', 'timestamp', 'subject', 'data']);
      expect(verifyWebhookSignature(sub.secret, req!.headers, req!.body)).toMatchObject({ ok: true, id: body.id });
      // Another secret, or a body changed by one byte, does not verify.
      expect(verifyWebhookSignature('whsec_' + Buffer.alloc(32, 7).toString('base64'), req!.headers, req!.body)).toEqual({ ok: false, reason: 'no_matching_signature' });
      expect(verifyWebhookSignature(sub.secret, req!.headers, req!.body.replace('review', 'reviem'))).toEqual({ ok: false, reason: 'no_matching_signature' });
      const { items } = await s.listDeliveries(sub.id);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200, next_attempt_at: null, event_type: 'review.opened' });
      expect(items[0]!.attempt_log).toEqual([expect.objectContaining({ attempt: 1, status_code: 200, error: null, response_excerpt: 'ok' })]);
    });

    it('retries a receiver answering 500 twice and records three attempts', async () => {
      const s = service();
      const sub = await s.create(caller, { url: receiver.url, events: ['review.opened'] });
      receiver.script.push(500, 500);
      await announce(s);
      await s.flush();
      expect(receiver.requests).toHaveLength(3);
      // The same message each time: same id and body, so a receiver can deduplicate.
      expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
      expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
      const [d] = (await s.listDeliveries(sub.id)).items;
      expect(d).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null });
      expect(d!.attempt_log.map((a) => a.status_code)).toEqual([500, 500, 200]);
      // The 10 KB error page is kept as a short excerpt only.
      expect(d!.attempt_log[0]!.response_excerpt!.length).toBeLessThanOrEqual(256);
      expect((await s.get(sub.id)).consecutive_failures).toBe(0);
    });

    it('waits for the backoff before retrying, and fails a delivery after its last attempt', async () => {
      const waiting = service({ retryDelaysMs: [60_000] });
      const sub = await waiting.create(caller, { url: receiver.url, events: ['*'] });
      receiver.script.push(503, 503, 503);
      const before = Date.now();
      await announce(waiting);
      await waiting.flush();
      expect(receiver.requests).toHaveLength(1);
      let [d] = (await waiting.listDeliveries(sub.id)).items;
      expect(d).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 503, last_error: 'HTTP 503' });
      expect(Date.parse(d!.next_attempt_at!) - before).toBeGreaterThanOrEqual(60_000);
      // The same schedule with the clock an hour on: the second and last attempt.
      const later = service({ retryDelaysMs: [60_000], now: () => new Date(Date.now() + 3_600_000) });
      await later.flush();
      expect(receiver.requests).toHaveLength(2);
      [d] = (await later.listDeliveries(sub.id)).items;
      expect(d).toMatchObject({ status: 'failed', attempts: 2, next_attempt_at: null });
    });

    it('sends nothing for an event enqueued in a transaction that rolls back', async () => {
      const s = service();
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      await expect(
        database.db.transaction().execute(async (tx) => {
          await s.enqueue(tx, { type: 'review.opened', data: { review: 2 } });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await s.flush();
      expect(receiver.requests).toHaveLength(0);
      expect((await s.listDeliveries(sub.id)).items).toEqual([]);
    });

    it('sends an event to each enabled subscription whose patterns match it, and no other', async () => {
      const s = service();
      const reviews = await s.create(caller, { url: receiver.url + '?to=reviews', events: ['review.*'] });
      const apps = await s.create(caller, { url: receiver.url + '?to=apps', events: ['app.registered'] });
      const paused = await s.create(caller, { url: receiver.url + '?to=paused', events: ['*'] });
      await s.update(caller, paused.id, { enabled: false });
      await announce(s, 'review.decided');
      await s.flush();
      expect(receiver.requests.map((r) => r.path)).toEqual(['/hook?to=reviews']);
      expect((await s.listDeliveries(apps.id)).items).toHaveLength(0);
      expect((await s.listDeliveries(paused.id)).items).toHaveLength(0);
      expect((await s.listDeliveries(reviews.id)).items).toHaveLength(1);
      await expect(database.db.transaction().execute((tx) => s.enqueue(tx, { type: 'Bad Type', data: {} }))).rejects.toThrow(/not a dotted lower-case name/);
    });

    it('signs with both secrets during a rotation overlap, and with the new one only after it', async () => {
      const s = service();
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      const rotated = await s.rotateSecret(caller, sub.id);
      expect(rotated.secret).not.toBe(sub.secret);
      expect(Date.parse(rotated.previous_secret_expires_at!) - Date.now()).toBeGreaterThan(23 * 3_600_000);
      await announce(s);
      await s.flush();
      const during = receiver.requests[0]!;
      expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifyWebhookSignature(sub.secret, during.headers, during.body).ok).toBe(true);
      expect(verifyWebhookSignature(rotated.secret, during.headers, during.body).ok).toBe(true);
      const dayLater = service({ now: () => new Date(Date.now() + 25 * 3_600_000) });
      await announce(dayLater);
      await dayLater.flush();
      const after = receiver.requests[1]!;
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      // The receiver's clock is a day behind this test service's: give the check the same clock.
      const nowSeconds = Math.floor((Date.now() + 25 * 3_600_000) / 1000);
      expect(verifyWebhookSignature(rotated.secret, after.headers, after.body, { nowSeconds }).ok).toBe(true);
      expect(verifyWebhookSignature(sub.secret, after.headers, after.body, { nowSeconds }).ok).toBe(false);
      expect((await dayLater.get(sub.id)).previous_secret_expires_at).toBeNull();
    });

    it('keeps secrets encrypted at rest, bound to their subscription', async () => {
      const s = service();
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      const row = await database.db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', sub.id).executeTakeFirstOrThrow();
      expect(row.secret_enc).not.toContain(sub.secret.slice(6));
      const key = services.keys.derive('webhooks.secret');
      expect(decryptSecret(key, sub.id, row.secret_enc)).toBe(sub.secret);
      expect(() => decryptSecret(key, 'wh_00000000000000000000', row.secret_enc)).toThrow();
      expect(() => decryptSecret(Buffer.alloc(32, 1), sub.id, row.secret_enc)).toThrow();
    });

    it('redelivers a delivered event as a new delivery with the same event id', async () => {
      const s = service();
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      await announce(s);
      await s.flush();
      const [first] = (await s.listDeliveries(sub.id)).items;
      const again = await s.redeliver(caller, sub.id, first!.id);
      expect(again).toMatchObject({ status: 'pending', redelivery_of: first!.id, event_id: first!.event_id });
      await s.flush();
      expect(receiver.requests).toHaveLength(2);
      expect(receiver.requests[1]!.headers['webhook-id']).toBe(first!.event_id);
      expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
      expect(await s.getDelivery(sub.id, again.id)).toMatchObject({ status: 'delivered', attempts: 1 });
      // A pending delivery is already on its way.
      receiver.script.push(500);
      const waiting = service({ retryDelaysMs: [60_000] });
      await announce(waiting);
      await waiting.flush();
      const pending = (await s.listDeliveries(sub.id, { status: 'pending' })).items[0]!;
      await expect(s.redeliver(caller, sub.id, pending.id)).rejects.toMatchObject({ code: 'conflict' });
      const audited = await services.audit.list({ action: 'webhook.redeliver', limit: 10 });
      expect(audited.length).toBeGreaterThan(0);
    });

    it('disables a subscription that keeps failing, and audits it', async () => {
      const s = service({ retryDelaysMs: [0, 0, 0, 0, 0], disableAfterFailures: 3, disableAfterMs: 0 });
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      receiver.script.push(500, 500, 500, 500, 500, 500);
      await announce(s);
      await s.flush();
      // Three failures, then the subscription is off and its delivery waits.
      expect(receiver.requests).toHaveLength(3);
      expect(await s.get(sub.id)).toMatchObject({ enabled: false, disabled_reason: 'failing', consecutive_failures: 3, updated_by: 'system' });
      const [event] = await services.audit.list({ action: 'webhook.auto_disable', limit: 10 });
      expect(event!.event.message).toContain(sub.id);
      expect(JSON.stringify(event)).not.toContain(sub.secret.slice(6));
      // Enabled again: the failure count starts over and the waiting delivery goes out.
      receiver.script.length = 0;
      await s.update(caller, sub.id, { enabled: true });
      await s.flush();
      expect(receiver.requests).toHaveLength(4);
      expect(await s.get(sub.id)).toMatchObject({ enabled: true, consecutive_failures: 0, failing_since: null });
    });

    it('records a binary answer with NUL bytes as an excerpt both databases can store', async () => {
      const s = service({ retryDelaysMs: [0] });
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      receiver.script.push('binary');
      await announce(s);
      await s.flush();
      const [d] = (await s.listDeliveries(sub.id)).items;
      expect(d!.attempt_log.map((a) => a.status_code)).toEqual([500, 200]);
      expect(d!.attempt_log[0]!.response_excerpt).not.toContain('\0');
    });

    it('does not follow redirects', async () => {
      const s = service({ retryDelaysMs: [] });
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      receiver.script.push('redirect');
      await announce(s);
      await s.flush();
      expect(receiver.requests.map((r) => r.path)).toEqual(['/hook']);
      expect((await s.listDeliveries(sub.id)).items[0]).toMatchObject({ status: 'failed', last_status_code: 302, last_error: 'HTTP 302 (redirects are not followed)' });
    });

    it('gives up an attempt at its timeout', async () => {
      const s = service({ retryDelaysMs: [], attemptTimeoutMs: 300 });
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      receiver.script.push('hang');
      await announce(s);
      await s.flush();
      expect((await s.listDeliveries(sub.id)).items[0]).toMatchObject({ status: 'failed', last_status_code: null, last_error: 'timed out after 300 ms' });
    });

    it('checks the address again at delivery: a target that became private is refused, not connected to', async () => {
      const permissive = service();
      const sub = await permissive.create(caller, { url: receiver.url.replace('127.0.0.1', 'localhost'), events: ['*'] });
      await announce(permissive);
      const strict = service({ allowPrivate: false, retryDelaysMs: [] });
      await strict.flush();
      expect(receiver.requests).toHaveLength(0);
      const [d] = (await strict.listDeliveries(sub.id)).items;
      expect(d).toMatchObject({ status: 'failed', last_status_code: null });
      expect(d!.last_error).toMatch(/^refused: /);
    });

    it('refuses at delivery a name that now resolves to loopback (DNS rebinding)', async () => {
      const publicAnswer = async () => [{ address: '93.184.216.34', family: 4 }];
      const saving = service({ allowPrivate: false, lookup: publicAnswer });
      const sub = await saving.create(caller, { url: 'https://hooks.example.com/trellis', events: ['*'] });
      await announce(saving);
      const rebound = service({ allowPrivate: false, retryDelaysMs: [], lookup: async () => [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }] });
      await rebound.flush();
      const [d] = (await rebound.listDeliveries(sub.id)).items;
      expect(d).toMatchObject({ status: 'failed', last_status_code: null });
      expect(d!.last_error).toBe('refused: host hooks.example.com resolves to 127.0.0.1, which is not a public address (loopback, private, link-local and reserved ranges are refused)');
    });

    it('delivers each due delivery once when two workers claim at the same time', async () => {
      const a = service();
      const b = service();
      await a.create(caller, { url: receiver.url, events: ['*'] });
      for (let i = 0; i < 12; i++) await announce(a, 'review.opened', { review: i });
      await Promise.all([a.flush(), b.flush()]);
      expect(receiver.requests).toHaveLength(12);
      expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(12);
    });

    it('the started worker sends an enqueued event without being asked, and stops', async () => {
      const s = service({ pollIntervalMs: 50 });
      await s.create(caller, { url: receiver.url, events: ['*'] });
      s.start();
      const arrived = receiver.next();
      await announce(s);
      expect(JSON.parse((await arrived).body)).toMatchObject({ type: 'review.opened' });
      await s.stop();
    });

    it('stopping aborts an attempt in flight and gives its claim back uncounted', async () => {
      const s = service({ pollIntervalMs: 50 });
      const sub = await s.create(caller, { url: receiver.url, events: ['*'] });
      receiver.script.push('hang');
      s.start();
      const arrived = receiver.next();
      await announce(s);
      await arrived;
      await s.stop();
      const row = await database.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', sub.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', attempts: 0, claimed_until: null, claim_token: null });
      // Another worker (or the next start) sends it at once.
      await service().flush();
      expect(await s.listDeliveries(sub.id)).toMatchObject({ items: [{ status: 'delivered', attempts: 1 }] });
    });
  });
}
