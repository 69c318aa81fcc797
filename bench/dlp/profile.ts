/**
 * Profiling harness for the DLP engine: generates the bench corpus once, splits it into the same
 * chunks as run.ts and scans them `--rounds` times with one detector set, so a CPU profile shows
 * the engine rather than start-up and corpus generation.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/dlp/profile.ts [--size MB] [--rounds N] [--set full|pii|secrets]
 *
 * Where the time goes (full set, generated corpus, steady state, self time under scan()):
 * - anchor bookkeeping, ~40%: the profile pass (anchors.ts `profilePass`, ~20%: about 3.5 ms/MB,
 *   of which ~3 ms is the per-byte loop itself, against ~0.8 ms/MB for a plain loop summing the same
 *   bytes; `DigitRuns.add` and the list pushes are the other ~0.5 ms) and placing windows
 *   (`gatedRegions` / `regionsFor`, ~15-20%): log, JSON and CSV lines carry a digit cluster every
 *   ~20 characters, and each of ~20 anchored PII detectors walks them. Most of that walk is the
 *   `anchorConfidence` / `anchorFilter` calls on candidates of the right size, not the size test:
 *   per-text lists of the clusters / runs of each size range, shared by the detectors that ask for
 *   the same range, cost more to build (and made the filter call sites megamorphic) than the
 *   skipped size tests saved (measured, dropped).
 * - the keyword pass, ~11%: latency-bound table walk, already read as two interleaved halves.
 * - pattern anchors, ~8%: the regexes behind the `pattern` anchors of URL (`://` or `.x`, ~0.8
 *   ms/MB) and IBAN (`[A-Za-z]{2}\d{2}`, ~0.7 ms/MB) run over every text. Irregexp tests every
 *   character against the first-character set, ~0.6-0.9 ms/MB for any such pattern; equivalent
 *   rewrites (leading literal, look-behinds) measured no faster. IPv6's anchor (`::` or three
 *   groups, ~0.7-1.1 ms/MB while matching nothing in the corpus) now uses a `find` scan that hops
 *   between colons with `indexOf`: the same spans in about half the time once optimised (it runs
 *   ~2x slower than the regex on its first few texts, before the JIT has it). End to end that is
 *   ~2-3% of the PII set, below what this VM's noise resolves at 100 MB. The same trick does not pay for URL:
 *   the corpus has a '.' every few dozen characters (floats, times, addresses), and one JavaScript
 *   iteration per dot costs as much as the regex. Finding IBAN's check digits as cluster starts
 *   (a letter ends any cluster) in the shared cluster walk cost as much as the regex (one closure
 *   call per cluster).
 * - detector regexes, ~15%: PII patterns that still run over the whole text where their anchor is
 *   dense (au-tfn / au-acn / us-itin / us-ssn on the nine-digit ids of the JSON records) and
 *   keyword-gated secrets whose keywords are common words (generic-api-key on "auth", the
 *   Kubernetes patterns); validators and context checks are ~5%. A check-digit `anchorFilter` for
 *   au-tfn / au-acn (only a run of nine or 3-3-3 groups passing the check can hold a finding) cut
 *   their regex time by half, but calling it on every nine-digit cluster cost more (dropped): the
 *   JSON ids still leave more than one window per 2048 characters after the check digit.
 * - the two byte passes together (keywords + profile) cost ~7-8 ms/MB on this VM, most of a
 *   10 ms/MB (100 MB/s) budget. Running the profile's arithmetic inside the keyword pass's loop
 *   (one automaton over the text instead of two interleaved halves) was measured and dropped:
 *   interleaved in one process, least of five, the fused loop took 7.0-7.3 ms/MB with the PII set
 *   against 2.5 (keywords) + 4.8 (profile) apart, and with the full set 9.0 against 2.7 + 4.8 (its
 *   ~450 KB transition table needs the two automata in step to hide memory latency, and a profile
 *   loop with a trivial automaton in it cost 6.5 against 4.8); end to end neither set moved beyond
 *   the VM's noise. A bare JS loop that classifies each byte and reports run ends to a sink floors
 *   at ~3.1 ms/MB whatever its form (branch-free lengths, run starts with branches, a sentinel
 *   instead of an end test), and a native regex finding the same tokens (`[A-Za-z0-9]{9,}`, with or
 *   without a look-behind) took 7-12 ms/MB (digit runs alone by `/[0-9]+/g` with `test`: ~1.8
 *   ms/MB, but the tokens would still need the loop). Going much faster needs the byte classification off
 *   the JS loop (e.g. WebAssembly SIMD, 16 bytes per step).
 * Windows cost ~30-40 ns each (prefix slice and regex entry), so dense windows do not beat one
 * whole-text pass unless the pattern is expensive; the 2048-character spacing limit was measured
 * against lower limits and kept.
 * Cold start is a large part of run.ts's full-set figure at --size 20: compiling the detector set
 * (~25-35 ms: keyword automaton ~20 ms, regex bounds and alphabets ~15 ms, all in not-yet-optimised
 * code), first use of ~350 regexes and JIT warm-up make the first two chunks cost ~80 ms against
 * ~8 ms steady. Reusing the profile's typed buffers from text to text (as text-bytes.ts does)
 * measured no gain.
 *
 * Measuring on a shared 2-core VM: run both copies from the same file system (a copy under /work
 * measured ~10% slower than the same code under /tmp), compare separate processes (a shared heap makes one engine pay
 * for the other's garbage), alternate them, take medians or minima over several runs, and start
 * the profiler after a warm-up round (inspector `Profiler.start`) to leave corpus generation out.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan, defaultDetectors, piiDetectors, secretDetectors, type PatternDetector } from '@trellis/dlp';
import { generateCorpus } from './corpus.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const sizeMb = Number(arg('size', '8'));
const rounds = Number(arg('rounds', '3'));
const setName = arg('set', 'full');
const sets: Record<string, PatternDetector[]> = { full: defaultDetectors, pii: piiDetectors, secrets: secretDetectors };
const detectors = sets[setName] ?? defaultDetectors;

const dir = mkdtempSync(join(tmpdir(), 'trellis-dlp-prof-'));
const { files } = generateCorpus({ dir, sizeBytes: sizeMb * 1024 * 1024, seed: 42 });
const chunks: string[] = [];
let bytes = 0;
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  bytes += Buffer.byteLength(text);
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + 256 * 1024);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end);
      if (nl > at) end = nl + 1;
    }
    chunks.push(text.slice(at, end));
    at = end;
  }
}
rmSync(dir, { recursive: true, force: true });

let findings = 0;
const t0 = performance.now();
for (let r = 0; r < rounds; r++) for (const c of chunks) findings += scan(c, { detectors }).length;
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ set: setName, mb: bytes / 1048576, rounds, findings, mb_per_s: Math.round((bytes * rounds / 1048576 / seconds) * 100) / 100 }));
