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
 *
 * Digit runs, digit clusters and tokens come from one pass over the text's byte view
 * (text-bytes.ts) and are kept in typed arrays; only `pattern` anchors run a regex (or, where
 * one is given, a hand-written `find` scan that returns the regex's matches faster).
 */
import type { AnchorSpans, DetectorAnchor } from './types.ts';

/** Byte classes for the profile pass (see `CLASS`): bit 0 marks a digit, bit 1 a letter or digit,
 *  bit 2 a gap character, so `class & 1` and `(class >> 1) & 1` are the 0/1 flags the pass adds. */
const DIGIT = 3;
const LETTER = 2;
/** Characters that may separate the digit groups of one printed number (`415-555 0132`,
 *  `(0) 20`, `12.34.56`, `1234:5678`, `12/34`, `+49 30`). */
const GAP = 4;
const CLASS = classTable();

function classTable(): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 48; c <= 57; c++) t[c] = DIGIT;
  for (let c = 65; c <= 90; c++) t[c] = LETTER;
  for (let c = 97; c <= 122; c++) t[c] = LETTER;
  for (const c of ' -.():/+') t[c.charCodeAt(0)] = GAP;
  return t;
}

/** Longest run of gap characters inside one cluster: `) (` between two groups is three. */
const MAX_GAP = 3;
/** Shortest alphanumeric token worth recording (the shortest token anchor any detector uses). */
const MIN_TOKEN = 9;

/** Candidate spans: candidate `k < count` is `[starts[k], ends[k])`, in ascending order (the
 *  arrays may be longer than `count`: views of typed arrays would cost an allocation each). */
export interface Spans {
  starts: ArrayLike<number>;
  ends: ArrayLike<number>;
  count: number;
}

/** Digit clusters (see `TextProfile.clusters`), with each one's digit count. */
export interface Clusters extends Spans {
  digits: ArrayLike<number>;
}

/** A growable list of offsets. A dense text has tens of thousands of candidates per chunk; typed
 *  buffers keep them out of the garbage collector's way. It starts at 16 offsets (64 bytes), the
 *  largest typed array V8 keeps on its own heap: a bigger one gets a separately allocated backing
 *  store, which for a 1 KB text costs more than the profile pass itself. */
class OffsetList {
  private data = new Int32Array(16);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** The buffer holding the values pushed so far, in its first `length` entries. */
  buffer(): Int32Array {
    return this.data;
  }
}

/** Collects runs and clusters as the profile pass reports digit runs (see `TextProfile.profile`). */
class DigitRuns {
  readonly runStarts = new OffsetList();
  readonly runEnds = new OffsetList();
  readonly clusterStarts = new OffsetList();
  readonly clusterEnds = new OffsetList();
  readonly clusterDigits = new OffsetList();
  /** The cluster being built: `[start, end)` holding `digits` digits; `end` is -1 before the first. */
  private start = -1;
  private end = -1;
  private digits = 0;

  constructor(private readonly bytes: Uint8Array, private readonly minRun: number, private readonly minDigits: number) {}

  /** A maximal digit run `[s, e)`: recorded as a run when long enough, and chained to the current
   *  cluster when only a short gap separates them, else it starts a new cluster. */
  add(s: number, e: number): void {
    if (e - s >= this.minRun) {
      this.runStarts.push(s);
      this.runEnds.push(e);
    }
    if (this.end >= 0 && joinsCluster(this.bytes, this.end, s)) {
      this.end = e;
      this.digits += e - s;
      return;
    }
    this.flush();
    this.start = s;
    this.end = e;
    this.digits = e - s;
  }

  /** Records the current cluster, if any and if it holds enough digits for some anchor (the one-
   *  and two-digit groups of hex ids and times are most clusters of a log line). */
  flush(): void {
    if (this.end < 0 || this.digits < this.minDigits) return;
    this.clusterStarts.push(this.start);
    this.clusterEnds.push(this.end);
    this.clusterDigits.push(this.digits);
  }
}

/** Whether a digit run starting at `next` continues the cluster that ends at `end`: only gap
 *  characters, at most MAX_GAP of them, lie between. */
