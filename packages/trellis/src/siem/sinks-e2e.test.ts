/**
 * The syslog, Splunk HEC and OTLP sinks end to end on both databases: the real delivery worker
 * follows the real audit trail and hands it to a real receiver on loopback that goes away,
 * hangs, answers 503 or cuts the connection for a while. Every event of the trail arrives (by
 * uid, duplicates allowed), and an event a receiver refuses for good ends as the one dead letter.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';
import { systemActor } from '../auth/index.ts';
import type { AuditInput } from '../audit/index.ts';
import { SiemService } from './service.ts';
import { until } from './test-receiver.ts';
import { startHttpCollector, startSyslogReceiver, type HttpCollector, type RecordedRequest, type ScriptedAnswer, type SyslogReceiver } from './test-collectors.ts';

const caller = { actor: systemActor };
const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const serverCert = { cert: testdata('server.pem'), key: testdata('server-key.pem') };
const ca = testdata('ca.pem');
const token = 'e2e-hec-token-value';

function input(i: number, message = `event ${i}`): AuditInput {
  return { class: 'api_activity', activity: 'update', action: 'test.event', actor: systemActor, outcome: 'success', message };
}

/** A receiver's rule for one request: a fault while `faults` last, a refusal for the poisoned event, else success. */
interface Plan {
  faults: ScriptedAnswer[];
  accepted: Set<string>;
}

