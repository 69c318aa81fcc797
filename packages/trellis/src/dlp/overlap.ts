/**
 * Overlap resolution, as Presidio does it: when two findings overlap the one with the higher
 * confidence wins (so a validated card beats a generic bank-number guess and a secret beats a
 * URL); ties go to the longer span, then to secrets over PII.
 */
import type { Finding } from './types.ts';

function rank(a: Finding, b: Finding): number {
  if (b.confidence !== a.confidence) return b.confidence - a.confidence;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (lb !== la) return lb - la;
  if (a.kind !== b.kind) return a.kind === 'secret' ? -1 : b.kind === 'secret' ? 1 : 0;
  return a.start - b.start;
}

/** Keeps the best of every group of overlapping findings; result sorted by start offset. */
export function resolveOverlaps(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings.slice();
  const byRank = findings.slice().sort(rank);
  // accepted spans kept sorted by start; they never overlap each other, so neighbours suffice
  const kept: Finding[] = [];
  for (const f of byRank) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.start < f.start) lo = mid + 1;
      else hi = mid;
    }
    const prev = kept[lo - 1];
    const next = kept[lo];
    if (prev && prev.end > f.start) continue;
    if (next && next.start < f.end) continue;
    kept.splice(lo, 0, f);
  }
  return kept;
}
