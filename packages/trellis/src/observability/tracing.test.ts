/**
 * Traces of one request as an OTLP collector on loopback receives them: the server span is a
 * child of the caller's `traceparent` and keeps its trace id, the policy decision and the
 * database statements are its children, and the audit event and the log line of that request
 * carry the same trace id. Without an endpoint nothing is traced at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { loadConfig } from '../config.ts';
import { startTestCollector, type TestCollector } from './test-collector.ts';

const SERVER = 2;
const CLIENT = 3;
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpan = '00f067aa0ba902b7';

describe.each(testDatabases)('traces on $name', (tdb) => {
  let c: TestCollector;
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    c = await startTestCollector();
    t = await makeTestApp(tdb, {}, { otelExporterEndpoint: c.url }, { level: 'info', write: (l) => void lines.push(l) });
  });
  afterAll(async () => {
    await t?.close();
    await c?.close();
  });

  it("continues the caller's trace: server span, policy and store children, the audit event and the log line", async () => {
    const res = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/apps',
      headers: { traceparent: `00-${traceId}-${callerSpan}-01`, tracestate: 'vendor=1' },
      payload: { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'traced-app' }, spec: { owner: 'ann@example.com' } },
    });
    expect(res.statusCode).toBe(201);
    // The response names the server span, in the caller's trace.
    const [, resTrace, serverSpanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(String(res.headers.traceparent))!;
    expect(resTrace).toBe(traceId);

    await t.services.tracing.flush();
    const ours = c.spans.filter((s) => s.traceId === traceId);
    const server = ours.find((s) => s.spanId === serverSpanId)!;
    expect(server).toMatchObject({ name: 'POST /api/v1/apps', kind: SERVER, parentSpanId: callerSpan });
    expect(server.attributes).toContainEqual({ key: 'http.route', value: { stringValue: '/api/v1/apps' } });
    expect(server.attributes).toContainEqual({ key: 'http.response.status_code', value: { intValue: 201 } });
    const children = ours.filter((s) => s.parentSpanId === serverSpanId);
    expect(children.find((s) => s.name === 'policy.decide')?.attributes).toContainEqual({ key: 'trellis.policy.point', value: { stringValue: 'admission' } });
    const store = children.filter((s) => s.name.startsWith('db.'));
    expect(store.map((s) => s.name)).toEqual(expect.arrayContaining(['db.select', 'db.insert']));
    for (const s of store) expect(s.kind).toBe(CLIENT);
    // No statement text or parameters in a span.
    expect(JSON.stringify(ours)).not.toContain('ann@example.com');
    expect(c.requests.every((p) => p.startsWith('POST /v1/traces application/json'))).toBe(true);
    // Statements outside traced work (the pollers of other modules) start no trace of their own.
    expect(c.spans.filter((s) => s.name.startsWith('db.') && !s.parentSpanId)).toEqual([]);

    // The audit event of the change carries the trace id (OCSF metadata.correlation_uid).
    const events = await t.services.audit.list({ limit: 100 });
    const registered = events.filter((e) => e.event.metadata.correlation_uid === traceId);
    expect(registered.length).toBeGreaterThan(0);
    expect(registered.map((e) => e.event.api.operation)).toContain('app.register');
    // Events made outside any request (the policy pack's activation at start) carry none.
    expect(events.filter((e) => e.event.metadata.correlation_uid === undefined).length).toBeGreaterThan(0);

    // The request's log line too.
    const logged = lines.map((l) => JSON.parse(l) as { msg?: string; path?: string; trace_id?: string; span_id?: string }).filter((l) => l.path === '/api/v1/apps');
    expect(logged.length).toBeGreaterThan(0);
    for (const l of logged) expect(l).toMatchObject({ trace_id: traceId, span_id: serverSpanId });
  });

  it('starts a new trace for a request without traceparent, and ignores a malformed one', async () => {
    for (const headers of [{}, { traceparent: 'not-a-traceparent' }, { traceparent: `00-${'0'.repeat(32)}-${callerSpan}-01` }]) {
      const res = await t.as('admin', { method: 'GET', url: '/api/v1/apps', headers });
      expect(res.statusCode).toBe(200);
      const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(res.headers.traceparent));
      expect(m).not.toBeNull();
      expect(m![1]).not.toBe(traceId);
      expect(m![1]).not.toBe('0'.repeat(32));
      await t.services.tracing.flush();
      expect(c.spans.find((s) => s.spanId === m![2])).toMatchObject({ name: 'GET /api/v1/apps', kind: SERVER });
      expect(c.spans.find((s) => s.spanId === m![2])?.parentSpanId ?? '').toBe('');
    }
  });
});

describe.each(testDatabases)('without an OTLP endpoint on $name', (tdb) => {
  it('records no spans and sends no traceparent', async () => {
    const t = await makeTestApp(tdb);
    try {
      expect(t.services.tracing.enabled).toBe(false);
      const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers.traceparent).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe('tracing and metrics settings', () => {
  it("reads TRELLIS_OTEL_EXPORTER_ENDPOINT, else OpenTelemetry's OTEL_EXPORTER_OTLP_ENDPOINT, and the metrics settings", () => {
    expect(loadConfig({}, { env: {} })).toMatchObject({ otelExporterEndpoint: '', metricsToken: '', metricsPort: 0 });
    expect(loadConfig({}, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' } }).otelExporterEndpoint).toBe('http://collector:4318');
    const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', TRELLIS_OTEL_EXPORTER_ENDPOINT: 'https://otel.example.com', TRELLIS_METRICS_TOKEN: 'tok', TRELLIS_METRICS_PORT: '9464' };
    expect(loadConfig({}, { env: both })).toMatchObject({ otelExporterEndpoint: 'https://otel.example.com', metricsToken: 'tok', metricsPort: 9464 });
    expect(() => loadConfig({}, { env: { TRELLIS_OTEL_EXPORTER_ENDPOINT: 'collector:4318' } })).toThrow(/configuration is not valid/);
    expect(() => loadConfig({}, { env: { TRELLIS_METRICS_PORT: '70000' } })).toThrow(/configuration is not valid/);
  });
});
