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
  // reach[k]: the furthest end among secrets[0..k], so one lookup says whether any secret that
  // starts before f ends also ends after f starts (a scan back over the secrets would be
  // quadratic in a text dense with both)
  const reach: number[] = [];
  for (const s of secrets) reach.push(Math.max(s.end, reach.at(-1) ?? 0));
  return findings.filter((f) => {
    if (f.kind === 'secret' || !SECRET_CONTAINERS.has(f.entity)) return true;
    const before = lowerBound(secrets.length, (k) => secrets[k]!.start < f.end);
    return before === 0 || reach[before - 1]! <= f.start;
  });
}

/** The number of leading indexes in `[0, n)` for which `below` holds (it holds on a prefix). */
function lowerBound(n: number, below: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (below(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The positions `0..n-1` taken so far, as a Fenwick tree of counts: taking one, counting those
 * below a position and finding the k-th taken each cost O(log n), where a sorted array of taken
 * spans costs O(n) per insertion once findings arrive out of start order.
 */
class TakenPositions {
  private readonly tree: Int32Array;
  private top = 1;
  size = 0;

  constructor(private readonly n: number) {
    this.tree = new Int32Array(n + 1);
    while (this.top * 2 <= n) this.top *= 2;
  }

  take(position: number): void {
    for (let i = position + 1; i <= this.n; i += i & -i) this.tree[i]!++;
    this.size++;
  }

  /** How many taken positions are below `position`. */
  countBelow(position: number): number {
    let c = 0;
    for (let i = position; i > 0; i -= i & -i) c += this.tree[i]!;
    return c;
  }

  /** The `k`-th smallest taken position (k from 1). */
  kth(k: number): number {
    let at = 0;
    for (let step = this.top; step > 0; step >>= 1) {
      if (at + step <= this.n && this.tree[at + step]! < k) {
        at += step;
        k -= this.tree[at]!;
      }
    }
    return at;
  }
}

/**
 * Keeps the best of every group of overlapping findings; result sorted by start offset. Findings
 * are accepted best first; the accepted never overlap each other, so a candidate need only be
 * checked against the accepted ones just before and just after its start.
 */
export function resolveOverlaps(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings.slice();
  const candidates = yieldToSecrets(findings);
  const n = candidates.length;
  const inStartOrder = Array.from({ length: n }, (_, i) => i).sort((x, y) => candidates[x]!.start - candidates[y]!.start);
  const position = new Int32Array(n);
  inStartOrder.forEach((i, p) => (position[i] = p));
  const startAt = (p: number) => candidates[inStartOrder[p]!]!;
  const taken = new TakenPositions(n);
  for (const i of Array.from({ length: n }, (_, k) => k).sort((x, y) => rank(candidates[x]!, candidates[y]!))) {
    const f = candidates[i]!;
    // positions below `at` start before f; taken ones from `at` on start at or after it
    const at = lowerBound(n, (p) => startAt(p).start < f.start);
    const below = taken.countBelow(at);
    if (below > 0 && startAt(taken.kth(below)).end > f.start) continue;
    if (below < taken.size && startAt(taken.kth(below + 1)).start < f.end) continue;
    taken.take(position[i]!);
  }
  const kept: Finding[] = [];
  for (let k = 1; k <= taken.size; k++) kept.push(startAt(taken.kth(k)));
  return kept;
}