function joinsCluster(bytes: Uint8Array, end: number, next: number): boolean {
  if (next - end > MAX_GAP) return false;
  for (let i = end; i < next; i++) if (CLASS[bytes[i]!] !== GAP) return false;
  return true;
}

/**
 * The profile pass: reports every maximal digit run to `digitRuns` and records every maximal
 * alphanumeric token at least `minToken` long, in one pass over the byte view, so a detector set
 * that uses all three anchor kinds (as the PII set does) reads the text once instead of three
 * times. The loop keeps the lengths of the alphanumeric run and of the digit run ending at each
 * byte with arithmetic rather than branches (word and number boundaries are too frequent and
 * irregular for branch prediction), and branches only where a digit run or a long token ends.
 * It is a function of its own (not a method that goes on to build objects), so the engine
 * compiles it whole rather than only from inside the loop of its first call.
 */
function profilePass(bytes: Uint8Array, minToken: number, digitRuns: DigitRuns, tokenStarts: OffsetList, tokenEnds: OffsetList): void {
  const n = bytes.length;
  let alnum = 0; // length of the alphanumeric run ending before byte i
  let digits = 0; // length of the digit run ending before byte i
  // one step past the end (read as a separator) closes the last runs inside the loop: code after
  // a loop that the engine compiled while inside it has no type feedback and drops it back to the
  // interpreter on every call
  for (let i = 0; i <= n; i++) {
    const k = i < n ? CLASS[bytes[i]!]! : 0;
    const isDigit = k & 1;
    const isAlnum = (k >> 1) & 1;
    // non-zero only where a run ends at i: the branches below are taken once per run, not per byte
    const digitsEnded = digits * (isDigit ^ 1);
    if (digitsEnded !== 0) digitRuns.add(i - digitsEnded, i);
    if (alnum * (isAlnum ^ 1) >= minToken) {
      tokenStarts.push(i - alnum);
      tokenEnds.push(i);
    }
    digits = (digits + 1) * isDigit;
    alnum = (alnum + 1) * isAlnum;
  }
}

interface ProfileData {
  runs: Spans;
  clusters: Clusters;
  tokens: Spans;
}

export class TextProfile {
  private data: ProfileData | null = null;
  private readonly patternData = new Map<RegExp, Spans & { complete: boolean }>();
  /** Detectors often share an anchor (nine-digit clusters, say); their regions are built once. */
  private readonly regionCache = new Map<DetectorAnchor | string, number[]>();
  /** Candidates per anchor; `spans` is null when there were more than `limit`. */
  private readonly spanCache = new Map<RegExp | string, { spans: number[] | null; limit: number }>();

  /** `bytes`: the text's byte view (text-bytes.ts). `minRun` / `minToken` / `minDigits`: the
   *  shortest run / token / cluster (in digits) any anchor of the detector set asks for; shorter
   *  ones are not recorded, which skips the many short numbers and words of ordinary text. */
  constructor(readonly text: string, readonly bytes: Uint8Array, readonly minRun = 2, readonly minToken = MIN_TOKEN, readonly minDigits = 1) {}

  /** Maximal groups of digits joined by short runs of separators, with their digit counts; those
   *  with fewer than `minDigits` digits are left out. */
  clusters(): Clusters {
    return this.profile().clusters;
  }

  /** Maximal runs of ASCII digits at least `minRun` long. */
  runs(): Spans {
    return this.profile().runs;
  }

  /** Maximal runs of ASCII letters and digits at least `minToken` (and `MIN_TOKEN`) long. */
  tokens(): Spans {
    return this.profile().tokens;
  }

