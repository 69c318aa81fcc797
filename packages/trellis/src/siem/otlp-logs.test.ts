import { describe, expect, it } from 'vitest';
import { version } from '../version.ts';
import { anyValue, otlpLogsTransport, traceOf, type OtlpConfig } from './otlp-logs.ts';
import { closedAfterEach, closedPort, deliveryFailure, neverAborted, startHttpCollector, testEvent, testEvents, type HttpCollector } from './test-collectors.ts';
import type { SinkEvent, SinkTransport } from './transport.ts';

const apiKey = 'otlp-api-key-never-in-errors';
const deps = { hostName: 'trellis-1.example', secret: async (name: string) => (name === 'otlp-key' ? apiKey : Promise.reject(new Error(`no secret ${name}`))) };
const signal = neverAborted;

const track = closedAfterEach();

async function collector(): Promise<HttpCollector> {
  const c = await startHttpCollector({ status: 200, body: {} });
  track(c);
  return c;
}

function transport(url: string, over: Partial<OtlpConfig> = {}): SinkTransport {
  const t = otlpLogsTransport.create(otlpLogsTransport.configSchema.parse({ url, allowPrivateHost: true, ...over }), deps);
  track(t);
  return t;
}

interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}
interface LogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: Record<string, unknown>;
  attributes: KeyValue[];
  traceId?: string;
  spanId?: string;
}
interface ExportRequest {
  resourceLogs: { resource: { attributes: KeyValue[] }; scopeLogs: { scope: { name: string; version: string }; logRecords: LogRecord[] }[] }[];
}

/** A collector's reading of OTLP/JSON AnyValue back into plain JSON. */
function plain(v: Record<string, unknown>): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue as string);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return (v.arrayValue as { values: Record<string, unknown>[] }).values.map(plain);
  if ('kvlistValue' in v) return Object.fromEntries((v.kvlistValue as { values: KeyValue[] }).values.map((kv) => [kv.key, plain(kv.value)]));
  return null;
}

const attrs = (list: KeyValue[]) => Object.fromEntries(list.map((kv) => [kv.key, plain(kv.value)]));

