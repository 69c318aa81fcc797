/**
 * Candidate regions for detectors that have no keyword: a cheap profile of the text, built at
 * most once per scanned text and shared by every detector that asks for it, says where a match
 * can possibly be (digit clusters for the numeric identifiers, alphanumeric tokens of the right
 * length for the fixed-width codes, a literal such as '@' for e-mail). The engine then runs the
 * detector's pattern only in a small window around each candidate instead of over the whole
 * text, which is what makes a set of ~40 PII patterns cheap on text that is mostly not PII.
 *
 * Each anchor kind is sound for the detectors that use it: every character a match can contain
 * belongs to the anchor's alphabet, so a match always lies within `before`/`after` characters of
 * some candidate (see the `anchor` notes on each detector).
 */
import type { DetectorAnchor } from './types.ts';

/** Characters that may separate the digit groups of one printed number (`415-555 0132`,
 *  `(0) 20`, `12.34.56`, `1234:5678`, `12/34`). */
function isGap(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 58 || c === 47 || c === 43;
}
/** Longest run of gap characters inside one cluster: `) (` between two groups is three. */
const MAX_GAP = 3;
/** Shortest alphanumeric token worth recording (the shortest token anchor any detector uses). */
const MIN_TOKEN = 9;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A digit cluster (see `clusters`): digit runs joined by gap runs of at most MAX_GAP characters. */
const CLUSTER = /\d+(?:[ \-.():/+]{1,3}\d+)*/g;
/** A run of at least n digits, by n. */
const RUNS = new Map<number, RegExp>();

export class TextProfile {
  private clusterData: { starts: number[]; ends: number[]; digits: number[] } | null = null;
  private tokenData: { starts: number[]; ends: number[] } | null = null;
  private runData: { starts: number[]; ends: number[] } | null = null;
  private readonly patternData = new Map<RegExp, { starts: number[]; ends: number[] }>();
  /** Detectors often share an anchor (nine-digit clusters, say); their regions are built once. */
  private readonly regionCache = new Map<DetectorAnchor | string, number[]>();
  /** Candidates per anchor; `spans` is null when there were more than `limit`. */
  private readonly spanCache = new Map<RegExp | string, { spans: number[] | null; limit: number }>();

  /** `minRun` / `minToken`: the shortest run / token any anchor of the detector set asks for;
   *  shorter ones are not recorded, which skips the many short numbers and words of ordinary text. */
  constructor(readonly text: string, readonly minRun = 2, readonly minToken = MIN_TOKEN) {}

  /** Maximal groups of digits joined by short runs of separators, with their digit counts. */
  clusters(): { starts: number[]; ends: number[]; digits: number[] } {
    if (this.clusterData) return this.clusterData;
    const starts: number[] = [];
    const ends: number[] = [];
    const digits: number[] = [];
    const text = this.text;
    // the regex finds each cluster's end without allocating; walking back from it over digits
    // and gap runs of at most MAX_GAP gives the same start and the digit count
    const re = CLUSTER;
    re.lastIndex = 0;
    while (re.test(text)) {
      const end = re.lastIndex;
      let i = end - 1;
      let count = 0;
      for (;;) {
        count++;
        let j = i - 1;
        while (j >= 0 && isGap(text.charCodeAt(j)) && i - j <= MAX_GAP) j--;
        if (j < 0) break;
        const c = text.charCodeAt(j);
        if (c < 48 || c > 57 || i - j - 1 > MAX_GAP) break;
        i = j;
      }
      starts.push(i);
      ends.push(end);
      digits.push(count);
    }
    this.clusterData = { starts, ends, digits };
    return this.clusterData;
  }

  /** Maximal runs of ASCII digits at least `minRun` long. */
  runs(): { starts: number[]; ends: number[] } {
    if (this.runData) return this.runData;
    const starts: number[] = [];
    const ends: number[] = [];
    const text = this.text;
    const min = Math.min(Math.max(2, this.minRun), 64);
    let re = RUNS.get(min);
    if (!re) RUNS.set(min, (re = new RegExp(`\\d{${min},}`, 'g')));
    re.lastIndex = 0;
    while (re.test(text)) {
      const end = re.lastIndex;
      let i = end - min;
      while (i > 0 && isDigit(text.charCodeAt(i - 1))) i--;
      starts.push(i);
      ends.push(end);
    }
    this.runData = { starts, ends };
    return this.runData;
  }

