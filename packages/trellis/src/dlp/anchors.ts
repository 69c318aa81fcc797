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

export class TextProfile {
  private clusterData: { starts: number[]; ends: number[]; digits: number[] } | null = null;
  private tokenData: { starts: number[]; ends: number[] } | null = null;
  private runData: { starts: number[]; ends: number[] } | null = null;
  private readonly patternData = new Map<RegExp, { starts: number[]; ends: number[] }>();
  /** Detectors often share an anchor (nine-digit clusters, say); their regions are built once. */
  private readonly regionCache = new Map<DetectorAnchor | string, number[]>();

  constructor(readonly text: string) {}

  /** Maximal groups of digits joined by short runs of separators, with their digit counts. */
  clusters(): { starts: number[]; ends: number[]; digits: number[] } {
    if (this.clusterData) return this.clusterData;
    const starts: number[] = [];
    const ends: number[] = [];
    const digits: number[] = [];
    const text = this.text;
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (c < 48 || c > 57) {
        i++;
        continue;
      }
      const start = i;
      let end = i + 1;
      let count = 1;
      let gap = 0;
      for (i++; i < n; i++) {
        c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) {
          count++;
          gap = 0;
          end = i + 1;
        } else if (isGap(c) && ++gap <= MAX_GAP) {
          continue;
        } else {
          break;
        }
      }
      starts.push(start);
      ends.push(end);
      digits.push(count);
      i = end;
    }
    this.clusterData = { starts, ends, digits };
    return this.clusterData;
  }

  /** Maximal runs of ASCII digits at least two long. */
  runs(): { starts: number[]; ends: number[] } {
    if (this.runData) return this.runData;
    const starts: number[] = [];
    const ends: number[] = [];
    const text = this.text;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) {
        i++;
        continue;
      }
      const start = i;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d < 48 || d > 57) break;
      }
      if (i - start >= 2) {
        starts.push(start);
        ends.push(i);
      }
    }
    this.runData = { starts, ends };
    return this.runData;
  }

  /** Maximal runs of ASCII letters and digits at least `MIN_TOKEN` long. */
  tokens(): { starts: number[]; ends: number[] } {
    if (this.tokenData) return this.tokenData;
    const starts: number[] = [];
    const ends: number[] = [];
    const text = this.text;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (!isAlnum(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < n && isAlnum(text.charCodeAt(i))) i++;
      if (i - start >= MIN_TOKEN) {
        starts.push(start);
        ends.push(i);
      }
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

  /** Windows `[start - before, end + after)` around each candidate of `anchor`, merged, as a flat
   *  list of region bounds `[a0, b0, a1, b1, …]` in ascending order. */
  regions(anchor: DetectorAnchor): number[] {
    const key = anchor.kind === 'pattern' ? anchor : JSON.stringify(anchor);
    const cached = this.regionCache.get(key);
    if (cached) return cached;
    const spans: number[] = [];
    if (anchor.kind === 'digits') {
      const { starts, ends, digits } = this.clusters();
      for (let k = 0; k < starts.length; k++) if (digits[k]! >= anchor.minDigits) spans.push(starts[k]!, ends[k]!);
    } else if (anchor.kind === 'run') {
      const { starts, ends } = this.runs();
      for (let k = 0; k < starts.length; k++) {
        const len = ends[k]! - starts[k]!;
        if (len >= anchor.minLength && len <= anchor.maxLength) spans.push(starts[k]!, ends[k]!);
      }
    } else if (anchor.kind === 'token') {
      const { starts, ends } = this.tokens();
      for (let k = 0; k < starts.length; k++) {
        const len = ends[k]! - starts[k]!;
        if (len >= anchor.minLength && len <= anchor.maxLength) spans.push(starts[k]!, ends[k]!);
      }
    } else {
      const { starts, ends } = this.matches(anchor.pattern);
      for (let k = 0; k < starts.length; k++) spans.push(starts[k]!, ends[k]!);
    }
    const regions = mergeWindows(spans, anchor.before, anchor.after, this.text.length);
    this.regionCache.set(key, regions);
    return regions;
  }
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
