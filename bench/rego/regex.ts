/**
 * Regex engine benchmark: the Rego engine's RE2 matcher (packages/rego/src/builtins/regexp)
 * against V8's RegExp on patterns safe for V8 — typical policy patterns on short inputs, and
 * scans of a long input — then hostile patterns V8 cannot finish at scale, timed on our
 * engine alone (with V8 on a 24-character input for scale). Prints JSON: nanoseconds per
 * match for each engine, the ours/V8 ratio, and which of our paths ran (`v8`: the fast path
 * on V8; `linear`: our own engine, for patterns or inputs the safety check keeps off V8;
 * `indexOf`: a literal).
 * `npx tsx bench/rego/regex.ts [--quick]`
 */
import { compileRe2, findAll, matchRe2 } from '../../packages/rego/src/builtins/regexp/regexp.ts';

const quick = process.argv.includes('--quick');

/** Nanoseconds per call of `f`, after a warm-up, over at least `minMs` of calls. */
function nsPerCall(f: () => unknown, minMs = quick ? 100 : 500): number {
  for (let i = 0; i < 100; i++) f();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 100; i++) f();
    calls += 100;
    elapsed = performance.now() - start;
  }
  return Math.round((elapsed * 1e6) / calls);
}

interface Safe {
  name: string;
  /** Go syntax, for our engine. */
  re2: string;
  /** The same pattern for V8 (with `u`). */
  js: RegExp;
  input: string;
  /** `find` scans for every match; `match` only asks whether there is one. */
  op: 'match' | 'find';
}

const long = 'user=alice role=admin path=/api/v1/apps/42 '.repeat(2_000) + 'token=AKIA0123456789ABCDEF';

const safe: Safe[] = [
  { name: 'literal', re2: 'admin', js: /admin/u, input: 'role=admin', op: 'match' },
  { name: 'anchored literal', re2: '^/api/', js: /^\/api\//u, input: '/api/v1/apps', op: 'match' },
  { name: 'email', re2: '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$', js: /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/u, input: 'alice.smith@example.com', op: 'match' },
  { name: 'semver', re2: '^v?(\\d+)\\.(\\d+)\\.(\\d+)$', js: /^v?(\d+)\.(\d+)\.(\d+)$/u, input: 'v1.22.333', op: 'match' },
  { name: 'image tag', re2: '^[a-z0-9./-]+:[A-Za-z0-9_.-]+$', js: /^[a-z0-9./-]+:[A-Za-z0-9_.-]+$/u, input: 'registry.example.com/team/app:1.2.3', op: 'match' },
  { name: 'no match, unanchored', re2: 'forbidden', js: /forbidden/u, input: 'user=alice role=admin path=/api', op: 'match' },
  { name: 'case-insensitive', re2: '(?i)^bearer [a-z0-9]+$', js: /^bearer [a-z0-9]+$/iu, input: 'Bearer abc123', op: 'match' },
  { name: 'scan 90 KB: key at end', re2: 'AKIA[0-9A-Z]{16}', js: /AKIA[0-9A-Z]{16}/u, input: long, op: 'match' },
  { name: 'scan 90 KB: find all role=', re2: 'role=(\\w+)', js: /role=(\w+)/gu, input: long, op: 'find' },
  { name: 'scan 90 KB: class run', re2: '[0-9]{3,}', js: /[0-9]{3,}/gu, input: long, op: 'find' },
  // Refused by the safety check (a loop over a loop; overlapping loops): our linear engine.
  { name: 'domain (linear engine)', re2: '^([a-z0-9-]+\\.)+[a-z]{2,}$', js: /^([a-z0-9-]+\.)+[a-z]{2,}$/u, input: 'api.eu.example.com', op: 'match' },
  { name: 'words (linear engine)', re2: '^(\\w+\\s?)*$', js: /^(\w+\s?)*$/u, input: 'allow read write', op: 'match' },
  // Each attempt linear on V8, the unanchored search not: V8 up to 256 characters, our engine above.
  { name: 'key=value', re2: '(\\w+)=(\\w+)', js: /(\w+)=(\w+)/gu, input: 'user=alice role=admin', op: 'find' },
  { name: 'scan 90 KB: /\\d+\\. (linear engine)', re2: '/\\d+\\.', js: /\/\d+\./gu, input: long, op: 'find' },
  { name: 'scan 90 KB: find all \\w+@ (linear engine)', re2: '\\w+@', js: /\w+@/gu, input: long, op: 'find' },
  // A yes/no question drops the ends that match empty anywhere: this one is indexOf('AKIA').
  { name: 'scan 90 KB: .*AKIA.*', re2: '.*AKIA.*', js: /.*AKIA.*/u, input: long, op: 'match' },
];

const results: Record<string, unknown>[] = [];
for (const c of safe) {
  const r = compileRe2(c.re2);
  const ours = c.op === 'match' ? (): unknown => matchRe2(r, c.input) : (): unknown => findAll(r, c.input, -1, false).length;
  const v8 =
    c.op === 'match'
      ? (): unknown => {
          c.js.lastIndex = 0;
          return c.js.test(c.input);
        }
      : (): unknown => c.input.match(c.js)?.length ?? 0;
  if (ours() !== v8()) throw new Error(`${c.name}: engines disagree (${String(ours())} vs ${String(v8())})`);
  const oursNs = nsPerCall(ours);
  const v8Ns = nsPerCall(v8);
  const engines = c.op === 'match' ? r.matcher : r;
  const path = engines.prog.literal !== undefined ? 'indexOf' : engines.v8 && c.input.length <= engines.v8.maxInput ? 'v8' : 'linear';
  results.push({ name: c.name, path, inputChars: c.input.length, oursNs, v8Ns, ratio: Math.round((oursNs / v8Ns) * 10) / 10 });
}

const hostile: { name: string; re2: string; js: RegExp }[] = [
  { name: '^(a+)+$', re2: '^(a+)+$', js: /^(a+)+$/u },
  { name: '(a|a)*b', re2: '(a|a)*b', js: /(a|a)*b/u },
  { name: '(.*a){20}z', re2: '(.*a){20}z', js: /(.*a){20}z/u },
];
const hostileResults: Record<string, unknown>[] = [];
for (const h of hostile) {
  const r = compileRe2(h.re2);
  const row: Record<string, unknown> = { name: h.name };
  for (const n of [24, 1_000, 100_000]) {
    const s = 'a'.repeat(n) + '!';
    const t0 = performance.now();
    matchRe2(r, s);
    row[`ours_ms_${n}`] = Math.round((performance.now() - t0) * 100) / 100;
  }
  // V8 only on the smallest input: each extra character roughly doubles its time.
  const t0 = performance.now();
  h.js.test('a'.repeat(24) + '!');
  row.v8_ms_24 = Math.round((performance.now() - t0) * 100) / 100;
  hostileResults.push(row);
}

console.log(JSON.stringify({ safe: results, hostile: hostileResults }, null, 2));