for (const tdb of testDatabases) {
  describe(`syslog, HEC and OTLP sinks end to end (${tdb.name})`, () => {
    let database: Database;
    let services: Services;
    const closing: { close?: () => Promise<void>; stop?: () => Promise<void> }[] = [];

    const service = () => {
      const s = new SiemService(database, services.audit, services.secrets, { pollIntervalMs: 20, leaseMs: 3000, backoff: { baseMs: 10, capMs: 80 } });
      closing.push(s);
      return s;
    };
    const record = async (n: number, message?: (i: number) => string) => {
      for (let i = 0; i < n; i++) await services.audit.record(input(i, message?.(i)));
    };
    /** Uids of the trail after `cursor`, as the receiver should end up holding them. */
    const trailAfter = async (cursor: number) => (await services.audit.sealedAfter(cursor, 100_000)).map((r) => r.event.metadata.uid);
    const lastError = async (siem: SiemService, id: string) => (await siem.status()).find((s) => s.id === id)?.lastError ?? null;

    beforeAll(async () => {
      database = await tdb.open();
      services = await createServices(database);
      await services.secrets.put(caller, 'hec-token', { value: token });
    });
    afterAll(async () => {
      await services.audit.stop();
      await database.close();
    });
    afterEach(async () => {
      for (const c of closing.splice(0).reverse()) await (c.stop ?? c.close)!.call(c);
      await database.db.deleteFrom('siem_dead_letters').execute();
      await database.db.deleteFrom('siem_sinks').execute();
    });

    it('syslog over TLS: a receiver that goes away and comes back on its port ends with every event', async () => {
      const first = await startSyslogReceiver({ tls: serverCert });
      closing.push(first);
      const siem = service();
      const sink = await siem.create(caller, { name: 'soc-syslog', type: 'syslog', config: { host: '127.0.0.1', port: first.port, ca, serverName: 'syslog.test', allowPrivateHost: true, connectTimeoutMs: 500 } });
      siem.start();
      await record(15);
      const received = (...rs: SyslogReceiver[]) => new Set(rs.flatMap((r) => r.messages.map((m) => m.sd[0]!.params.uid!)));
      await until(async () => received(first).size >= (await trailAfter(sink.cursor)).length, 'the first events');
      await first.close();
      await record(25);
      await until(async () => (await lastError(siem, sink.id)) !== null, 'the outage to be noticed');
      expect(await lastError(siem, sink.id)).toMatch(/could not connect \(ECONNREFUSED\)/);
      const back = await startSyslogReceiver({ tls: serverCert, port: first.port });
      closing.push(back);
      await until(async () => (await trailAfter(sink.cursor)).every((uid) => received(first, back).has(uid)), 'every event after the outage');
      const head = (await services.audit.head()).seq;
      await until(async () => (await siem.get(sink.id)).cursor >= head, 'the cursor to catch up');
      expect([...received(first, back)].sort()).toEqual((await trailAfter(sink.cursor)).sort());
      // The messages are well formed all through: CEF carries the same uid as the structured data.
      for (const m of back.messages) expect(m.msg).toContain(`cs1=${m.sd[0]!.params.uid} cs1Label=eventUid`);
    });

    /**
     * An HTTP receiver (HEC or OTLP) driven by a plan: the faults first, one per request; then a
     * request holding the event whose message is `poison` is refused as `refuse` says; any other
     * is accepted and its uids remembered.
     */
    async function plannedCollector(plan: Plan, uidsOf: (req: RecordedRequest) => { uids: string[]; poisoned: number }, refuse: (index: number) => ScriptedAnswer, success: ScriptedAnswer): Promise<HttpCollector> {
      const c = await startHttpCollector(success);
      closing.push(c);
      c.decide = (req) => {
        const fault = plan.faults.shift();
        if (fault) return fault;
        const { uids, poisoned } = uidsOf(req);
        if (poisoned >= 0) return refuse(poisoned);
        for (const uid of uids) plan.accepted.add(uid);
        return success;
      };
      return c;
    }

    async function runPlanned(type: 'splunk-hec' | 'otlp-logs', c: HttpCollector, plan: Plan, config: Record<string, unknown>): Promise<void> {
      const siem = service();
      const sink = await siem.create(caller, { name: type, type, config: { url: c.url, allowPrivateHost: true, timeoutMs: 300, ...config } });
      await record(10);
      await record(1, () => 'poison');
      await record(10);
      plan.faults.push('hang', { status: 503 }, 'cut', { status: 500 });
      siem.start();
      const trail = await trailAfter(sink.cursor);
      const poison = (await services.audit.sealedAfter(sink.cursor, 100_000)).find((r) => r.event.message === 'poison')!.event.metadata.uid;
      await until(async () => (await trailAfter(sink.cursor)).every((uid) => uid === poison || plan.accepted.has(uid)), 'every event but the refused one');
      await until(async () => (await siem.deadLetters(sink.id)).items.length > 0, 'the dead letter');
      const dead = (await siem.deadLetters(sink.id)).items;
      expect(dead.map((d) => d.uid)).toEqual([poison]);
      expect(plan.accepted.has(poison)).toBe(false);
      expect(trail.filter((uid) => uid !== poison).every((uid) => plan.accepted.has(uid))).toBe(true);
      expect(plan.faults).toEqual([]);
    }

    it('Splunk HEC: every event through a hang, 503, a cut connection and 500; the event HEC refuses is the one dead letter', async () => {
      const plan: Plan = { faults: [], accepted: new Set() };
      const lines = (req: RecordedRequest) => req.body.split('\n').map((l) => JSON.parse(l) as { event: { message: string }; fields: { event_uid: string } });
      const c = await plannedCollector(
        plan,
        (req) => ({ uids: lines(req).map((l) => l.fields.event_uid), poisoned: lines(req).findIndex((l) => l.event.message === 'poison') }),
        (index) => ({ status: 400, body: { text: 'Invalid data format', code: 6, 'invalid-event-number': index } }),
        { status: 200, body: { text: 'Success', code: 0 } },
      );
      await runPlanned('splunk-hec', c, plan, { tokenSecret: 'hec-token' });
      expect(new Set(c.requests.map((r) => r.headers.authorization))).toEqual(new Set([`Splunk ${token}`]));
    });

    it('OTLP logs: every event through the same faults; the record a collector rejects is the one dead letter', async () => {
      const plan: Plan = { faults: [], accepted: new Set() };
      type Rec = { body: { kvlistValue: { values: { key: string; value: { stringValue?: string } }[] } }; attributes: { key: string; value: { stringValue?: string } }[] };
      const records = (req: RecordedRequest) => (JSON.parse(req.body) as { resourceLogs: { scopeLogs: { logRecords: Rec[] }[] }[] }).resourceLogs[0]!.scopeLogs[0]!.logRecords;
      const uidOf = (r: Rec) => r.attributes.find((a) => a.key === 'event.uid')!.value.stringValue!;
      const messageOf = (r: Rec) => r.body.kvlistValue.values.find((v) => v.key === 'message')!.value.stringValue;
      const c = await plannedCollector(
        plan,
        (req) => ({ uids: records(req).map(uidOf), poisoned: records(req).findIndex((r) => messageOf(r) === 'poison') }),
        () => ({ status: 200, body: { partialSuccess: { rejectedLogRecords: '1', errorMessage: 'record refused' } } }),
        { status: 200, body: {} },
      );
      await runPlanned('otlp-logs', c, plan, {});
    });
  });
}