  /** Maximal runs of ASCII letters and digits at least `minToken` (and `MIN_TOKEN`) long. */
  tokens(): { starts: number[]; ends: number[] } {
    if (this.tokenData) return this.tokenData;
    const starts: number[] = [];
    const ends: number[] = [];
    const text = this.text;
    const n = text.length;
    const min = Math.max(MIN_TOKEN, this.minToken);
    let i = 0;
    while (i < n) {
      if (!isAlnum(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      // every token starting before the first non-alphanumeric character at or before
      // start + min - 1 is shorter than `min`: look there first and skip them all
      const probe = start + min - 1;
      if (probe >= n) break;
      if (!isAlnum(text.charCodeAt(probe))) {
        i = probe + 1;
        continue;
      }
      let k = probe - 1;
      while (k > start && isAlnum(text.charCodeAt(k))) k--;
      if (k > start) {
        i = k + 1;
        continue;
      }
      i = probe + 1;
      while (i < n && isAlnum(text.charCodeAt(i))) i++;
      starts.push(start);
      ends.push(i);
    }
    this.tokenData = { starts, ends };
    return this.tokenData;
  }

  /** Spans of every match of a (global) anchor pattern; computed once per pattern per text. */
  matches(re: RegExp): { starts: number[]; ends: number[] } {
    const cached = this.patternData.get(re);
    if (cached) return cached;
    const starts: number[] = [];
    const ends: number[] = [];
    re.lastIndex = 0;
    for (let m = re.exec(this.text); m !== null; m = re.exec(this.text)) {
      starts.push(m.index);
      ends.push(m.index + m[0].length);
      if (m[0].length === 0) re.lastIndex++;
    }
    const data = { starts, ends };
    this.patternData.set(re, data);
    return data;
  }

  /** Where the candidates of `anchor` come from, without copying them: candidate `k` is
   *  `[starts[k], ends[k])` when its size (`sizes[k]`, else its length) is within `lo..hi`. */
  source(anchor: DetectorAnchor): { starts: number[]; ends: number[]; sizes: number[] | null; lo: number; hi: number } {
    if (anchor.kind === 'digits') {
      const { starts, ends, digits } = this.clusters();
      return { starts, ends, sizes: digits, lo: anchor.minDigits, hi: Infinity };
    }
    if (anchor.kind === 'pattern') return { ...this.matches(anchor.pattern), sizes: null, lo: 0, hi: Infinity };
    const { starts, ends } = anchor.kind === 'run' ? this.runs() : this.tokens();
    return { starts, ends, sizes: null, lo: anchor.minLength, hi: anchor.maxLength };
  }

  /** The candidates of `anchor` as a flat list of spans `[s0, e0, s1, e1, …]` in ascending order,
   *  or null as soon as there are more than `limit` of them. */
  spans(anchor: DetectorAnchor, limit = Infinity): number[] | null {
    const key = anchor.kind === 'pattern' ? anchor.pattern : anchorKey(anchor, false);
    const cached = this.spanCache.get(key);
    if (cached) {
      if (cached.spans !== null) return cached.spans.length / 2 > limit ? null : cached.spans;
      if (limit <= cached.limit) return null;
    }
    const { starts, ends, sizes, lo, hi } = this.source(anchor);
    let spans: number[] | null = [];
    for (let k = 0; k < starts.length; k++) {
      const size = sizes !== null ? sizes[k]! : ends[k]! - starts[k]!;
      if (size < lo || size > hi) continue;
      if (spans.length >= 2 * limit) {
        spans = null;
        break;
      }
      spans.push(starts[k]!, ends[k]!);
    }
    this.spanCache.set(key, { spans, limit });
    return spans;
  }

  /** Windows `[start - before, end + after)` around each candidate of `anchor`, merged, as a flat
   *  list of region bounds `[a0, b0, a1, b1, …]` in ascending order; null when there are more than
   *  `limit` candidates (a dense anchor: one pass over the whole text is cheaper). */
  regions(anchor: DetectorAnchor, limit = Infinity): number[] | null {
    const key = anchor.kind === 'pattern' ? anchor : anchorKey(anchor, true);
    const cached = this.regionCache.get(key);
    if (cached) return cached;
    const spans = this.spans(anchor, limit);
    if (spans === null) return null;
    const regions = mergeWindows(spans, anchor.before, anchor.after, this.text.length);
    this.regionCache.set(key, regions);
    return regions;
  }
}

/** Cache key of a non-pattern anchor: the fields that select candidates, and with `windows` the
 *  window sizes too. */
function anchorKey(anchor: Exclude<DetectorAnchor, { kind: 'pattern' }>, windows: boolean): string {
  const select = anchor.kind === 'digits' ? `d${anchor.minDigits}` : `${anchor.kind}${anchor.minLength}-${anchor.maxLength}`;
  return windows ? `${select}:${anchor.before}:${anchor.after}` : select;
}

/** Widens sorted-by-start spans `[s0, e0, s1, e1, …]` by `before`/`after`, clamps them to the
 *  text and merges overlapping or touching windows. */
export function mergeWindows(spans: number[], before: number, after: number, length: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < spans.length; k += 2) {
    const a = Math.max(0, spans[k]! - before);
    const b = Math.min(length, spans[k + 1]! + after);
    const last = out.length - 1;
    if (last > 0 && a <= out[last]!) {
      if (b > out[last]!) out[last] = b;
    } else {
      out.push(a, b);
    }
  }
  return out;
}
