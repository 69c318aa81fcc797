// Builds the web console (packages/console) with Vite into packages/console/dist, which the
// server serves at /console/. `npm start` (through build.mjs's ensureBuilt) and `npm test` run
// it when the build is missing or older than the sources, so a fresh clone needs no separate
// step and no dev server.
//
// Freshness works as build.mjs's does: a stamp (dist/build.json, not served) holds a fingerprint
// of the path, size and modification time of every input. The build goes to a staging folder
// and is swapped in by renames, so a running server never reads half a build.
//
// After a build it reports the bundle: every file's size and gzip size, and what the first page
// load fetches (index.html's scripts, preloads and styles) — CI prints this.
//
//   node scripts/build-console.mjs     build now and print the report
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fingerprintOf, swapIn } from './build.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const consoleRoot = (root) => join(root, 'packages/console');
const stampName = 'build.json';

function filesUnder(root, rel) {
  const out = [];
  const walk = (r) => {
    for (const e of readdirSync(join(root, r), { withFileTypes: true })) {
      const p = `${r}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  if (existsSync(join(root, rel))) walk(rel);
  return out.sort();
}

export function consoleFingerprint(root = repoRoot) {
  const c = 'packages/console';
  const inputs = [`${c}/package.json`, `${c}/index.html`, `${c}/vite.config.ts`, `${c}/tsconfig.json`, 'node_modules/.package-lock.json', 'scripts/build-console.mjs', ...filesUnder(root, `${c}/src`), ...filesUnder(root, `${c}/public`)];
  return fingerprintOf(root, inputs);
}

export function isConsoleFresh(root = repoRoot) {
  try {
    return JSON.parse(readFileSync(join(consoleRoot(root), 'dist', stampName), 'utf8')).fingerprint === consoleFingerprint(root);
  } catch {
    return false;
  }
}

export async function buildConsole(root = repoRoot) {
  const started = performance.now();
  const print = consoleFingerprint(root);
  const dir = consoleRoot(root);
  const dist = join(dir, 'dist');
  const staging = join(dir, `.dist-${process.pid}-${Date.now()}`);
  const { build } = await import('vite');
  try {
    await build({ root: dir, configFile: join(dir, 'vite.config.ts'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
    writeFileSync(join(staging, stampName), JSON.stringify({ fingerprint: print, builtAt: new Date().toISOString() }, null, 2) + '\n');
    swapIn(staging, dist, () => isConsoleFresh(root));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { ms: Math.round(performance.now() - started) };
}

/** Builds unless fresh; says so when it builds. */
export async function ensureConsoleBuilt(root = repoRoot, say = (line) => process.stderr.write(`trellis: ${line}\n`)) {
  if (isConsoleFresh(root)) return false;
  say(existsSync(join(consoleRoot(root), 'dist', 'index.html')) ? 'the console changed since the last build: rebuilding it…' : 'building the web console (first start)…');
  const { ms } = await buildConsole(root);
  say(`built the web console in ${ms} ms`);
  return true;
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

/** The bundle's sizes: every file, and what the first page load fetches. */
export function bundleReport(root = repoRoot) {
  const dist = join(consoleRoot(root), 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const first = new Set([...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+)"/g)].map((m) => m[1]));
  const rows = filesUnder(dist, 'assets').map((rel) => {
    const body = readFileSync(join(dist, rel));
    return { file: rel.slice('assets/'.length), bytes: body.length, gzip: gzipSync(body).length, first: first.has(rel) };
  });
  const sum = (xs, k) => xs.reduce((a, r) => a + r[k], 0);
  const lines = ['console bundle (gzip / raw):'];
  for (const r of rows.sort((a, b) => b.gzip - a.gzip)) lines.push(`  ${r.first ? '*' : ' '} ${r.file.padEnd(44)} ${kb(r.gzip).padStart(10)} / ${kb(r.bytes).padStart(10)}`);
  const initial = rows.filter((r) => r.first);
  lines.push(`  first load (*): ${kb(sum(initial, 'gzip'))} gzip / ${kb(sum(initial, 'bytes'))} raw in ${initial.length} files; all: ${kb(sum(rows, 'gzip'))} gzip in ${rows.length} files`);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ms } = await buildConsole();
  process.stdout.write(`built the web console in ${ms} ms\n${bundleReport()}\n`);
}
