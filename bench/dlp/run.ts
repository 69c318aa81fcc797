/**
 * DLP scan benchmark: generates a deterministic corpus (default 100 MB: logs, JSON lines, CSV,
 * prose) with planted PII and secrets, measures the engine's scan() throughput with the full
 * default detector set on one core, checks every planted value is found, and times ripgrep
 * (`rg`, one thread) searching the same files for the same patterns. Prints JSON.
 * Beside the engine it times two baselines in the same run: the npm package `@redactpii/node`
 * (five regexes: card, e-mail, name, phone, SSN) redacting the same chunks, next to our PII-only
 * set; and the fixed cost of one `scan()` call on a 1 KB text with a few findings, next to one
 * V8 regex pass and one `Buffer.indexOf` over the same kilobyte.
 *
 *   npx tsx bench/dlp/run.ts [--size MB] [--seed N] [--chunk KB] [--keep] [--no-rg]
 *
 * ripgrep is installed with apt-get when missing and running as root; otherwise it is reported
 * missing. Patterns ripgrep's default engine rejects (look-around, back-references) run in a
 * second `rg -P` (PCRE2) pass whose time is added.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '@redactpii/node';
import { scan, defaultDetectors, piiDetectors, secretDetectors, type Finding, type PatternDetector } from '@trellis/dlp';
import { generateCorpus, type Planted } from './corpus.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const sizeMb = arg('size', 100);
const seed = arg('seed', 42);
const chunkKb = arg('chunk', 256);
const keep = process.argv.includes('--keep');
const withRg = !process.argv.includes('--no-rg');

const dir = mkdtempSync(join(tmpdir(), 'trellis-dlp-bench-'));
const tGen = performance.now();
const { files, planted } = generateCorpus({ dir, sizeBytes: sizeMb * 1024 * 1024, seed });
const genSeconds = (performance.now() - tGen) / 1000;
const bytes = files.reduce((n, f) => n + statSync(f).size, 0);

// ---- engine ---------------------------------------------------------------------------------
/** Splits at line ends so no planted value straddles two chunks. */
function chunks(text: string, size: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + size);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end);
      if (nl > at) end = nl + 1;
    }
    out.push([at, text.slice(at, end)]);
    at = end;
  }
  return out;
}

/** Scan throughput of one detector subset over the corpus (findings discarded), in MB/s. */
function subsetMbps(detectors: PatternDetector[]): number {
  let ms = 0;
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    for (const [, chunk] of chunks(text, chunkKb * 1024)) {
      const t0 = performance.now();
      scan(chunk, { detectors });
      ms += performance.now() - t0;
    }
  }
  return bytes / 1048576 / (ms / 1000);
}

const findingsByFile = new Map<string, Finding[]>();
let scanMs = 0;
let findingCount = 0;
for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const all: Finding[] = [];
  for (const [offset, chunk] of chunks(text, chunkKb * 1024)) {
    const t0 = performance.now();
    const found = scan(chunk);
    scanMs += performance.now() - t0;
    for (const f of found) all.push({ ...f, start: f.start + offset, end: f.end + offset });
  }
  findingCount += all.length;
  findingsByFile.set(path.slice(dir.length + 1), all);
}

const piiMbps = subsetMbps(piiDetectors);
const secretsMbps = subsetMbps(secretDetectors);

/**
 * Our PII-only set against `@redactpii/node` (all five of its default rules) on the same chunks,
 * in MB/s. The two run chunk by chunk in turn, so load from other processes on the machine falls
 * on both alike and the ratio stays meaningful when the absolute figures are not.
 */
function piiAgainstRedactpii(): { ours: number; theirs: number } {
  const redactor = new Redactor();
  const ms = [0, 0];
  const runs = [(chunk: string) => scan(chunk, { detectors: piiDetectors }), (chunk: string) => redactor.redact(chunk)];
  let turn = 0;
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    for (const [, chunk] of chunks(text, chunkKb * 1024)) {
      // who goes first alternates, so neither always finds the chunk warm in cache
      for (const k of turn++ % 2 === 0 ? [0, 1] : [1, 0]) {
        const t0 = performance.now();
        runs[k]!(chunk);
        ms[k]! += performance.now() - t0;
      }
    }
  }
  const [oursMs, theirsMs] = ms as [number, number];
  return { ours: bytes / 1048576 / (oursMs / 1000), theirs: bytes / 1048576 / (theirsMs / 1000) };
}
const { ours: piiSideBySide, theirs: redactMbps } = piiAgainstRedactpii();

// ---- fixed cost per call --------------------------------------------------------------------
/** A 1 KB text shaped like the corpus (a log line, a JSON record, prose) holding an e-mail, a
 *  phone number and an SSN. */
