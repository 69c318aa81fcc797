/**
 * The gateway under load (autocannon, in a child process, keep-alive connections on loopback):
 * a 50-row read of a postgres connector and a 50-record GET of an http connector, each through
 * the gateway and directly — the same SELECT through node-postgres behind a bare Fastify route,
 * and the upstream HTTP server itself — alternating round by round in one run; through the
 * gateway both as the app itself (its restricted classification sees every field: the DLP step
 * runs but changes nothing) and for a person without clearance (e-mails and names masked).
 * Trellis' own storage is SQLite or PostgreSQL (`--db`). Two measures, as issue 13 states its
 * targets: saturation (autocannon, as fast as the connections go: requests/s and the
 * gateway/direct ratio, target ≥ 0.7) and latency at moderate load (paced.ts: a fixed rate,
 * `--rate` requests/s, latency in µs: the p99 the gateway adds over the direct call, target < 1 ms).
 * Prints JSON: medians over the rounds.
 *
 *   npx tsx bench/gateway/run.ts [--rounds 3] [--seconds 3] [--connections 8] [--rate 300] [--paced-seconds 10] [--db sqlite|postgres]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { systemActor } from '../../packages/trellis/src/auth/index.ts';
import { accessToken, approvedApp, hrDatabaseUrl, putSecret, startGatewayFixture } from '../../packages/trellis/test/gateway-fixture.ts';
import { appYaml, yaml } from '../../packages/trellis/test/leave-requests.ts';
import { openBenchDatabase, type BenchDbKind } from '../support/databases.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '3' }, connections: { type: 'string', default: '8' }, rate: { type: 'string', default: '300' }, 'paced-seconds': { type: 'string', default: '10' }, db: { type: 'string', default: 'sqlite' } } });
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const rate = Number(args.rate);
// Long enough for a p99 of thousands of requests: at 300/s, three seconds put the p99 on the ninth-worst call.
const pacedSeconds = Number(args['paced-seconds']);
const pacedScript = new URL('./paced.ts', import.meta.url).pathname;
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Load {
  /** The server under test runs in this other process (else in this one). */
  serverPid?: number;
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}
interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU of this process (every thread) per request served: the server's cost, whatever the machine's other load. */
  cpuUs: number;
  /** Time the event loop was busy per request: the part that caps one process's rate. */
  loopUs: number;
}

/**
 * One autocannon run in a child process (so the load generator does not share the server's
 * event loop), with this process's CPU and event-loop time over the run: the servers under test
 * (gateway, bare route, http upstream) all live here, and only one is loaded at a time.
 */
async function load(l: Load): Promise<Measured> {
  const cpu0 = process.cpuUsage();
  const loop0 = performance.eventLoopUtilization();
  const other0 = l.serverPid ? processCpuUs(l.serverPid) : 0;
  const m = await autocannon(l);
  const cpu = process.cpuUsage(cpu0);
  const loop = performance.eventLoopUtilization(loop0);
  const served = Math.max(1, m.rps * seconds);
  // A server in another process (the http upstream, called directly) is measured from /proc.
  const cpuUs = l.serverPid ? processCpuUs(l.serverPid) - other0 : cpu.user + cpu.system;
  return { ...m, cpuUs: Math.round(cpuUs / served), loopUs: l.serverPid ? Math.round(cpuUs / served) : Math.round((loop.active * 1000) / served) };
}

