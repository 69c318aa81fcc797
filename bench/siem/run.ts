/**
 * SIEM delivery throughput: a trail of `--events` audit events delivered by the sink worker to
 * an ocsf-http receiver on loopback (which parses every batch) and to a jsonl-file sink (fsync
 * per batch), beside a baseline that POSTs the same JSON batches straight to the same receiver
 * with node:http (no trail reads, no cursor commits, no egress checks). Prints JSON with events/s
 * and the worker/baseline ratio per storage.
 * `npx tsx bench/siem/run.ts [--events 20000] [--batch 500] [--db sqlite|postgres|both]`
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../../packages/trellis/src/services.ts';
import { systemActor } from '../../packages/trellis/src/auth/index.ts';
import { SiemService } from '../../packages/trellis/src/siem/service.ts';
import { startOcsfReceiver, type OcsfReceiver } from '../../packages/trellis/src/siem/test-receiver.ts';
import { openBenchDatabase, type BenchDbKind } from '../support/databases.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '20000' }, batch: { type: 'string', default: '500' }, db: { type: 'string', default: 'both' } } });
const events = Number(values.events);
const batch = Number(values.batch);
const kinds: BenchDbKind[] = values.db === 'both' ? ['sqlite', 'postgres'] : [values.db as BenchDbKind];
const caller = { actor: systemActor };

function post(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor(cond: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await cond())) await new Promise((r) => setTimeout(r, 5));
}

async function runOne(kind: BenchDbKind): Promise<Record<string, unknown>> {
  const bench = await openBenchDatabase(kind, 'siem');
  const services = await createServices(bench.database);
  const dir = mkdtempSync(join(tmpdir(), 'bench-siem-'));
  let receiver: OcsfReceiver | undefined;
  const siem = new SiemService(bench.database, services.audit, services.secrets, { pollIntervalMs: 5 });
  try {
    for (let i = 0; i < events; i += 1000) {
      await services.audit.appendDetached(Array.from({ length: Math.min(1000, events - i) }, (_, k) => ({ class: 'api_activity' as const, activity: 'read' as const, action: 'bench.event', actor: systemActor, outcome: 'success' as const, message: `bench event ${i + k}`, resources: [{ type: 'app', id: 'bench-app' }] })));
    }
    const head = (await services.audit.head()).seq;
    receiver = await startOcsfReceiver();
    const r = receiver;

    // Baseline: the same batches, read once, POSTed directly.
    const all = await services.audit.sealedAfter(0, head);
    const bodies: string[] = [];
    for (let i = 0; i < all.length; i += batch) bodies.push(JSON.stringify(all.slice(i, i + batch).map((x) => x.event)));
    let t = performance.now();
    for (const b of bodies) await post(r.url, b);
    const baselineMs = performance.now() - t;
    r.acknowledged.length = 0;

    const http = await siem.create(caller, { name: 'bench-http', type: 'ocsf-http', config: { url: r.url, allowPrivateHost: true, batchSize: batch }, start: 'beginning' });
    t = performance.now();
    siem.start();
    await waitFor(() => r.acknowledged.reduce((n, b) => n + b.events.length, 0) >= head);
    const httpMs = performance.now() - t;
    await siem.update(caller, http.id, { enabled: false });

    await siem.create(caller, { name: 'bench-file', type: 'jsonl-file', config: { path: join(dir, 'audit.jsonl'), batchSize: batch }, start: 'beginning' });
    t = performance.now();
    await waitFor(async () => (await siem.status()).find((s) => s.name === 'bench-file')!.cursor >= head);
    const fileMs = performance.now() - t;

    const rate = (ms: number) => Math.round((head / ms) * 1000);
    return { db: kind, events: head, batch, baseline_http_per_s: rate(baselineMs), worker_http_per_s: rate(httpMs), worker_jsonl_per_s: rate(fileMs), http_ratio: Number((baselineMs / httpMs).toFixed(2)) };
  } finally {
    await siem.stop();
    await receiver?.close();
    await services.audit.stop();
    await bench.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const kind of kinds) results.push(await runOne(kind));
process.stdout.write(JSON.stringify({ bench: 'siem', results }, null, 2) + '\n');