describe('OTLP logs', () => {
  it('POSTs an ExportLogsServiceRequest: resource, scope, one record per event with times, severity, body and attributes', async () => {
    const c = await collector();
    const events = [testEvent(1), testEvent(2, { outcome: 'failure', srcIp: '2001:db8::7', details: { rows: 3, ratio: 0.5, tags: ['a'], nested: { ok: true } } })];
    const before = BigInt(Date.now()) * 1_000_000n;
    await transport(c.url, { headers: { 'x-api-key': 'otlp-key' } }).deliver(events, signal());
    expect(c.requests).toHaveLength(1);
    const req = c.requests[0]!;
    expect(req.path).toBe('/v1/logs');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-api-key']).toBe(apiKey);
    const doc = JSON.parse(req.body) as ExportRequest;
    expect(doc.resourceLogs).toHaveLength(1);
    expect(attrs(doc.resourceLogs[0]!.resource.attributes)).toEqual({ 'service.name': 'trellis', 'service.version': version, 'host.name': 'trellis-1.example' });
    const scope = doc.resourceLogs[0]!.scopeLogs[0]!;
    expect(scope.scope).toEqual({ name: 'trellis.audit', version });
    const [r1, r2] = scope.logRecords as [LogRecord, LogRecord];
    expect(r1.timeUnixNano).toBe('1796616000001000000');
    expect(BigInt(r1.observedTimeUnixNano)).toBeGreaterThanOrEqual(before);
    expect([r1.severityNumber, r1.severityText, r2.severityNumber, r2.severityText]).toEqual([9, 'Informational', 13, 'Low']);
    // The body is the OCSF event itself, as a map a collector turns back into the same JSON.
    expect(plain(r1.body)).toEqual(events[0]!.event);
    expect(plain(r2.body)).toEqual(events[1]!.event);
    expect(attrs(r1.attributes)).toEqual({
      'event.uid': events[0]!.uid,
      'log.record.uid': events[0]!.uid,
      'trellis.seq': 1,
      'ocsf.class_uid': 6003,
      'ocsf.class_name': 'API Activity',
      'ocsf.category_uid': 6,
      'ocsf.activity_id': 1,
      'ocsf.type_uid': 600301,
      'ocsf.status': 'Success',
      action: 'app.register',
      'user.id': 'usr_1',
      'user.name': 'alice@example.com',
      'client.address': '10.1.2.3',
    });
    expect(attrs(r2.attributes)['client.address']).toBe('2001:db8::7');
    expect(r1).not.toHaveProperty('traceId');
  });

  it('encodes numbers as OTLP/JSON wants them, and can send the body as JSON text', async () => {
    expect(anyValue({ n: 3, d: 0.25, b: false, z: null, big: 2 ** 60 })).toEqual({
      kvlistValue: {
        values: [
          { key: 'n', value: { intValue: '3' } },
          { key: 'd', value: { doubleValue: 0.25 } },
          { key: 'b', value: { boolValue: false } },
          { key: 'z', value: {} },
          { key: 'big', value: { doubleValue: 2 ** 60 } },
        ],
      },
    });
    const c = await collector();
    const e = testEvent(1);
    await transport(c.url, { body: 'json' }).deliver([e], signal());
    const rec = (JSON.parse(c.requests[0]!.body) as ExportRequest).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(JSON.parse(rec.body.stringValue as string)).toEqual(e.event);
  });

  it('carries a trace id when the event has one, and none when it has not or it is not one', async () => {
    const withTrace = (id: unknown): SinkEvent => {
      const e = testEvent(1);
      return { ...e, event: { ...e.event, metadata: { ...e.event.metadata, correlation_uid: id } as typeof e.event.metadata } };
    };
    expect(traceOf(withTrace('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01').event)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    expect(traceOf(withTrace('4bf92f3577b34da6a3ce929d0e0e4736').event)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    for (const bad of ['00000000000000000000000000000000', 'not-a-trace', 42, undefined]) expect(traceOf(withTrace(bad).event)).toBeUndefined();
    const c = await collector();
    await transport(c.url).deliver([withTrace('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')], signal());
    const rec = (JSON.parse(c.requests[0]!.body) as ExportRequest).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect([rec.traceId, rec.spanId]).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7']);
  });

  it('a partial success with rejected records fails the batch for good, with the collector reason', async () => {
    const c = await collector();
    c.script.push({ status: 200, body: { partialSuccess: { rejectedLogRecords: '2', errorMessage: 'body too large' } } }, { status: 200, body: { partialSuccess: { rejectedLogRecords: 0, errorMessage: 'a warning only' } } });
    const t = transport(c.url);
    const err = await deliveryFailure(t.deliver(testEvents(1, 3), signal()));
    expect(err).toMatchObject({ permanent: true, message: expect.stringContaining('rejected 2 of 3 log records: body too large') as unknown });
    await t.deliver(testEvents(1, 3), signal());
  });

  it('429 and 503 are transient with Retry-After; 400 is permanent; 401 is retried; faults are transient; no secret in any message', async () => {
    const c = await collector();
    c.script.push({ status: 429, headers: { 'retry-after': '3' } }, { status: 503, body: { code: 14, message: 'unavailable' }, headers: { 'retry-after': '5' } }, { status: 400, body: { code: 3, message: 'bad payload' } }, { status: 401 }, 'hang', 'cut');
    const t = transport(c.url, { headers: { authorization: 'otlp-key' }, timeoutMs: 200 });
    const errors = [];
    for (let i = 0; i < 6; i++) errors.push(await deliveryFailure(t.deliver(testEvents(1, 1), signal())));
    expect(errors.map((e) => [e.permanent, e.retryAfterMs])).toEqual([
      [false, 3000],
      [false, 5000],
      [true, undefined],
      [false, undefined],
      [false, undefined],
      [false, undefined],
    ]);
    expect(errors[2]!.message).toContain('HTTP 400 (bad payload)');
    expect(errors[4]!.message).toContain('egress_timeout');
    for (const e of errors) expect(e.message).not.toContain(apiKey);
    const refused = await deliveryFailure(transport(`http://127.0.0.1:${await closedPort()}`).deliver(testEvents(1, 1), signal()));
    expect(refused.permanent).toBe(false);
  });

  it('validates its configuration', () => {
    const problems = (c: Record<string, unknown>) => (otlpLogsTransport.configSchema.safeParse(c).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ url: 'https://otel.example.com:4318', headers: { authorization: 'otlp-key' } })).toEqual([]);
    expect(otlpLogsTransport.configSchema.parse({ url: 'https://otel.example.com' })).toEqual({ url: 'https://otel.example.com', body: 'map', allowPrivateHost: false, timeoutMs: 10_000 });
    expect(problems({ url: 'http://otel.example.com:4318' })).toEqual(['url: must be an https: URL (http: only with allowPrivateHost)']);
    expect(problems({ url: 'https://otel.example.com', headers: { 'Content-Type': 'x' } })).toEqual(['headers.Content-Type: is set by Trellis and cannot be configured']);
    expect(problems({ url: 'https://otel.example.com', headers: { authorization: 'Bearer abc' } })).toHaveLength(1);
    expect(problems({ url: 'ftp://otel.example.com' })).toEqual(['url: must be an https: URL, not ftp:']);
  });
});
