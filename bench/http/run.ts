/**
 * bench/http — Trellis' hot routes under load beside bare Fastify baselines, in one run.
 *
 *   npx tsx bench/http/run.ts [--rounds 5] [--seconds 3] [--connections 32] [--db sqlite|postgres|both]
 *
 * Starts Trellis as `trellis serve` would (development mode, its own fresh data directory, and a
 * scratch PostgreSQL schema for the PostgreSQL half), registers apps through the API with
 * `connections` concurrent clients (the registration figure), then loads with wrk (one thread,
 * keep-alive), alternating Trellis and its baseline in every round:
 * - `GET /api/v1/apps?limit=50` beside bare Fastify sending the same bytes from memory
 *   (`/page`) and running the same SELECT through the raw driver (`/sql`, bare.ts);
 * - `POST /api/v1/dlp/scan` with a 1 KB text beside a bare route parsing the body and sending
 *   the same response bytes;
 * - `GET /healthz` beside a bare one.
 * Prints JSON: requests/s and p99 per side, medians over the rounds, the ratios and the targets.
 * Needs wrk (`apt-get install wrk`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { benchPgUrl } from '../support/databases.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const ROUNDS = Number(arg('rounds', '5'));
const SECONDS = Number(arg('seconds', '3'));
const CONNECTIONS = Number(arg('connections', '32'));
const DB = arg('db', 'both');
const root = new URL('../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'bench-http-'));

if (spawnSync('wrk', ['--version']).error) {
  console.error('bench/http needs wrk: apt-get install wrk');
  process.exit(2);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Spawn a server and wait for the line saying where it listens; later output is drained. */