/** User and system CPU of a process so far, in µs (Linux: /proc/<pid>/stat, in clock ticks of 10 ms). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function autocannon(l: Load): Promise<Omit<Measured, 'cpuUs' | 'loopUs'>> {
  const argv = [autocannonBin, '-j', '-c', String(connections), '-d', String(seconds), '-m', l.method];
  for (const [k, v] of Object.entries(l.headers ?? {})) argv.push('-H', `${k}=${v}`);
  if (l.body) argv.push('-b', l.body);
  argv.push(l.url);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
      } catch (err) {
        reject(new Error(`autocannon: ${(err as Error).message}: ${out.slice(0, 300)}`));
      }
    });
  });
}

interface PacedResult {
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/** One paced run (paced.ts) in a child process: latency in µs at `rate` requests/s. */
function paced(l: Load): Promise<PacedResult> {
  const spec = JSON.stringify({ ...l, rate, seconds: pacedSeconds, connections });
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', tsxLoader, pacedScript, spec], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', () => {
      try {
        const r = JSON.parse(out) as PacedResult;
        resolve({ p50_ms: r.p50_ms, p99_ms: r.p99_ms, errors: r.errors });
      } catch (err) {
        reject(new Error(`paced: ${(err as Error).message}: ${out.slice(0, 300)}`));
      }
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function summary(runs: Measured[]) {
  return {
    rps: Math.round(median(runs.map((r) => r.rps))),
    p50_ms: median(runs.map((r) => r.p50)),
    p99_ms: median(runs.map((r) => r.p99)),
    cpu_us_per_request: median(runs.map((r) => r.cpuUs)),
    event_loop_us_per_request: median(runs.map((r) => r.loopUs)),
    errors: runs.reduce((n, r) => n + r.errors + r.non2xx, 0),
  };
}

/**
 * The SaaS API an http connector calls: a server of its own, in its own process, as an upstream
 * is — in this one it would share the gateway's event loop, and every gateway call would pay for
 * the upstream's work too. It answers 50 records from memory, checking the API key.
 */
async function startUpstream(): Promise<{ port: number; pid: number; stop(): void }> {
  const source = `
    const contacts = ${JSON.stringify(contacts)};
    const server = require('node:http').createServer((req, res) => {
      if (req.headers['x-api-key'] !== 'bench-key-0123456789') return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(contacts));
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (c: Buffer) => resolve(Number(c.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the upstream exited (${code})`)));
  });
  return { port, pid: child.pid!, stop: () => child.kill() };
}

const contacts = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `Contact ${i + 1}`, email: `contact${i + 1}@customer.example`, phone: '+1 555 0100', score: i }));
const crmYaml = (port: number) => `apiVersion: trellis.dev/v1
kind: Connector
metadata: { name: crm }
spec:
  type: http
  owner: group:sales
  connection: { baseUrl: 'http://127.0.0.1:${port}', allowPrivateHost: true, auth: { type: header, name: X-Api-Key, secret: crm-key } }
  resources:
    - name: contacts
      path: /contacts
      fields: [{ name: id }, { name: name, tags: [pii.name] }, { name: email, tags: [pii.email] }, { name: score }]
`;
const crmApp = appYaml.replace('name: leave-requests', 'name: crm-bench').replace(/ {2}connectors:[\s\S]*? {2}exports:[\s\S]*?(?= {2}egress:)/, '  connectors:\n    - name: crm\n      resources:\n        - { name: contacts, fields: [id, name, email, score], access: read }\n');