  /** Runs, clusters and tokens, from one pass over the byte view (see `profilePass`). */
  private profile(): ProfileData {
    if (this.data) return this.data;
    const digitRuns = new DigitRuns(this.bytes, Math.min(Math.max(2, this.minRun), 64), this.minDigits);
    const tokenStarts = new OffsetList();
    const tokenEnds = new OffsetList();
    profilePass(this.bytes, Math.max(MIN_TOKEN, this.minToken), digitRuns, tokenStarts, tokenEnds);
    digitRuns.flush();
    this.data = {
      runs: { starts: digitRuns.runStarts.buffer(), ends: digitRuns.runEnds.buffer(), count: digitRuns.runStarts.length },
      clusters: { starts: digitRuns.clusterStarts.buffer(), ends: digitRuns.clusterEnds.buffer(), digits: digitRuns.clusterDigits.buffer(), count: digitRuns.clusterStarts.length },
      tokens: { starts: tokenStarts.buffer(), ends: tokenEnds.buffer(), count: tokenStarts.length },
    };
    return this.data;
  }

  /** Spans of the matches of a pattern anchor's (global) regex, from its `find` scan when it has
   *  one; computed once per pattern per text. With `limit` the regex may stop after `limit + 1`
   *  matches (`complete` false): a caller that only asks whether there are more than `limit`
   *  candidates (a dense anchor, which runs over the whole text) needs no more, and on a text
   *  full of dots collecting every '.x' of the URL anchor cost more than the URL pattern's own run
   *  (an array per match). */
  matches(anchor: Extract<DetectorAnchor, { kind: 'pattern' }>, limit = Infinity): Spans & { complete: boolean } {
    const re = anchor.pattern;
    const cached = this.patternData.get(re);
    if (cached && (cached.complete || cached.count > limit)) return cached;
    const found = anchor.find ? { ...anchor.find(this.text), complete: true } : regexSpans(re, this.text, limit);
    const data = { starts: found.starts, ends: found.ends, count: found.starts.length, complete: found.complete };
    this.patternData.set(re, data);
    return data;
  }

  /** Where the candidates of `anchor` come from, without copying them: candidate `k` is
   *  `[starts[k], ends[k])` when its size (`sizes[k]`, else its length) is within `lo..hi`. With
   *  `limit`, a pattern anchor's list may end after its first `limit + 1` candidates (see
   *  `matches`). */
  source(anchor: DetectorAnchor, limit = Infinity): Spans & { sizes: ArrayLike<number> | null; lo: number; hi: number } {
    if (anchor.kind === 'digits') {
      const { starts, ends, digits, count } = this.clusters();
      return { starts, ends, count, sizes: digits, lo: anchor.minDigits, hi: Infinity };
    }
    if (anchor.kind === 'pattern') {
      const { starts, ends, count } = this.matches(anchor, limit);
      return { starts, ends, count, sizes: null, lo: 0, hi: Infinity };
    }
    const { starts, ends, count } = anchor.kind === 'run' ? this.runs() : this.tokens();
    return { starts, ends, count, sizes: null, lo: anchor.minLength, hi: anchor.maxLength };
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
    // every candidate of a pattern anchor is within its size range, so the first `limit + 1` decide
    const { starts, ends, count, sizes, lo, hi } = this.source(anchor, limit);
    let spans: number[] | null = [];
    for (let k = 0; k < count; k++) {
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

/** Spans of the matches of global regex `re` in `text`: all of them, or the first `limit + 1`
 *  when there are more (`complete` false). */
function regexSpans(re: RegExp, text: string, limit: number): AnchorSpans & { complete: boolean } {
  const starts: number[] = [];
  const ends: number[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    starts.push(m.index);
    ends.push(m.index + m[0].length);
    if (starts.length > limit) {
      re.lastIndex = 0;
      return { starts, ends, complete: false };
    }
    if (m[0].length === 0) re.lastIndex++;
  }
  return { starts, ends, complete: true };
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
    pushMerged(out, Math.max(0, spans[k]! - before), Math.min(length, spans[k + 1]! + after));
  }
  return out;
}

/** Appends window `[a, b)` to `out` (`[s0, e0, s1, e1, …]`, sorted by start), merging it into the
 *  last window when they overlap or touch. */
export function pushMerged(out: number[], a: number, b: number): void {
  const last = out.length - 1;
  if (last > 0 && a <= out[last]!) {
    if (b > out[last]!) out[last] = b;
  } else {
    out.push(a, b);
  }
}
