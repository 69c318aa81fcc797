/**
 * Profiling harness for the DLP engine: generates the bench corpus once, splits it into the same
 * chunks as run.ts and scans them `--rounds` times with one detector set, so a CPU profile shows
 * the engine rather than start-up and corpus generation.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/dlp/profile.ts [--size MB] [--rounds N] [--set full|pii|secrets]
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