async function main(kind: BenchDbKind) {
  const bench = { name: kind, open: async () => (await openBenchDatabase(kind, 'gateway')).database } as const;
  const f = await startGatewayFixture(bench as never);
  const pool = new pg.Pool({ connectionString: hrDatabaseUrl, max: 10 });
  const upstream = await startUpstream();
  const bare = Fastify({ logger: false });
  try {
    // 50 rows to read (the fixture has 3) and quotas out of the way.
    for (let id = 4; id <= 60; id++) await pool.query(`insert into ${f.schema}.employees (id, name, email, department, leave_balance) values ($1, $2, $3, 'Finance', 10)`, [id, `Person ${id}`, `person${id}@example.com`]);
    const upstreamPort = upstream.port;
    await putSecret(f.t, 'crm-key', 'bench-key-0123456789');
    await f.t.as('admin', { method: 'POST', url: '/api/v1/connectors', headers: yaml, payload: crmYaml(upstreamPort) });
    await f.t.services.gateway.refreshConnectors();
    const crm = await approvedApp(f.t, crmApp, 'crm-bench');
    const big = { requests_per_minute: 1e12, records_per_day: 1e15, bytes_per_day: 1e15 };
    for (const app of ['leave-requests', 'crm-bench']) await f.t.as('admin', { method: 'PUT', url: `/api/v1/gateway/quotas/${app}`, payload: big });
    const person = (await f.t.services.tokens.create(systemActor, { name: 'bench-person', role: 'viewer', subject: 'user:bench@example.com' })).token;
    const exchange = { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: person, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' };
    const tokens = { hrApp: f.token, hrPerson: await accessToken(f.t, f.app, exchange), crmApp: await accessToken(f.t, crm), crmPerson: await accessToken(f.t, crm, exchange) };

    const sql = `SELECT "id", "name", "email", "leave_balance" FROM "${f.schema}"."employees" ORDER BY "id" ASC LIMIT 51`;
    bare.post('/direct', async () => ({ rows: (await pool.query(sql)).rows.slice(0, 50) }));
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const barePort = (bare.server.address() as AddressInfo).port;
    await f.t.app.listen({ host: '127.0.0.1', port: 0 });
    const gwPort = (f.t.app.server.address() as AddressInfo).port;

    const queryBody = JSON.stringify({ fields: ['id', 'name', 'email', 'leave_balance'], order: [{ field: 'id', dir: 'asc' }], limit: 50 });
    const json = { 'content-type': 'application/json' };
    const loads: Record<string, Load> = {
      pg_direct: { url: `http://127.0.0.1:${barePort}/direct`, method: 'POST', headers: json, body: '{}' },
      pg_gateway: { url: `http://127.0.0.1:${gwPort}/gw/v1/hr/employees/query`, method: 'POST', headers: { ...json, authorization: `Bearer ${tokens.hrApp}` }, body: queryBody },
      pg_gateway_dlp: { url: `http://127.0.0.1:${gwPort}/gw/v1/hr/employees/query`, method: 'POST', headers: { ...json, authorization: `Bearer ${tokens.hrPerson}` }, body: queryBody },
      http_direct: { serverPid: upstream.pid, url: `http://127.0.0.1:${upstreamPort}/contacts`, method: 'GET', headers: { 'x-api-key': 'bench-key-0123456789' } },
      http_gateway: { url: `http://127.0.0.1:${gwPort}/gw/v1/crm/http/contacts`, method: 'GET', headers: { authorization: `Bearer ${tokens.crmApp}` } },
      http_gateway_dlp: { url: `http://127.0.0.1:${gwPort}/gw/v1/crm/http/contacts`, method: 'GET', headers: { authorization: `Bearer ${tokens.crmPerson}` } },
    };
    // Check every load answers 200 with 50 records before measuring.
    for (const [name, l] of Object.entries(loads)) {
      const r = await fetch(l.url, { method: l.method, headers: l.headers ?? {}, ...(l.body ? { body: l.body } : {}) });
      const b = (await r.json()) as { rows?: unknown[] } | unknown[];
      const n = Array.isArray(b) ? b.length : (b.rows?.length ?? 0);
      if (r.status !== 200 || n !== 50) throw new Error(`${name}: HTTP ${r.status}, ${n} records`);
    }
    const runs: Record<string, Measured[]> = Object.fromEntries(Object.keys(loads).map((k) => [k, []]));
    const pacedRuns: Record<string, PacedResult[]> = Object.fromEntries(Object.keys(loads).map((k) => [k, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, l] of Object.entries(loads)) runs[name]!.push(await load(l));
      for (const [name, l] of Object.entries(loads)) pacedRuns[name]!.push(await paced(l));
    }
    const s = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, summary(v)]));
    const p = Object.fromEntries(Object.entries(pacedRuns).map(([k, v]) => [k, { p50_ms: median(v.map((r) => r.p50_ms)), p99_ms: median(v.map((r) => r.p99_ms)), errors: v.reduce((n, r) => n + r.errors, 0) }]));
    const ms = (x: number) => Math.round(x * 1000) / 1000;
    const compare = (gw: string, direct: string) => ({
      throughput_ratio: Math.round((s[gw]!.rps / s[direct]!.rps) * 1000) / 1000,
      // The same comparison by the server's own cost, which the machine's other load moves less.
      cpu_ratio: Math.round((s[direct]!.cpu_us_per_request / s[gw]!.cpu_us_per_request) * 1000) / 1000,
      [`added_p50_ms_at_${rate}_rps`]: ms(p[gw]!.p50_ms - p[direct]!.p50_ms),
      [`added_p99_ms_at_${rate}_rps`]: ms(p[gw]!.p99_ms - p[direct]!.p99_ms),
    });
    return {
      database: kind,
      connections,
      seconds_per_run: seconds,
      paced_seconds_per_run: pacedSeconds,
      rounds,
      rate,
      saturation: s,
      paced: p,
      ratios: {
        postgres: compare('pg_gateway', 'pg_direct'),
        postgres_dlp: compare('pg_gateway_dlp', 'pg_direct'),
        http: compare('http_gateway', 'http_direct'),
        http_dlp: compare('http_gateway_dlp', 'http_direct'),
      },
      targets: { throughput_ratio_min: 0.7, added_p99_ms_max: 1 },
    };
  } finally {
    await bare.close();
    upstream.stop();
    await pool.end();
    await f.close();
  }
}

console.log(JSON.stringify(await main(args.db as BenchDbKind), null, 2));
process.exit(0);