async function spawnServer(command: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, command, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const rl = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code} before it was ready:\n${lines.join('\n')}`)));
    rl.on('line', (line) => {
      if (lines.length < 200) lines.push(line);
      if (ready.test(line)) resolve();
    });
  });
  return { child, lines };
}

interface Trellis {
  url: string;
  token: string;
  dataDir: string;
  schema?: string;
  child: ChildProcess;
}

async function startTrellis(kind: 'sqlite' | 'postgres'): Promise<Trellis> {
  const dataDir = mkdtempSync(join(work, `trellis-${kind}-`));
  const schema = kind === 'postgres' ? `bench_http_${randomUUID().replace(/-/g, '').slice(0, 10)}` : undefined;
  const env = {
    ...process.env,
    TRELLIS_DEV: 'true',
    TRELLIS_HOST: '127.0.0.1',
    TRELLIS_PORT: String(await freePort()),
    TRELLIS_DATA_DIR: dataDir,
    TRELLIS_DATABASE_URL: schema ? `${benchPgUrl}?schema=${schema}` : '',
  };
  const { child, lines } = await spawnServer(['packages/trellis/bin/trellis.js', 'serve'], env, /TRELLIS_TOKEN=/);
  const text = lines.join('\n');
  const url = /ready at (http:\/\/\S+)/.exec(text)![1]!.replace('localhost', '127.0.0.1');
  const token = /TRELLIS_TOKEN=(\S+)/.exec(text)![1]!;
  return { url, token, dataDir, ...(schema ? { schema } : {}), child };
}

interface WrkResult {
  rps: number;
  p99ms: number;
  errors: number;
}

function wrk(url: string, opts: { token?: string; script?: string }): WrkResult {
  const argv = ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', ...(opts.token ? ['-H', `Authorization: Bearer ${opts.token}`] : []), ...(opts.script ? ['-s', opts.script] : []), url];
  const r = spawnSync('wrk', argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const p99 = /99%\s+([\d.]+)(us|ms|s)\b/.exec(r.stdout);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const p99ms = p99 ? Number(p99[1]) * scale[p99[2] as keyof typeof scale] : NaN;
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0) + Number(/Socket errors:.*?(\d+)/.exec(r.stdout)?.[1] ?? 0);
  return { rps: Math.round(rps), p99ms: Math.round(p99ms * 100) / 100, errors };
}

function luaPost(name: string, path: string, token: string, body: string): string {
  const file = join(work, `${name}.lua`);
  writeFileSync(file, [`wrk.method = "POST"`, `wrk.path = "${path}"`, `wrk.headers["Content-Type"] = "application/json"`, `wrk.headers["Authorization"] = "Bearer ${token}"`, `wrk.body = [==[${body}]==]`].join('\n'));
  return file;
}

/** Every request registers a new app (a unique name per round and request). */
function luaRegister(token: string, round: string): string {
  const manifest = {
    apiVersion: 'trellis.dev/v1',
    kind: 'MicroApp',
    metadata: { name: 'NAME', title: 'Weekly leave tracker', description: 'Helps managers see who is away this week and approve leave requests from a shared sheet.', tags: ['leave'] },
    spec: {
      owner: 'user:jane@example.com',
      team: 'people-ops',
      classification: 'internal',
      runtime: 'sandbox',
      connectors: [{ name: 'hr-db', resources: [{ name: 'records', fields: ['id', 'name', 'email'], access: 'read' }] }],
    },
  };
  const [before, after] = JSON.stringify(manifest).split('NAME');
  const file = join(work, `register-${round}.lua`);
  writeFileSync(
    file,
    [
      `wrk.method = "POST"`,
      `wrk.headers["Content-Type"] = "application/json"`,
      `wrk.headers["Authorization"] = "Bearer ${token}"`,
      `local n = 0`,
      `request = function()`,
      `  n = n + 1`,
      `  return wrk.format(nil, "/api/v1/apps", nil, [==[${before}]==] .. "bench-${round}-" .. n .. [==[${after}]==])`,
      `end`,
    ].join('\n'),
  );
  return file;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Alternate the sides in every round (the order flips each round); medians per side. */
function compare(sides: Record<string, () => WrkResult>): Record<string, { rps: number; p99ms: number; errors: number }> {
  const names = Object.keys(sides);
  const runs: Record<string, WrkResult[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const n of r % 2 === 0 ? names : [...names].reverse()) runs[n]!.push(sides[n]!());
  }
  return Object.fromEntries(names.map((n) => [n, { rps: median(runs[n]!.map((x) => x.rps)), p99ms: median(runs[n]!.map((x) => x.p99ms)), errors: runs[n]!.reduce((a, x) => a + x.errors, 0) }]));
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

// A 1 KB support ticket with five findings: two e-mail addresses, a phone number, an IBAN and a card number.
const scanText = (
  'Ticket 48213 from the billing team. The customer, Maria Rossi, wrote to maria.rossi@example.org on Monday asking why her ' +
  'refund had not arrived. She called back from +44 20 7946 0958 and asked us to reply to m.rossi@example.net instead. ' +
  'Refunds go to IBAN GB33BUKB20201555555555 as stated on the form; the original charge was made with card 5555 5555 5555 4444 ' +
  'in March. Please check the ledger, confirm the amount with finance, and close the ticket once the customer has confirmed. '
).repeat(2).slice(0, 1024);

async function main(): Promise<void> {
  const out: Record<string, unknown> = { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, node: process.version };
  const kinds = DB === 'both' ? (['sqlite', 'postgres'] as const) : ([DB] as ['sqlite' | 'postgres']);
  const servers: Partial<Record<'sqlite' | 'postgres', Trellis>> = {};
  const children: ChildProcess[] = [];
  try {
    for (const kind of kinds) {
      const t = await startTrellis(kind);
      servers[kind] = t;
      children.push(t.child);
      const regs: WrkResult[] = [];
      for (let r = 0; r < ROUNDS; r++) regs.push(wrk(t.url, { script: luaRegister(t.token, `${kind}${r}`) }));
      out[`registration_${kind}`] = { appsPerSecond: median(regs.map((x) => x.rps)), p99ms: median(regs.map((x) => x.p99ms)), errors: regs.reduce((a, x) => a + x.errors, 0), ...(kind === 'sqlite' ? { target: '>= 1000 apps/s', met: median(regs.map((x) => x.rps)) >= 1000 } : {}) };
    }

    const first = servers.sqlite ?? servers.postgres!;
    const pagePath = '/api/v1/apps?limit=50';
    const pageRes = await fetch(first.url + pagePath, { headers: { authorization: `Bearer ${first.token}` } });
    const pageBytes = Buffer.from(await pageRes.arrayBuffer());
    const scanRes = await fetch(first.url + '/api/v1/dlp/scan', { method: 'POST', headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: scanText }) });
    const scanBytes = Buffer.from(await scanRes.arrayBuffer());
    const pageFile = join(work, 'page.json');
    const scanFile = join(work, 'scan.json');
    writeFileSync(pageFile, pageBytes);
    writeFileSync(scanFile, scanBytes);
    out.page = { bytes: pageBytes.length, items: (JSON.parse(pageBytes.toString()) as { items: unknown[] }).items.length };
    out.scan = { requestBytes: scanText.length, findings: (JSON.parse(scanBytes.toString()) as { count: number }).count };

    const bares: Partial<Record<'sqlite' | 'postgres', string>> = {};
    for (const kind of kinds) {
      const t = servers[kind]!;
      const env = { ...process.env, BARE_PORT: String(await freePort()), BARE_PAGE_FILE: pageFile, BARE_SCAN_FILE: scanFile, ...(kind === 'sqlite' ? { BARE_SQLITE_FILE: join(t.dataDir, 'trellis.db') } : { BARE_PG_URL: benchPgUrl, BARE_PG_SCHEMA: t.schema! }) };
      const { child, lines } = await spawnServer(['--import', 'tsx', 'bench/http/bare.ts'], env, /^listening /);
      children.push(child);
      bares[kind] = /^listening (\S+)/.exec(lines.find((l) => l.startsWith('listening'))!)![1]!;
    }

    const lists: Record<string, unknown> = {};
    for (const kind of kinds) {
      const t = servers[kind]!;
      const bare = bares[kind]!;
      const r = compare({ trellis: () => wrk(t.url + pagePath, { token: t.token }), bareSameBytes: () => wrk(bare + '/page', {}), bareSameSql: () => wrk(bare + '/sql', {}) });
      lists[kind] = {
        ...r,
        slowerThanSameBytes: ratio(r.bareSameBytes!.rps, r.trellis!.rps),
        ofSameSql: ratio(r.trellis!.rps, r.bareSameSql!.rps),
        targets: { slowerThanSameBytes: '<= 4', ofSameSql: '>= 0.6' },
        met: r.bareSameBytes!.rps / r.trellis!.rps <= 4 && r.trellis!.rps / r.bareSameSql!.rps >= 0.6,
      };
    }
    out.list = lists;
    if (kinds.length === 2) {
      const s = (lists.sqlite as { trellis: WrkResult }).trellis.rps;
      const p = (lists.postgres as { trellis: WrkResult }).trellis.rps;
      out.listPostgresVsSqlite = { slower: ratio(s, p), target: '<= 1.3', met: s / p <= 1.3 };
    }

    const t = first;
    const bare = bares.sqlite ?? bares.postgres!;
    const scanScript = luaPost('scan', '/api/v1/dlp/scan', t.token, JSON.stringify({ text: scanText }));
    const bareScanScript = luaPost('bare-scan', '/scan', t.token, JSON.stringify({ text: scanText }));
    const scan = compare({ trellis: () => wrk(t.url, { script: scanScript }), bare: () => wrk(bare, { script: bareScanScript }) });
    out.dlpScan = { ...scan, slower: ratio(scan.bare!.rps, scan.trellis!.rps), target: '<= 2.5', met: scan.bare!.rps / scan.trellis!.rps <= 2.5 };
    const health = compare({ trellis: () => wrk(t.url + '/healthz', {}), bare: () => wrk(bare + '/healthz', {}) });
    out.healthz = { ...health, slower: ratio(health.bare!.rps, health.trellis!.rps), target: '<= 1.5', met: health.bare!.rps / health.trellis!.rps <= 1.5 };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (servers.postgres?.schema) {
      const c = new pg.Client({ connectionString: benchPgUrl });
      await c.connect();
      await c.query(`drop schema if exists ${servers.postgres.schema} cascade`);
      await c.end();
    }
    rmSync(work, { recursive: true, force: true });
  }
  console.log(JSON.stringify(out, null, 2));
}

await main();