function smallText(): string {
  let t = '2024-03-12T04:22:31.123Z INFO [api] req=1a2b3c4d5e6f sent to alice.smith@brightsea.net latency_ms=231 status=200\n'
    + '{"id":123456789,"ts":1700123456,"user":"bob","event":"order","note":"call +1 415-555-0132 about the invoice","amount":12.5}\n'
    + 'the quarterly revenue meeting reviewed the vendor contract; ssn 536-22-1234 was on the form.\n';
  while (t.length < 1024) t += 'the service request for the customer account was updated by the worker after a retry. ';
  return t.slice(0, 1024);
}

/** Microseconds per call of each function, by the wall clock and in process CPU time (which a
 *  machine shared with other work inflates far less): five rounds of `calls[k]` calls each, the
 *  functions in turn within a round (so load from other processes falls on all alike), after a
 *  warm-up; the median round of each. */
function microsPerCall(fns: Array<() => unknown>, calls: number[]): Array<{ wall: number; cpu: number }> {
  fns.forEach((fn, k) => {
    for (let i = 0; i < calls[k]!; i++) fn();
  });
  const wall: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let r = 0; r < 5; r++) {
    fns.forEach((fn, k) => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls[k]!; i++) fn();
      const c1 = process.cpuUsage(c0);
      wall[k]!.push(((performance.now() - t0) * 1000) / calls[k]!);
      cpu[k]!.push((c1.user + c1.system) / calls[k]!);
    });
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[2]!;
  return fns.map((_, k) => ({ wall: median(wall[k]!), cpu: median(cpu[k]!) }));
}

const small = smallText();
const smallBuffer = Buffer.from(small);
const ssnLike = /\b\d{3}-\d{2}-\d{4}\b/g;
const [scanUs, scanPiiUs, regexUs, indexOfUs] = microsPerCall(
  [() => scan(small), () => scan(small, { detectors: piiDetectors }), () => small.match(ssnLike), () => smallBuffer.indexOf('password')],
  [20_000, 20_000, 200_000, 200_000],
);
const perCall = {
  text_bytes: Buffer.byteLength(small),
  findings: scan(small).length,
  scan_us: round(scanUs!.wall),
  scan_pii_only_us: round(scanPiiUs!.wall),
  one_regex_pass_us: round(regexUs!.wall),
  buffer_indexof_us: round(indexOfUs!.wall),
  cpu: { scan_us: round(scanUs!.cpu), scan_pii_only_us: round(scanPiiUs!.cpu), one_regex_pass_us: round(regexUs!.cpu), buffer_indexof_us: round(indexOfUs!.cpu) },
};

// ---- planted values -------------------------------------------------------------------------
const byKind: Record<string, { planted: number; found: number; right_rule?: number }> = {};
const missed: Planted[] = [];
for (const p of planted) {
  const k = (byKind[p.kind] ??= { planted: 0, found: 0 });
  k.planted++;
  const hits = (findingsByFile.get(p.file) ?? []).filter((f) => f.start < p.end && p.start < f.end && f.entity === p.entity);
  if (hits.length > 0) k.found++;
  else missed.push(p);
  if (p.entity === 'SECRET' && hits.some((f) => f.rule === p.kind)) k.right_rule = (k.right_rule ?? 0) + 1;
}
const foundTotal = planted.length - missed.length;

// ---- ripgrep --------------------------------------------------------------------------------
function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function ensureRg(): { path: string | null; note: string } {
  const existing = which('rg');
  if (existing) return { path: existing, note: 'present' };
  if (process.getuid?.() !== 0) return { path: null, note: 'rg missing (not root, cannot apt-get install ripgrep)' };
  const r = spawnSync('sh', ['-c', 'apt-get install -y ripgrep >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y ripgrep >/dev/null 2>&1)'], { stdio: 'ignore' });
  const after = which('rg');
  return after ? { path: after, note: 'installed with apt-get' } : { path: null, note: `rg missing (apt-get install ripgrep failed, status ${r.status})` };
}

