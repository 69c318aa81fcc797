/**
 * A gateway call through an http connector, traced and measured: the upstream receives a
 * `traceparent` naming the gateway's client span, which is a child of the call's server span
 * in the caller's trace; the call's audit event (written in a later batch) keeps that trace id;
 * and the call and its upstream part are counted by connector, kind and outcome.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { accessToken, approvedApp, putSecret, startGatewayFixture, type GatewayFixture } from '../../test/gateway-fixture.ts';
import { appYaml, yaml } from '../../test/leave-requests.ts';
import { startTestCollector, type TestCollector } from './test-collector.ts';

const connector = (port: number) => `apiVersion: trellis.dev/v1
kind: Connector
metadata:
  name: crm
spec:
  type: http
  owner: group:sales
  connection:
    baseUrl: http://127.0.0.1:${port}/api
    allowPrivateHost: true
    auth: { type: header, name: X-Api-Key, secret: crm-key }
  resources:
    - name: contacts
      path: /v1/contacts
      fields: [{ name: id }, { name: name, tags: [pii.name] }]
`;

const crmApp = appYaml.replace('name: leave-requests', 'name: crm-traced').replace(
  / {2}connectors:[\s\S]*? {2}exports:[\s\S]*?(?= {2}egress:)/,
  `  connectors:
    - name: crm
      resources:
        - { name: contacts, fields: [id, name], access: read }
`,
);

const traceId = '5c7d3a1f9e2b4c6d8a0f1e3b5d7c9a2e';
const callerSpan = '1a2b3c4d5e6f7081';

describe.each(testDatabases)('a traced gateway call on $name', (tdb) => {
  let f: GatewayFixture;
  let upstream: Server;
  let collector: TestCollector;
  const seen: IncomingHttpHeaders[] = [];
  let token: string;

  beforeAll(async () => {
    collector = await startTestCollector();
    upstream = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ id: 1, name: 'Dora Buyer', internal: 'x' }]));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    f = await startGatewayFixture(tdb, { settings: { otelExporterEndpoint: collector.url } });
    await putSecret(f.t, 'crm-key', 'crm-key-value-3e8a1c');
    const applied = await f.t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: connector((upstream.address() as AddressInfo).port) });
    expect(applied.statusCode, applied.body).toBeLessThan(300);
    await f.t.services.gateway.refreshConnectors();
    token = await accessToken(f.t, await approvedApp(f.t, crmApp, 'crm-traced'), { audience: 'trellis:connector:crm' });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
    await new Promise((r) => upstream?.close(r));
    await collector?.close();
  });

  it('passes the trace to the upstream, keeps it in the call event, and counts the call', async () => {
    const res = await f.call({ method: 'GET', url: '/gw/v1/crm/http/v1/contacts', headers: { traceparent: `00-${traceId}-${callerSpan}-01` } }, token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([{ id: 1, name: 'Dora Buyer' }]);

    // The upstream was called inside the gateway's client span, in the caller's trace.
    const sent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(seen.at(-1)?.traceparent));
    expect(sent?.[1]).toBe(traceId);
    await f.t.services.tracing.flush();
    const client = collector.spans.find((s) => s.spanId === sent![2])!;
    expect(client).toMatchObject({ name: 'gateway.upstream http', kind: 3, traceId });
    const server = collector.spans.find((s) => s.spanId === client.parentSpanId)!;
    expect(server).toMatchObject({ name: 'GET /gw/v1/:connector/http/*', kind: 2, traceId, parentSpanId: callerSpan });

    // The call's event is written in a batch after the response, and still names the call's trace.
    await f.t.services.gateway.flushAudit();
    const events = await f.t.services.audit.list({ limit: 500 });
    const call = events.filter((e) => e.event.metadata.correlation_uid === traceId);
    expect(call.map((e) => e.event.api.operation)).toEqual(expect.arrayContaining(['oauth.token.use', 'gateway.http']));

    const metrics = await f.t.services.metrics.text();
    expect(metrics).toContain('trellis_gateway_call_duration_seconds_count{connector="crm",kind="http",outcome="success"} 1');
    expect(metrics).toContain('trellis_gateway_upstream_duration_seconds_count{connector="crm",kind="http"} 1');
    expect(metrics).toMatch(/trellis_policy_decision_duration_seconds_count\{point="gateway",result="allow"\} [1-9]/);

    // A call to a connector that does not exist is counted, but not under the name it asked for.
    expect((await f.call({ method: 'GET', url: '/gw/v1/no-such-connector-91/http/x' }, token)).statusCode).toBeGreaterThanOrEqual(400);
    const after = await f.t.services.metrics.text();
    expect(after).toMatch(/trellis_gateway_call_duration_seconds_count\{connector="unknown",kind="http",outcome="failure"\} 1/);
    expect(after).not.toContain('no-such-connector-91');
  });
});
