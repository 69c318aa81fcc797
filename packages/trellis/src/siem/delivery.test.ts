/**
 * Delivery on both databases against a real receiver on loopback: every sealed event arrives in
 * seq order; filters; a receiver that refuses connections, answers 500, hangs past the timeout
 * and cuts its answer still ends with every event; a permanent refusal dead-letters only the
 * refused event and replay delivers it once fixed; a pruned event is stepped over; Retry-After is honoured; a delivery whose lease
 * another replica took is abandoned; two workers never deliver one sink at once; stop leaves the
 * cursor on the last acknowledged batch.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresUrl, testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { openTrellisDatabase } from '../modules.ts';
import { createServices, type Services } from '../services.ts';
import { systemActor } from '../auth/index.ts';
import type { AuditInput } from '../audit/index.ts';
import { backoffMs } from './retry.ts';
import { SiemService, type SiemServiceOptions } from './service.ts';
import { startOcsfReceiver, type Behaviour, type OcsfReceiver, until } from './test-receiver.ts';

const caller = { actor: systemActor };
const fast: SiemServiceOptions = { pollIntervalMs: 20, leaseMs: 3000, backoff: { baseMs: 10, capMs: 80 } };


function input(i: number, extra: Partial<AuditInput> = {}): AuditInput {
  return { class: 'api_activity', activity: 'update', action: 'test.event', actor: systemActor, outcome: 'success', message: `event ${i}`, ...extra };
}

describe('backoff', () => {
  it('doubles up to the cap, varies by jitter within half, and never undercuts Retry-After', () => {
    const b = { baseMs: 1000, capMs: 60_000 };
    expect(backoffMs(1, b, undefined, () => 1)).toBe(1000);
    expect(backoffMs(1, b, undefined, () => 0)).toBe(500);
    expect(backoffMs(4, b, undefined, () => 1)).toBe(8000);
    expect(backoffMs(40, b, undefined, () => 1)).toBe(60_000);
    expect(backoffMs(2, b, 30_000, () => 0)).toBe(30_000);
  });
});

for (const tdb of testDatabases) {
  describe(`SIEM delivery (${tdb.name})`, () => {
    let database: Database;
    let services: Services;
    let receiver: OcsfReceiver;
    const made: SiemService[] = [];

    const service = (opts: SiemServiceOptions = {}) => {
      const s = new SiemService(database, services.audit, services.secrets, { ...fast, ...opts });
      made.push(s);
      return s;
    };
    const sinkConfig = (extra: Record<string, unknown> = {}) => ({ url: receiver.url, allowPrivateHost: true, timeoutMs: 300, batchSize: 10, ...extra });
    /** Seqs of the trail from `after` on, as the receiver should end up holding them. */
    const trailUids = async (after: number) => (await services.audit.sealedAfter(after, 100_000)).map((r) => r.event.metadata.uid);
    const record = (n: number, extra: Partial<AuditInput> = {}) => Promise.all(Array.from({ length: n }, (_, i) => services.audit.record(input(i, extra))));

    beforeAll(async () => {
      database = await tdb.open();
      services = await createServices(database);
    });
    afterAll(async () => {
      await services.audit.stop();
      await database.close();
    });
    beforeEach(async () => {
      receiver = await startOcsfReceiver();
      await database.db.deleteFrom('siem_dead_letters').execute();
      await database.db.deleteFrom('siem_sinks').execute();
    });
    afterEach(async () => {
      for (const s of made.splice(0)) await s.stop();
      await receiver.close();
    });

    it('delivers every event after the start position, in seq order, and reports lag', async () => {
      await record(5);
      const siem = service();
      const sink = await siem.create(caller, { name: 'all', type: 'ocsf-http', config: sinkConfig(), start: 'beginning' });
      expect(sink).toMatchObject({ cursor: 0, enabled: true, delivered: 0 });
      expect(sink.lag).toBe(sink.head);
      await record(25);
      const [behind] = await siem.status();
      expect(behind!.lag).toBe(behind!.head);
      expect(behind!.oldestAgeMs).toBeGreaterThanOrEqual(0);
      siem.start();
      const head = (await services.audit.head()).seq;
      await until(() => receiver.uids().length >= head, 'every event');
      expect(receiver.uids()).toEqual(await trailUids(0));
      // Batches of at most batchSize, each in order.
      expect(Math.max(...receiver.acknowledged.map((b) => b.events.length))).toBeLessThanOrEqual(10);
      await until(async () => (await siem.get(sink.id)).cursor >= head, 'the cursor to catch up');
      const [status] = (await siem.status()).filter((s) => s.id === sink.id);
      expect(status).toMatchObject({ name: 'all', type: 'ocsf-http', enabled: true, deadLetters: 0, lastError: null });
      expect(status!.lag).toBe(status!.head - status!.cursor);
      if (status!.lag === 0) expect(status!.oldestAgeMs).toBeNull();
      expect((await siem.get(sink.id)).delivered).toBeGreaterThanOrEqual(head);
    });

    it("sends people's values in clear by default, and as stored (sealed) when the sink says so", async () => {
      const person: Partial<AuditInput> = { actor: { type: 'user', id: 'ses_7f3a', name: 'Dana Whitfield', subject: 'user:dana.whitfield@northwind-hr.com' }, srcIp: '203.0.113.77' };
      const siem = service();
      const clear = await siem.create(caller, { name: 'clear', type: 'ocsf-http', config: sinkConfig() });
      const sealedReceiver = await startOcsfReceiver();
      try {
        const sealed = await siem.create(caller, { name: 'sealed', type: 'ocsf-http', config: sinkConfig({ url: sealedReceiver.url }), filter: { personal_data: 'sealed' } });
        await record(1, person);
        siem.start();
        const ofPerson = (r: OcsfReceiver) => r.acknowledged.flatMap((b) => b.events).filter((e) => e.actor.user.uid === 'ses_7f3a');
        await until(() => ofPerson(receiver).length === 1 && ofPerson(sealedReceiver).length === 1, 'both sinks');
        expect(ofPerson(receiver)[0]!.actor.user).toMatchObject({ name: 'Dana Whitfield', uid_alt: 'user:dana.whitfield@northwind-hr.com' });
        expect(ofPerson(receiver)[0]!.src_endpoint).toEqual({ ip: '203.0.113.77' });
        const stored = JSON.stringify(ofPerson(sealedReceiver)[0]);
        expect(stored).not.toContain('Dana');
        expect(stored).not.toContain('northwind-hr.com');
        expect(stored).not.toContain('203.0.113.77');
        expect(ofPerson(sealedReceiver)[0]!.actor.user.name).toMatch(/^enc:/);
        expect((await siem.get(clear.id)).filter).toEqual({});
        expect((await siem.get(sealed.id)).filter).toEqual({ personal_data: 'sealed' });
      } finally {
        await sealedReceiver.close();
      }
    });

    it('starts after the head by default, or at a given seq', async () => {
      await record(3);
      const siem = service();
      const head = (await services.audit.head()).seq;
      const fromNow = await siem.create(caller, { name: 'from-now', type: 'ocsf-http', config: sinkConfig() });
      // The create event itself is sealed after the head it read.
      expect(fromNow.cursor).toBe(head);
      const fromSeq = await siem.create(caller, { name: 'from-seq', type: 'ocsf-http', config: sinkConfig(), start: 2 });
      expect(fromSeq.cursor).toBe(1);
    });

    it('takes only the events its filter takes, and still moves past the others', async () => {
      const siem = service();
      const sink = await siem.create(caller, {
        name: 'filtered',
        type: 'ocsf-http',
        config: sinkConfig(),
        filter: { class_uids: [6003], min_severity_id: 2, apps: ['leave-requests'], actions: ['app.*'] },
      });
      await record(3, { action: 'app.update', outcome: 'failure', resources: [{ type: 'app', id: 'leave-requests' }] });
      await record(2, { action: 'app.update', outcome: 'success', resources: [{ type: 'app', id: 'leave-requests' }] }); // severity 1
      await record(2, { action: 'app.update', outcome: 'failure', resources: [{ type: 'app', id: 'other-app' }] });
      await record(2, { action: 'token.create', outcome: 'failure', resources: [{ type: 'app', id: 'leave-requests' }] });
      await record(2, { class: 'authentication', action: 'app.login', outcome: 'failure', resources: [{ type: 'app', id: 'leave-requests' }] });
      siem.start();
      const head = (await services.audit.head()).seq;
      await until(async () => (await siem.get(sink.id)).cursor >= head, 'the cursor to pass every event');
      expect(receiver.uids()).toHaveLength(3);
      for (const e of receiver.acknowledged.flatMap((b) => b.events)) expect(e).toMatchObject({ class_uid: 6003, severity_id: 2, api: { operation: 'app.update' } });
    });

    it('ends with every event after refused connections, 500s, hangs past the timeout and cut answers', async () => {
      const siem = service();
      const sink = await siem.create(caller, { name: 'outage', type: 'ocsf-http', config: sinkConfig(), start: 'beginning' });
      await record(15);
      await receiver.refuse();
      siem.start();
      await until(async () => (await siem.get(sink.id)).attempts >= 3, 'failed attempts while refused');
      const failing = await siem.get(sink.id);
      expect(failing.last_error).toMatch(/127\.0\.0\.1/);
      expect(failing.cursor).toBe(0);
      await receiver.resume();
      // Then each of the other failures for a few requests each, while events keep coming.
      const script: Behaviour[] = [{ status: 500 }, 'hang', 'cut'];
      receiver.behave = (_e, n) => (n < 9 ? script[n % 3]! : 'ok');
      await record(20);
      await until(() => receiver.requests >= 9, 'the failing requests');
      await record(10);
      const head = (await services.audit.head()).seq;
      await until(() => new Set(receiver.uids()).size >= head, 'every event once the receiver is back');
      const expected = await trailUids(0);
      const got = receiver.uids();
      expect(new Set(got)).toEqual(new Set(expected));
      // In seq order: the first arrival of each uid follows the trail.
      const firsts = [...new Map(got.map((u, i) => [u, i])).keys()];
      expect([...new Set(got)]).toEqual(expected);
      expect(firsts).toHaveLength(expected.length);
      await until(async () => (await siem.get(sink.id)).attempts === 0, 'the retry count to clear');
      expect((await siem.get(sink.id)).last_error).toBeNull();
    });

    it('dead-letters only the event a receiver refuses for good, and replay delivers it once accepted', async () => {
      const siem = service();
      const sink = await siem.create(caller, { name: 'picky', type: 'ocsf-http', config: sinkConfig(), start: 'beginning' });
      await record(12);
      const trail = await services.audit.sealedAfter(0, 1000);
      const bad = trail[4]!.event.metadata.uid;
      receiver.behave = (events) => (events.some((e) => e.metadata.uid === bad) ? { status: 400 } : 'ok');
      siem.start();
      const head = (await services.audit.head()).seq;
      await until(async () => (await siem.get(sink.id)).cursor >= head, 'the cursor to pass the refused event');
      expect(receiver.uids()).not.toContain(bad);
      expect(new Set(receiver.uids())).toEqual(new Set(trail.map((r) => r.event.metadata.uid).filter((u) => u !== bad)));
      const dead = await siem.deadLetters(sink.id);
      expect(dead.items).toEqual([{ seq: trail[4]!.seq, uid: bad, error: expect.stringContaining('400'), attempts: 1, dead_at: expect.any(String) }]);
      expect((await siem.get(sink.id)).dead_letters).toBe(1);

      // Still refused: kept, one more attempt counted.
      expect(await siem.replay(caller, sink.id)).toEqual({ replayed: 1, delivered: 0, failed: 1 });
      expect((await siem.deadLetters(sink.id)).items[0]!.attempts).toBe(2);
      receiver.behave = () => 'ok';
      expect(await siem.replay(caller, sink.id)).toEqual({ replayed: 1, delivered: 1, failed: 0 });
      expect(receiver.uids()).toContain(bad);
      expect((await siem.deadLetters(sink.id)).items).toEqual([]);
      const audited = await services.audit.list({ action: 'siem.sink.replay', limit: 10 });
      expect(audited.map((a) => a.event.unmapped)).toEqual([expect.objectContaining({ replayed: 1, delivered: 0, failed: 1 }), expect.objectContaining({ replayed: 1, delivered: 1, failed: 0 })]);
    });

    it('stops cleanly: an unacknowledged batch leaves the cursor where it was, and goes again on restart', async () => {
      const first = service();
      const sink = await first.create(caller, { name: 'stopper', type: 'ocsf-http', config: sinkConfig({ timeoutMs: 60_000 }), start: 'beginning' });
      await record(5);
      receiver.behave = () => 'hang';
      first.start();
      await until(() => receiver.requests >= 1, 'the first request');
      await first.stop();
      expect((await first.get(sink.id)).cursor).toBe(0);
      receiver.behave = () => 'ok';
      const second = service();
      second.start();
      const head = (await services.audit.head()).seq;
      await until(() => receiver.uids().length >= head, 'every event from the next worker');
      expect(receiver.uids()).toEqual(await trailUids(0));
    });

    it('waits at least as long as Retry-After says before the next attempt', async () => {
      const siem = service({ backoff: { baseMs: 10, capMs: 20 } });
      const sink = await siem.create(caller, { name: 'throttled', type: 'ocsf-http', config: sinkConfig(), start: 'beginning' });
      await record(2);
      receiver.behave = () => ({ status: 429, retryAfter: '120' });
      await siem.runOnce();
      const after = await siem.get(sink.id);
      expect(after).toMatchObject({ attempts: 1, cursor: 0, last_error: expect.stringContaining('429') });
      // Scheduled two minutes out, not the 10-20 ms backoff; a run now does not attempt it.
      expect(Date.parse(after.next_attempt_at!) - Date.now()).toBeGreaterThan(100_000);
      await siem.runOnce();
      expect(receiver.requests).toBe(1);
    });

    it('abandons a delivery whose lease another replica took, without moving the cursor', async () => {
      const siem = service({ leaseMs: 300, owner: 'replica-a' });
      const sink = await siem.create(caller, { name: 'stolen', type: 'ocsf-http', config: sinkConfig({ timeoutMs: 60_000 }), start: 'beginning' });
      await record(3);
      receiver.behave = () => 'hang';
      const run = siem.runOnce();
      await until(() => receiver.requests >= 1, 'the held request');
      const until10 = new Date(Date.now() + 10 * 60_000).toISOString();
      await database.db.updateTable('siem_sinks').set({ lease_owner: 'replica-b', lease_until: until10 }).where('id', '=', sink.id).execute();
      // The next renewal fails, the request is aborted, and the run ends.
      await run;
      const after = await siem.get(sink.id);
      expect(after.cursor).toBe(0);
      expect(after.attempts).toBe(0);
      expect((await database.db.selectFrom('siem_sinks').select('lease_owner').where('id', '=', sink.id).executeTakeFirstOrThrow()).lease_owner).toBe('replica-b');
    });

    it('steps over an event retention pruned to a tombstone, and counts no age for it', async () => {
      const siem = service();
      const head0 = (await services.audit.head()).seq;
      const sink = await siem.create(caller, { name: 'pruned', type: 'ocsf-http', config: sinkConfig(), start: head0 + 1 });
      await record(5);
      const trail = await services.audit.sealedAfter(head0, 100);
      const victim = trail[0]!;
      const original = await database.db.selectFrom('audit_events').select('event').where('seq', '=', victim.seq).executeTakeFirstOrThrow();
      // What retention leaves of a pruned event: its place in the chain, no content.
      await database.db.updateTable('audit_events').set({ event: '{"pruned":true}' }).where('seq', '=', victim.seq).execute();
      try {
        expect((await siem.status())[0]!.oldestAgeMs).toBeNull();
        await siem.runOnce();
        const after = await siem.get(sink.id);
        expect(after.cursor).toBe(trail[trail.length - 1]!.seq);
        expect(receiver.uids()).toEqual(trail.slice(1).map((r) => r.event.metadata.uid));
      } finally {
        await database.db.updateTable('audit_events').set({ event: original.event }).where('seq', '=', victim.seq).execute();
      }
    });

    it('sends a synthetic test event marked as a test, not from the trail, and says how it went', async () => {
      const siem = service();
      const sink = await siem.create(caller, { name: 'tested', type: 'ocsf-http', config: sinkConfig(), enabled: false });
      const ok = await siem.test(caller, sink.id);
      expect(ok).toMatchObject({ ok: true, error: null, permanent: null });
      const sent = receiver.acknowledged[0]!.events[0]!;
      expect(sent).toMatchObject({ api: { operation: 'siem.sink.test' }, unmapped: { test: true }, metadata: { uid: ok.uid } });
      expect((await services.audit.sealedAfter(0, 100_000)).map((r) => r.event.metadata.uid)).not.toContain(ok.uid);
      receiver.behave = () => ({ status: 422 });
      expect(await siem.test(caller, sink.id)).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining('422') });
      const audited = await services.audit.list({ action: 'siem.sink.test', limit: 10 });
      expect(audited.map((a) => a.event.status)).toEqual(['Success', 'Failure']);
    });
  });
}

