/**
 * A paced load for bench/gateway/run.ts: requests sent at a fixed rate (open loop, over
 * keep-alive connections), each one's latency measured in microseconds from the moment it was
 * sent (autocannon reports whole milliseconds, too coarse for "adds under 1 ms at p99"). The
 * schedule does not wait for answers, so a slow server meets the same load as a fast one. Runs
 * as a child process and prints JSON.
 *
 *   node --import tsx bench/gateway/paced.ts '<json: {url, method, headers, body, rate, seconds, connections}>'
 */
import http from 'node:http';

interface Paced {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  rate: number;
  seconds: number;
  connections: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Paced;
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
const url = new URL(spec.url);
const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
const headers = { ...spec.headers, ...(body ? { 'content-length': String(body.length) } : {}) };

function one(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: spec.method, headers, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

const latencies: number[] = [];
let errors = 0;
const total = Math.round(spec.rate * spec.seconds);
const intervalNs = 1e9 / spec.rate;
// A short warm-up on every connection, not measured.
await Promise.all(Array.from({ length: spec.connections }, one));
const start = process.hrtime.bigint();
const pending: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  const due = start + BigInt(Math.round(i * intervalNs));
  const wait = Number(due - process.hrtime.bigint()) / 1e6;
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const sent = process.hrtime.bigint();
  pending.push(
    one().then((ok) => {
      if (!ok) errors++;
      latencies.push(Number(process.hrtime.bigint() - sent) / 1000);
    }),
  );
}
await Promise.all(pending);
latencies.sort((a, b) => a - b);
const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!) / 1000;
console.log(JSON.stringify({ requests: latencies.length, errors, p50_ms: at(0.5), p90_ms: at(0.9), p99_ms: at(0.99), max_ms: at(1) }));
agent.destroy();
