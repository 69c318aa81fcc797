/**
 * Overlap resolution, as Presidio does it: when two findings overlap the one with the higher
 * confidence wins (so a validated card beats a generic bank-number guess); ties go to the longer
 * span, then to secrets over PII.
 *
 * One exception comes first: a secret always beats an overlapping URL or e-mail address.
 * Credentials live inside those (`postgres://user:pass@host/db`, where `pass@host` also reads as
 * an e-mail address), and the longer, equally confident URL would otherwise swallow the password.
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

/** PII entities that embed credentials and so yield to any secret they overlap. */
const SECRET_CONTAINERS: ReadonlySet<string> = new Set(['URL', 'EMAIL_ADDRESS']);

/** Drops URL / e-mail findings that overlap a secret finding. */
function yieldToSecrets(findings: Finding[]): Finding[] {
  const secrets = findings.filter((f) => f.kind === 'secret').sort((a, b) => a.start - b.start);
  if (secrets.length === 0) return findings.slice();
  return findings.filter((f) => {
    if (f.kind === 'secret' || !SECRET_CONTAINERS.has(f.entity)) return true;
    // first secret ending after f starts; it overlaps f when it also starts before f ends
    let lo = 0;
    let hi = secrets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (secrets[mid]!.start < f.end) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo - 1; k >= 0; k--) {
      if (secrets[k]!.end > f.start) return false;
      if (f.start - secrets[k]!.start > MAX_SECRET_SCAN) break;
    }
    return true;
  });
}
/** How far back to look for an overlapping secret (secrets are far shorter than this). */
const MAX_SECRET_SCAN = 65536;

/** Keeps the best of every group of overlapping findings; result sorted by start offset. */
export function resolveOverlaps(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings.slice();
  const byRank = yieldToSecrets(findings).sort(rank);
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
