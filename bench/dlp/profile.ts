/**
 * Profiling harness for the DLP engine: generates the bench corpus once, splits it into the same
 * chunks as run.ts and scans them `--rounds` times with one detector set, so a CPU profile shows
 * the engine rather than start-up and corpus generation.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/dlp/profile.ts [--size MB] [--rounds N] [--set full|pii|secrets]
 *
 * Where the time goes (full set, generated corpus, steady state, self time under scan()):
 * - anchor bookkeeping, ~45%: the profile pass (anchors.ts `profilePass`, one read of the byte view
 *   for digit runs, clusters and tokens, ~20%: about 3 ms/MB, most of it the per-byte loop itself,
 *   since a plain JavaScript loop over a byte array costs ~1 ms/MB on this VM) and placing windows
 *   (`gatedRegions` / `regionsFor`, ~24%): log, JSON and CSV lines carry a digit cluster every ~20
 *   characters, and each of ~20 anchored PII detectors walks them, with a call to its
 *   `anchorConfidence` / `anchorFilter` for those of the right size.
 * - the keyword pass, ~13%: latency-bound table walk, already read as two interleaved halves.
 * - pattern anchors, ~11%: the regexes behind the `pattern` anchors of URL (`://` or `.x`), IPv6
 *   and IBAN run over every text; native `indexOf` would find the URL anchor ~3x faster, but only
 *   through a dedicated anchor kind.
 * - detector regexes, ~15%: PII patterns that still run over the whole text where their anchor is
 *   dense (au-tfn / au-acn / us-itin / us-ssn on the nine-digit ids of the JSON records) and
 *   keyword-gated secrets whose keywords are common words (generic-api-key on "auth", the
 *   Kubernetes patterns); validators and context checks are ~5%.
 * Windows cost ~30-40 ns each (prefix slice and regex entry), so dense windows do not beat one
 * whole-text pass unless the pattern is expensive; the 2048-character spacing limit was measured
 * against lower limits and kept.
 * Cold start is a large part of run.ts's full-set figure at --size 20: compiling the detector set
 * (~35 ms), first use of ~350 regexes (~25 ms) and JIT warm-up make the first ten chunks cost
 * about five times the steady state.
 *
 * Measuring on a shared 2-core VM: compare separate processes (a shared heap makes one engine pay
 * for the other's garbage), alternate them, take medians or minima over several runs, and start
 * the profiler after a warm-up round (inspector `Profiler.start`) to leave corpus generation out.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PatternDetector } from '../../packages/trellis/src/dlp/types.ts';
import { scan } from '../../packages/trellis/src/dlp/scan.ts';
import { defaultDetectors, piiDetectors } from '../../packages/trellis/src/dlp/detectors/index.ts';
import { secretDetectors } from '../../packages/trellis/src/dlp/detectors/secrets/index.ts';
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