/** A detector's pattern in ripgrep syntax: JS flags become inline flags. */
function toRg(d: PatternDetector): string {
  let src = d.pattern.source.replace(/\\\//g, '/');
  if (d.pattern.flags.includes('i')) src = `(?i)${src}`;
  return src;
}

function rgAccepts(rg: string, pattern: string, pcre2: boolean): boolean {
  const r = spawnSync(rg, [...(pcre2 ? ['-P'] : []), '-q', '-e', pattern, '-'], { input: 'x', encoding: 'utf8' });
  return r.status === 0 || r.status === 1; // 1 = no match; 2 = error
}

interface RgResult {
  version: string;
  seconds: number;
  mb_per_s: number;
  patterns: number;
  patterns_pcre2: number;
  patterns_skipped: string[];
  matching_lines: number;
  /** Seconds of the default-engine pass and of the PCRE2 pass. */
  split_seconds: { default_engine: number; pcre2: number };
}

function timeRg(rg: string, patterns: string[], pcre2: boolean): { seconds: number; lines: number } {
  if (patterns.length === 0) return { seconds: 0, lines: 0 };
  const args = ['--threads', '1', '--count', '--no-filename', '--no-config', '--regex-size-limit', '1G', '--dfa-size-limit', '1G', ...(pcre2 ? ['-P'] : [])];
  for (const p of patterns) args.push('-e', p);
  const t0 = performance.now();
  // Output is piped back (not /dev/null, which rg treats as "stop at first match").
  const out = execFileSync(rg, [...args, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const lines = out.split('\n').filter(Boolean).reduce((n, l) => n + Number(l), 0);
  return { seconds, lines };
}

let rgResult: RgResult | { missing: string } | null = null;
if (withRg) {
  const { path: rg, note } = ensureRg();
  if (!rg) rgResult = { missing: note };
  else {
    const plain: string[] = [];
    const pcre: string[] = [];
    const skipped: string[] = [];
    for (const d of defaultDetectors) {
      const p = toRg(d);
      if (rgAccepts(rg, p, false)) plain.push(p);
      else if (rgAccepts(rg, p, true)) pcre.push(p);
      else skipped.push(d.id);
    }
    const a = timeRg(rg, plain, false);
    const b = timeRg(rg, pcre, true);
    const seconds = a.seconds + b.seconds;
    rgResult = {
      version: execFileSync(rg, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '',
      seconds: round(seconds), mb_per_s: round(bytes / 1048576 / seconds), patterns: plain.length, patterns_pcre2: pcre.length,
      patterns_skipped: skipped, matching_lines: a.lines + b.lines,
      split_seconds: { default_engine: round(a.seconds), pcre2: round(b.seconds) },
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const engineMbps = bytes / 1048576 / (scanMs / 1000);
const report = {
  corpus: { dir: keep ? dir : '(deleted)', bytes, mb: round(bytes / 1048576), files: files.length, seed, generate_seconds: round(genSeconds) },
  engine: {
    detectors: defaultDetectors.length, chunk_kb: chunkKb, seconds: round(scanMs / 1000), mb_per_s: round(engineMbps), findings: findingCount,
    mb_per_s_pii_only: round(piiMbps), mb_per_s_secrets_only: round(secretsMbps),
  },
  redactpii: {
    package: '@redactpii/node', rules: 5, mb_per_s: round(redactMbps),
    // our PII-only set timed chunk by chunk in turn with it (see piiAgainstRedactpii)
    mb_per_s_pii_only_alongside: round(piiSideBySide), ratio_pii_only_over_redactpii: round(piiSideBySide / redactMbps),
  },
  per_call_1kb: { ...perCall, ratio_scan_over_regex_pass: round(perCall.scan_us / perCall.one_regex_pass_us) },
  planted: { total: planted.length, found: foundTotal, found_pct: round((foundTotal / Math.max(1, planted.length)) * 100), by_kind: byKind, missed_examples: missed.slice(0, 10).map((m) => `${m.kind}: ${m.value}`) },
  rg: rgResult,
  ratio_engine_over_rg: rgResult && 'mb_per_s' in rgResult ? round(engineMbps / rgResult.mb_per_s) : null,
};
console.log(JSON.stringify(report, null, 2));
console.error(`planted found: ${foundTotal}/${planted.length}`);
console.error(`MB/s: full ${round(engineMbps)}, PII only ${round(piiMbps)}, secrets only ${round(secretsMbps)}` +
  (rgResult && 'mb_per_s' in rgResult ? `, rg ${rgResult.mb_per_s}, engine/rg ${round(engineMbps / rgResult.mb_per_s)}` : ''));
console.error(`PII only ${round(piiSideBySide)} MB/s vs @redactpii/node ${round(redactMbps)} MB/s, chunk by chunk in turn: ratio ${round(piiSideBySide / redactMbps)}`);
console.error(`1 KB scan(): ${perCall.scan_us} µs per call (PII only ${perCall.scan_pii_only_us}); one regex pass ${perCall.one_regex_pass_us} µs, Buffer.indexOf ${perCall.buffer_indexof_us} µs`
  + ` (CPU time: scan ${perCall.cpu.scan_us} µs, PII only ${perCall.cpu.scan_pii_only_us}, regex pass ${perCall.cpu.one_regex_pass_us})`);
if (!keep) rmSync(dir, { recursive: true, force: true });