/** Two servers' worth of services on one database: each with its own AuditLog and worker. */
async function openTwice(name: 'sqlite' | 'postgres'): Promise<{ a: Database; b: Database; close(): Promise<void> }> {
  if (name === 'sqlite') {
    const db = await testDatabases[0]!.open();
    return { a: db, b: db, close: () => db.close() };
  }
  const schema = 't_' + randomBytes(6).toString('hex');
  const a = await openTrellisDatabase({ url: postgresUrl, schema });
  const b = await openTrellisDatabase({ url: postgresUrl, schema });
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

for (const name of postgresUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)) {
  describe(`two workers on one database (${name})`, () => {
    it('never deliver the same sink at once, and between them deliver every event once', async () => {
      const dbs = await openTwice(name);
      const one = await createServices(dbs.a);
      const two = await createServices(dbs.b, one.keys);
      // A receiver per sink, slow enough that overlapping deliveries of one sink would show.
      const receivers = [await startOcsfReceiver(), await startOcsfReceiver()];
      for (const r of receivers) r.delayMs = 15;
      const workers = [new SiemService(dbs.a, one.audit, one.secrets, { ...fast, owner: 'replica-a' }), new SiemService(dbs.b, two.audit, two.secrets, { ...fast, owner: 'replica-b' })];
      try {
        const sinks = await Promise.all(
          receivers.map((r, n) => workers[n]!.create(caller, { name: `shared-${n}`, type: 'ocsf-http', config: { url: r.url, allowPrivateHost: true, batchSize: 5 }, start: 'beginning' })),
        );
        for (const w of workers) w.start();
        for (let i = 0; i < 6; i++) await Promise.all([one, two].map((s, j) => Promise.all(Array.from({ length: 5 }, (_, k) => s.audit.record(input(i * 10 + j * 5 + k))))));
        const head = Math.max((await one.audit.head()).seq, (await two.audit.head()).seq);
        await until(async () => (await Promise.all(sinks.map((s) => workers[0]!.get(s.id)))).every((s) => s.cursor >= head), 'both sinks to catch up');
        // Each sink had one deliverer at a time, and each event arrived once (nothing failed, so nothing repeats).
        for (const r of receivers) {
          expect(r.maxInFlight).toBe(1);
          expect(r.uids()).toHaveLength(head);
          expect(new Set(r.uids()).size).toBe(head);
        }
        const leases = await dbs.a.db.selectFrom('siem_sinks').select(['lease_owner']).execute();
        for (const l of leases) expect(['replica-a', 'replica-b']).toContain(l.lease_owner);
      } finally {
        for (const w of workers) await w.stop();
        for (const r of receivers) await r.close();
        await one.audit.stop();
        if (dbs.b !== dbs.a) await two.audit.stop();
        await dbs.close();
      }
    });
  });
}
