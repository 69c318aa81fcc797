/**
 * /metrics after real traffic (route patterns, statuses, decisions, DLP, queues, process
 * metrics) and its protection: no token, a wrong token, an API token without the permission,
 * the scrape token, an API token with it; and the separate metrics port that serves nothing else.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeTestApp, type TestApp } from '../../test/app.ts';
import { Metrics } from './metrics.ts';

const scrapeToken = 'scrape-7f3a9c2e51d84b60a1e0';

/** A port nothing listens on right now (the listener binds it a moment later). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The value of one series in exposition text (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const m = /^([^{\s]+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('docs/observability.md', () => {
  it('documents every metric Trellis registers, and no other', async () => {
    const metrics = new Metrics();
    metrics.auditAppends(() => 0);
    metrics.sinkLag(async () => []);
    metrics.ledger(async () => ({ checkpointSize: 0, checkpointAt: null, sealed: 0, witnesses: [] }));
    const registered = metrics.registry.getMetricsAsArray().map((m) => m.name).filter((n) => n.startsWith('trellis_')).sort();
    const doc = readFileSync(new URL('../../../../docs/observability.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(trellis_[a-z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(registered);
  });
});

describe.each(testDatabases)('/metrics on $name', (tdb) => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    t = await makeTestApp(tdb, {}, { metricsToken: scrapeToken, metricsPort: port });
  });
  afterAll(async () => {
    await t?.close();
  });

  const scrape = (authorization?: string) => t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });

  it('counts requests by route pattern and status, decisions by point, DLP scans by detector type', async () => {
    expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps' })).statusCode).toBe(200);
    expect((await t.as('viewer', { method: 'GET', url: '/api/v1/apps/no-such-app-4711' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/apps' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/no/route/here?q=secret' })).statusCode).toBe(404);
    for (let i = 0; i < 3; i++) {
      const r = await t.as('builder', { method: 'POST', url: '/api/v1/policy/eval', payload: { point: 'admission', input: { owner: 'a@corp.test', connectors: [] } } });
      expect(r.statusCode).toBe(200);
    }
    const scan = await t.as('builder', { method: 'POST', url: '/api/v1/dlp/scan', payload: { text: 'mail jane.doe@corp-mail.net, card 4539 1488 0343 6467' } });
    expect(scan.statusCode).toBe(200);

    const res = await scrape(`Bearer ${scrapeToken}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    const count = (labels: Record<string, string>) => sample(text, 'trellis_http_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/api/v1/apps', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: '/api/v1/apps', status: '401' })).toBe(1);
    // The pattern, never the URL: the app name asked for is not a label value.
    expect(count({ method: 'GET', route: '/api/v1/apps/:name', status: '404' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toContain('no-such-app-4711');
    expect(text).not.toContain('/no/route/here');
    expect(count({ method: 'POST', route: '/api/v1/policy/eval', status: '200' })).toBe(3);
    expect(sample(text, 'trellis_policy_decision_duration_seconds_count', { point: 'admission' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'trellis_policy_decision_duration_seconds_bucket', { point: 'admission', le: '+Inf' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'trellis_dlp_scanned_bytes_total', { surface: 'api' })).toBe(Buffer.byteLength('mail jane.doe@corp-mail.net, card 4539 1488 0343 6467'));
    const entities = scan.json<{ findings: { entity: string }[] }>().findings.map((f) => f.entity);
    expect(entities.length).toBe(2);
    for (const entity of entities) expect(sample(text, 'trellis_dlp_findings_total', { surface: 'api', entity }), entity).toBe(1);
    expect(sample(text, 'trellis_audit_events_appended_total', {})).toBeGreaterThan(0);
    expect(sample(text, 'trellis_queue_size', { queue: 'audit_records' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'trellis_queue_size', { queue: 'gateway_audit' })).toBeGreaterThanOrEqual(0);
    // Process metrics, in this app's own registry.
    expect(sample(text, 'process_cpu_user_seconds_total', {})).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes', {})).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
  });

  it("reports each SIEM sink's lag and dead letters", async () => {
    // Disabled, so nothing is delivered: its lag is the whole trail from the beginning.
    const dir = mkdtempSync(join(tmpdir(), 'trellis-metrics-'));
    const sink = await t.as('admin', { method: 'POST', url: '/api/v1/audit/sinks', payload: { name: 'lagging', type: 'jsonl-file', config: { path: join(dir, 'events.jsonl') }, start: 'beginning', enabled: false } });
    expect(sink.statusCode, sink.body).toBe(201);
    const head = (await t.services.audit.head()).seq;
    const text = (await scrape(`Bearer ${scrapeToken}`)).body;
    expect(sample(text, 'trellis_siem_sink_lag_events', { sink: 'lagging' })).toBeGreaterThanOrEqual(head);
    expect(sample(text, 'trellis_siem_sink_oldest_undelivered_seconds', { sink: 'lagging' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'trellis_siem_sink_dead_letters', { sink: 'lagging' })).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports the audit ledger's newest checkpoint and what it does not cover yet", async () => {
    await t.services.auditLedger.checkpoint({ force: true });
    const covered = (await t.services.auditLedger.latest())!.tree_size;
    await t.as('admin', { method: 'GET', url: '/api/v1/tokens' });
    const text = (await scrape(`Bearer ${scrapeToken}`)).body;
    expect(sample(text, 'trellis_audit_checkpoint_tree_size', {})).toBe(covered);
    expect(sample(text, 'trellis_audit_checkpoint_age_seconds', {})).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'trellis_audit_checkpoint_age_seconds', {})).toBeLessThan(60);
    expect(sample(text, 'trellis_audit_unanchored_events', {})).toBe((await t.services.audit.head()).seq - covered);
  });

  it('refuses a scrape without a token, with a wrong one and with an API token that lacks the permission', async () => {
    const none = await scrape();
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(none.json()).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await scrape(`Bearer ${scrapeToken}x`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'unauthenticated' });
    expect(wrong.body).not.toContain(scrapeToken);
    // Refusals are audited like the route guard's, never with the token presented.
    const fails = (await t.services.audit.list({ action: 'auth.fail', limit: 100 })).filter((e) => (e.event.unmapped as { route?: string } | undefined)?.route === '/metrics');
    expect(fails.length).toBeGreaterThan(0);
    expect(JSON.stringify(fails)).not.toContain(scrapeToken);
    const viewer = await scrape(`Bearer ${t.tokens.viewer}`);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json()).toMatchObject({ code: 'forbidden' });
    for (const role of ['admin', 'auditor'] as const) {
      const ok = await scrape(`Bearer ${t.tokens[role]}`);
      expect(ok.statusCode, role).toBe(200);
      expect(ok.body, role).toContain('trellis_http_request_duration_seconds');
    }
  });

  it('throttles repeated failures from one address with 429, and still lets the scrape token through', async () => {
    const limited = await makeTestApp(tdb, { authFailureLimit: 3 }, { metricsToken: scrapeToken, authFailureLimit: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer guess-${i}` } })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const blocked = await limited.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer guess-5' } });
      expect(blocked.json()).toMatchObject({ code: 'rate_limited' });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await limited.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${scrapeToken}` } })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('serves /metrics, and only /metrics, on the separate metrics port', async () => {
    const base = `http://127.0.0.1:${port}`;
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${scrapeToken}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('trellis_http_request_duration_seconds_count{method="GET",route="/api/v1/apps",status="200"}');
    const none = await fetch(`${base}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'unauthenticated' });
    const api = await fetch(`${base}/api/v1/apps`, { headers: { authorization: `Bearer ${t.tokens.admin}` } });
    expect(api.status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${scrapeToken}` } })).status).toBe(405);
  });
});
