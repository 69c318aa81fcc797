/**
 * Start-up benchmark: how long Trellis takes from spawn to its first successful GET /readyz on a
 * fresh data directory (SQLite, a free loopback port), and its peak memory, beside a bare
 * Fastify server with one route (spawn to first GET /). The two alternate, round after round,
 * so a slow moment of the machine hits both; one warm-up round of each is not counted.
 * Peak memory is VmHWM (peak resident set) from /proc/PID/status, summed over the process tree
 * the spawn started, read once the server answers. Prints JSON with medians, the ratio of the
 * medians and the targets (ready within 3× the bare start, at most 120 MB).
 *
 *   npx tsx bench/startup/run.ts [--rounds 7] [--via start|bin|npm]
 *
 * --via start (default) runs `node scripts/start.mjs`, what `npm start` runs (the install and
 * build checks, then the built server; the build is brought up to date before each round,
 * untimed, as the first start after a change does once); `bin` runs packages/trellis/bin/trellis.js serve (built
 * JS when fresh, else TypeScript through tsx); `npm` runs `npm start` itself, so the npm process
 * counts too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    via: { type: 'string', default: 'start' },
  },
});
const rounds = Number(args.rounds);
const via = args.via ?? 'start';
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
if (!['start', 'bin', 'npm'].includes(via)) throw new Error('--via must be start, bin or npm');

const root = resolve(import.meta.dirname, '../..');

/** The bare server: Fastify with one route, nothing else, as plain JavaScript. */
const bareSource = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
`;

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** The pids of a process and every descendant (from /proc/PID/stat's parent field). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/**
 * Peak resident set of the tree in MB, the CPU time it used so far in ms (user + system, from
 * /proc/PID/stat: less sensitive than wall time to other work on the machine), and the
 * processes counted (command names).
 */
function usage(pid: number): { mb: number; cpuMs: number; processes: string[] } {
  let kb = 0;
  let ticks = 0;
  const processes: string[] = [];
  for (const p of processTree(pid)) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const rawStat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const stat = rawStat.slice(rawStat.lastIndexOf(')') + 2).split(' ');
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
      const name = /^Name:\s+(.*)$/m.exec(status);
      kb += hwm ? Number(hwm[1]) : 0;
      // utime and stime: fields 14 and 15 of stat, 11 and 12 after the command name.
      ticks += Number(stat[11]) + Number(stat[12]);
      processes.push(name?.[1] ?? '?');
    } catch {
      // ended meanwhile
    }
  }
  // Linux reports these in USER_HZ, 100 per second.
  return { mb: Math.round((kb / 1024) * 10) / 10, cpuMs: ticks * 10, processes };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  // The whole group: `npm start` leaves its children otherwise.
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

interface Sample {
  readyMs: number;
  cpuMs: number;
  rssMb: number;
  processes: string[];
}

/**
 * Brings the build up to date, untimed: the build is a one-off cost of the first start after a
 * change, and sources edited while the bench runs would otherwise put a build in some rounds.
 */
function buildIfStale(): void {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', "await (await import('./scripts/build.mjs')).ensureBuilt()"], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('the build failed');
}

/** Spawns, polls `path` every 5 ms until it answers 200, reads the peak RSS, stops. */
async function measure(kind: 'trellis' | 'bare'): Promise<Sample> {
  if (kind === 'trellis' && via !== 'bin') buildIfStale();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'trellis-startup-'));
  const env = { ...process.env, PORT: String(port) };
  let command: string;
  let argv: string[];
  if (kind === 'bare') {
    command = process.execPath;
    argv = ['--input-type=module', '-e', bareSource];
  } else {
    const serveArgs = ['--port', String(port), '--data-dir', dataDir];
    if (via === 'npm') [command, argv] = ['npm', ['start', '--silent', '--', ...serveArgs]];
    else if (via === 'bin') [command, argv] = [process.execPath, [join(root, 'packages/trellis/bin/trellis.js'), 'serve', ...serveArgs]];
    else [command, argv] = [process.execPath, [join(root, 'scripts/start.mjs'), ...serveArgs]];
  }
  const started = performance.now();
  const child = spawn(command, argv, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}${kind === 'bare' ? '/' : '/readyz'}`;
  try {
    while (!(await answers(url))) {
      if (child.exitCode !== null) throw new Error(`${kind} exited with ${child.exitCode}: ${stderr}`);
      if (performance.now() - started > 60_000) throw new Error(`${kind} not ready after 60 s: ${stderr}`);
      await new Promise((ok) => setTimeout(ok, 5));
    }
    const readyMs = performance.now() - started;
    const u = usage(child.pid!);
    return { readyMs: Math.round(readyMs), cpuMs: u.cpuMs, rssMb: u.mb, processes: u.processes };
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round(((s[m - 1]! + s[m]!) / 2) * 10) / 10;
};

// Warm-up: the first start of each fills the disk cache (and builds when the build is stale).
await measure('trellis');
await measure('bare');
const trellis: Sample[] = [];
const bare: Sample[] = [];
for (let i = 0; i < rounds; i++) {
  trellis.push(await measure('trellis'));
  bare.push(await measure('bare'));
}
const summary = (xs: Sample[]) => ({
  readyMsMedian: median(xs.map((x) => x.readyMs)),
  cpuMsMedian: median(xs.map((x) => x.cpuMs)),
  rssMbMedian: median(xs.map((x) => x.rssMb)),
  readyMs: xs.map((x) => x.readyMs),
  cpuMs: xs.map((x) => x.cpuMs),
  rssMb: xs.map((x) => x.rssMb),
  processes: xs[0]!.processes,
});
const t = summary(trellis);
const b = summary(bare);
const ratio = Math.round((t.readyMsMedian / b.readyMsMedian) * 100) / 100;
process.stdout.write(
  JSON.stringify(
    {
      node: process.version,
      via,
      rounds,
      trellis: t,
      bareFastify: b,
      readyRatio: ratio,
      targets: { readyRatio: 3, rssMb: 120 },
      meetsTargets: { readyRatio: ratio <= 3, rssMb: t.rssMbMedian <= 120 },
    },
    null,
    2,
  ) + '\n',
);
