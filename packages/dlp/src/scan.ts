/**
 * The scan engine: runs pattern detectors over a text and returns resolved findings.
 *
 * Speed comes from running each pattern over as little text as possible. One Aho-Corasick pass
 * (keywords.ts) records where every detector keyword occurs; a keyword-gated pattern then runs
 * only in a window around each occurrence, sized from the pattern's longest possible match
 * (regex-bounds.ts), so a broad keyword such as "key" costs a few hundred characters per
 * occurrence instead of a pass over the whole text. Detectors without keywords declare a cheap
 * trigger (an '@', enough digits) checked against the text, and an anchor: candidates such as
 * digit clusters or '@' found once per text (anchors.ts), around which their pattern runs.
 * Validators, entropy and context words only run on matches. A detector whose candidates can be
 * too weak to report on their own (a bare digit run read as a phone number or SSN; see
 * `anchorConfidence` / `maxConfidence`) keeps such a candidate only when one of its context words
 * (found by the same keyword pass) is near it, and a dense anchor, whose windows would cover most
 * of the text anyway, gives way to one whole-text pass as soon as that is clear.
 *
 * A windowed run finds what a whole-text run finds: every window starts the regex with the real
 * text before it (the window is a prefix slice, so look-behinds and `\b` see true context), and a
 * match that reaches the end of its window is re-run on the whole text to undo any effect of the
 * cut. An anchored detector's windows are also widened to edges no match can span (a character
 * its pattern never consumes, regex-alphabet.ts), so a match the whole-text run makes and then
 * rejects cannot straddle a window's start and shift the matches after it (`syncRegions`). `scanReference` keeps the plain whole-text run as the oracle tests compare against.
 * The per-detector steps follow the contract documented on `PatternDetector` in types.ts.
 */
import type { Finding, PatternDetector, ScanOptions } from './types.ts';
import { CONTEXT_AFTER, CONTEXT_BEFORE, boosted, hasContext } from './context.ts';
import { resolveOverlaps } from './overlap.ts';
import { shannonEntropy } from './validators/entropy.ts';
import { defaultDetectors } from './detectors/index.ts';
import { KeywordMatcher } from './keywords.ts';
import { TextProfile, mergeWindows, pushMerged } from './anchors.ts';
import { maxMatchLength } from './regex-bounds.ts';
import { matchAlphabet } from './regex-alphabet.ts';
import { releaseTextBytes, textBytes } from './text-bytes.ts';

export const DEFAULT_MIN_CONFIDENCE = 0.5;
/** How much a documented test value loses; it stays visible with `includeTestValues`. */
const TEST_VALUE_PENALTY = 0.3;
/** Smallest window around a keyword: a keyword need not be inside the match (a provider name a
 *  few words before its key), so windows never shrink below this even for short patterns. */
const MIN_WINDOW_BEFORE = 256;
const MIN_WINDOW_AFTER = 512;
/** A match ending this close to the end of its window may have been shaped by the cut (a
 *  look-ahead or `$` that saw the end, a greedy run that stopped there): it is re-run on the
 *  whole text. Longer than any look-ahead the detectors use. */
const EDGE = 16;
/** Below this average spacing between windows one whole-text pass is cheaper than many short
 *  ones (each window costs a slice and a regex entry). */
const MIN_WINDOW_SPACING = 2048;
/** A short text may have this many windows whatever its length: a whole-text pass still costs a
 *  regex entry per character position, where a window costs a slice and one entry (~30-40 ns),
 *  so for the 1 KB texts of an API call a few windows beat one pass over the whole text. */
const MIN_WINDOWS = 16;

interface CompiledSet {
  detectors: PatternDetector[];
  matcher: KeywordMatcher | null;
  /** keyword index (in matcher order) → indexes of detectors gated by it */
  owners: number[][];
  /** detector index → indexes of its own keywords (not its context words) */
  keywordsOf: number[][];
  /** keyword index → its length */
  keywordLength: number[];
  /** detector index → window around a keyword occurrence (Infinity: the whole text) */
  before: number[];
  after: number[];
  ungated: number[];
  /** keyword index → weak detectors (see `maxConfidence`) that one of their context words wakes */
  contextOwners: number[][];
  triggerChars: string[];
  /** detector index → indexes into `triggerChars` of its trigger's `anyOf` characters, or null */
  triggerOf: Array<number[] | null>;
  maxDigits: number;
  /** detector index → keyword indexes of the words of its context words, for anchored detectors
   *  whose weak candidates need a context word nearby (see `anchorConfidence`); else null */
  gateWords: Array<number[] | null>;
  /** detector index → keyword indexes of the longest word of each of its context words: a context
   *  word can be near a match only if its longest word occurs somewhere in the text (see
   *  `contextKeyEnds`); empty for detectors without context words */
  contextKeys: number[][];
  /** detector index → bytes its matches may contain (regex-alphabet.ts), for anchored detectors;
   *  null when any byte may (such a detector always runs over the whole text) */
  alphabets: Array<Uint8Array | null>;
  /** Shortest digit run / alphanumeric token / cluster (in digits) any `run` / `token` /
   *  `digits` anchor of the set asks for. */
  minRun: number;
  minToken: number;
  minDigits: number;
}

const compiledCache = new WeakMap<PatternDetector[], CompiledSet>();

export function compileDetectorSet(detectors: PatternDetector[]): CompiledSet {
  const cached = compiledCache.get(detectors);
  if (cached) return cached;
  const owners = new Map<string, number[]>();
  const contextOwners = new Map<string, number[]>();
  const ungated: number[] = [];
  const chars = new Set<string>();
  const before: number[] = [];
  const after: number[] = [];
  let maxDigits = 0;
  const gateParts: Array<string[] | null> = [];
  detectors.forEach((d, i) => {
    // A context word counts anywhere in the few characters around a match (context.ts), even
    // across the gap between the text before and after it, so every word of it is looked for.
    const gated = d.anchor !== undefined && (d.anchorConfidence !== undefined || d.maxConfidence !== undefined);
    const parts = gated ? [...new Set((d.context ?? []).flatMap((w) => w.toLowerCase().split(' ')).filter((w) => w.length > 0))] : null;
    gateParts.push(parts);
    for (const k of parts ?? []) if (!owners.has(k)) owners.set(k, []);
    if (d.keywords.length === 0) ungated.push(i);
    for (const kw of d.keywords) {
      const k = kw.toLowerCase();
      const list = owners.get(k) ?? [];
      if (!list.includes(i)) list.push(i);
      owners.set(k, list);
    }
    if (d.maxConfidence !== undefined) {
      for (const w of d.context ?? []) {
        const k = w.toLowerCase();
        const list = contextOwners.get(k) ?? [];
        list.push(i);
        contextOwners.set(k, list);
        if (!owners.has(k)) owners.set(k, []);
      }
    }
    for (const k of contextKeyWords(d)) if (!owners.has(k)) owners.set(k, []);
    for (const c of d.trigger?.anyOf ?? '') chars.add(c);
    maxDigits = Math.max(maxDigits, d.trigger?.minDigits ?? 0);
    const longest = d.window ? 0 : maxMatchLength(d.pattern);
    before.push(d.window?.before ?? Math.max(MIN_WINDOW_BEFORE, longest));
    after.push(d.window?.after ?? Math.max(MIN_WINDOW_AFTER, longest));
  });
  const keywords = [...owners.keys()];
  const matcher = keywords.length > 0 ? new KeywordMatcher(keywords) : null;
  const keywordIndex = new Map(keywords.map((k, idx) => [k, idx]));
  const set: CompiledSet = {
    detectors, matcher, owners: keywords.map((k) => owners.get(k)!), contextOwners: keywords.map((k) => contextOwners.get(k) ?? []),
    keywordsOf: detectors.map((d) => [...new Set(d.keywords.map((kw) => keywordIndex.get(kw.toLowerCase())!))]),
    keywordLength: keywords.map((k) => k.length),
    before, after, ungated, triggerChars: [...chars], maxDigits,
    triggerOf: detectors.map((d) => (d.trigger?.anyOf !== undefined ? [...new Set(d.trigger.anyOf)].map((c) => [...chars].indexOf(c)) : null)),
    minRun: detectors.reduce((m, d) => (d.anchor?.kind === 'run' ? Math.min(m, d.anchor.minLength) : m), 2 ** 30),
    minToken: detectors.reduce((m, d) => (d.anchor?.kind === 'token' ? Math.min(m, d.anchor.minLength) : m), 2 ** 30),
    minDigits: detectors.reduce((m, d) => (d.anchor?.kind === 'digits' ? Math.min(m, d.anchor.minDigits) : m), 2 ** 30),
    gateWords: gateParts.map((parts) => (parts ? parts.map((k) => keywordIndex.get(k)!) : null)),
    contextKeys: detectors.map((d) => contextKeyWords(d).map((k) => keywordIndex.get(k)!)),
    alphabets: detectors.map((d) => (d.anchor ? matchAlphabet(d.pattern) : null)),
  };
  compiledCache.set(detectors, set);
  return set;
}

/** The longest word of each of `d`'s context words, lower-cased (one is enough to rule a context
 *  word out, and a longer word occurs less often, so it costs the keyword pass fewer hits). */
function contextKeyWords(d: PatternDetector): string[] {
  const longest = (w: string) => w.toLowerCase().split(' ').reduce((a, b) => (b.length > a.length ? b : a), '');
  return [...new Set((d.context ?? []).map(longest).filter((w) => w.length > 0))];
}

/**
 * Where detector `i`'s context words can occur: each needs its longest word, and the keyword pass
 * reports every word that JavaScript's lower-casing in context.ts could find (see keywords.ts).
 * Returns the end offsets of those longest words (one ascending list per word that occurs), or
 * null when none occurs, and the per-match context check is skipped.
 */
export function contextKeyEnds(set: CompiledSet, i: number, hits: ReadonlyArray<number[] | undefined>): number[][] | null {
  let lists: number[][] | null = null;
  for (const k of set.contextKeys[i]!) {
    const list = hits[k];
    if (list !== undefined) (lists ??= []).push(list);
  }
  return lists;
}

/**
 * Whether a context word can be near the match `[start, end)`: `hasContext` looks at most
 * CONTEXT_BEFORE characters before it and CONTEXT_AFTER after it, and a context word found there
 * holds its longest word, which then ends inside that stretch. One binary search per word replaces
 * a walk over the stretch for every context word of the detector.
 */
export function contextNear(keyEnds: readonly number[][], start: number, end: number): boolean {
  const lo = start - CONTEXT_BEFORE;
  const hi = end + CONTEXT_AFTER;
  for (const ends of keyEnds) {
    // the first end offset after lo
    let a = 0;
    let b = ends.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (ends[mid]! <= lo) a = mid + 1;
      else b = mid;
    }
    if (a < ends.length && ends[a]! <= hi) return true;
  }
  return false;
}

/** Decodes bytes leniently: invalid UTF-8 becomes U+FFFD instead of an error. */
export function toText(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
}

/** ASCII digits in the text's byte view, counting stops at `cap`. */
function countDigits(bytes: Uint8Array, cap: number): number {
  if (cap === 0) return 0;
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 48 && c <= 57 && ++n >= cap) return n;
  }
  return n;
}

/** Which detectors may fire on this text (prefilter), as indexes into the set, ascending, given
 *  the keywords that occur (`found`, from the keyword pass). Called once per scan, so it builds
 *  no sets or closures and never walks the whole keyword list: marks in one byte array. */
function selectDetectors(set: CompiledSet, text: string, bytes: Uint8Array, found: readonly number[], minConfidence: number): number[] {
  const n = set.detectors.length;
  // bit 0: selected; bit 1: woken by a context word (see `maxConfidence`)
  if (selectMarks.length < n) selectMarks = new Uint8Array(n);
  const marks = selectMarks;
  marks.fill(0, 0, n);
  for (const k of found) {
    for (const i of set.owners[k]!) marks[i]! |= 1;
    for (const i of set.contextOwners[k]!) marks[i]! |= 2;
  }
  // which trigger characters occur: -1 not yet known, else 0 / 1
  const present = new Int8Array(set.triggerChars.length).fill(-1);
  const digits = countDigits(bytes, set.maxDigits);
  for (const i of set.ungated) {
    const d = set.detectors[i]!;
    if (d.maxConfidence !== undefined && d.maxConfidence < minConfidence && (marks[i]! & 2) === 0) continue;
    if (d.trigger?.minDigits !== undefined && digits < d.trigger.minDigits) continue;
    const anyOf = set.triggerOf[i];
    if (anyOf !== null && !anyPresent(set.triggerChars, anyOf, present, text)) continue;
    marks[i]! |= 1;
  }
  const selected: number[] = [];
  for (let i = 0; i < n; i++) if ((marks[i]! & 1) !== 0) selected.push(i);
  return selected;
}

/** Scratch marks for `selectDetectors`, reused from scan to scan: a typed array of a few hundred
 *  bytes gets a backing store of its own, which costs more than the selection itself on a 1 KB
 *  text. (Only `selectDetectors` uses it, and it calls nothing that could scan.) */
let selectMarks = new Uint8Array(0);

/** Whether one of the trigger characters `which` occurs in the text; `present` caches each
 *  character's answer for the rest of the scan. */
function anyPresent(chars: readonly string[], which: readonly number[], present: Int8Array, text: string): boolean {
  for (const c of which) {
    if (present[c] === -1) present[c] = text.includes(chars[c]!) ? 1 : 0;
    if (present[c] === 1) return true;
  }
  return false;
}

/** Regions `[a0, b0, a1, b1, …]` around the occurrences of detector `i`'s keywords. */
function keywordRegions(set: CompiledSet, i: number, hits: ReadonlyArray<number[] | undefined>, length: number): number[] {
  const before = set.before[i]!;
  const after = set.after[i]!;
  if (before === Infinity || after === Infinity) return [0, length];
  const spans: number[] = [];
  let lists = 0;
  for (const k of set.keywordsOf[i]!) {
    const ends = hits[k];
    if (ends === undefined) continue;
    lists++;
    const len = set.keywordLength[k]!;
    for (const e of ends) spans.push(e - len, e);
  }
  if (lists > 1) {
    // several keywords: their occurrence lists are each sorted; order the spans by start
    const order: number[] = [];
    for (let k = 0; k < spans.length; k += 2) order.push(k);
    order.sort((x, y) => spans[x]! - spans[y]!);
    const sorted: number[] = [];
    for (const k of order) sorted.push(spans[k]!, spans[k + 1]!);
    return mergeWindows(sorted, before, after, length);
  }
  return mergeWindows(spans, before, after, length);
}

/**
 * Regions for anchored detector `i` whose candidates are filtered (`anchorFilter`) or may be too
 * weak to report on their own: a candidate the filter rejects, or whose confidence bound
 * (`anchorConfidence`, else `maxConfidence`) is negative, gets no window; one whose bound is below
 * the threshold is kept only when a context word could raise it and one of the detector's context
 * words ends near it (within the window plus the context reach), so its pattern, validator and
 * context check never run on the many bare numbers that nothing marks as PII.
 */
function gatedRegions(set: CompiledSet, i: number, text: string, profile: TextProfile, hits: ReadonlyArray<number[] | undefined>, minConfidence: number, limit: number): number[] | null {
  const d = set.detectors[i]!;
  const anchor = d.anchor!;
  const filter = d.anchorFilter;
  const fixed = d.anchorConfidence ? null : (d.maxConfidence ?? 1);
  if (!filter && fixed !== null && round(fixed) >= minConfidence) return profile.regions(anchor, limit);
  const gateWords = set.gateWords[i];
  const ends = gateWords ? contextEnds(gateWords, hits) : [];
  const { starts, ends: candidateEnds, count, sizes, lo: minSize, hi: maxSize } = profile.source(anchor);
  const kept: number[] = [];
  const reachBefore = anchor.before + CONTEXT_BEFORE;
  const reachAfter = anchor.after + CONTEXT_AFTER;
  let p = 0;
  for (let k = 0; k < count; k++) {
    const s = starts[k]!;
    const e = candidateEnds[k]!;
    const size = sizes !== null ? sizes[k]! : e - s;
    if (size < minSize || size > maxSize) continue;
    if (filter && !filter(text, s, e, size)) continue;
    const bound = fixed ?? d.anchorConfidence!(text, s, e, size);
    if (bound < 0) continue;
    if (round(bound) < minConfidence) {
      if (round(boosted(bound, d.contextConfidence)) < minConfidence) continue;
      // a context word lies wholly in [s - reachBefore, e + reachAfter), so it ends inside it
      const lo = s - reachBefore;
      while (p < ends.length && ends[p]! <= lo) p++;
      if (p === ends.length || ends[p]! > e + reachAfter) continue;
    }
    if (kept.length >= 2 * limit) return null; // dense: one whole-text pass is cheaper
    kept.push(s, e);
  }
  return mergeWindows(kept, anchor.before, anchor.after, text.length);
}

/** End offsets of every occurrence of the given keywords, ascending. */
function contextEnds(keywords: readonly number[], hits: ReadonlyArray<number[] | undefined>): number[] {
  const lists: number[][] = [];
  for (const k of keywords) {
    const list = hits[k];
    if (list !== undefined) lists.push(list);
  }
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0]!;
  return lists.flat().sort((a, b) => a - b);
}

/**
 * Moves each region's edges outwards to points the whole-text run cannot be in the middle of a
 * match at: just after, and just before, a character the pattern never consumes (or the text's
 * ends). A region that started inside such a match, even one its validator rejects, would pair
 * the characters up differently from the whole-text run and could lose a finding behind it (a
 * rejected "555118 ext 000" consumes the "000" that starts the next candidate's window). From a
 * synchronised start the windowed run makes exactly the whole-text run's matches; a match that
 * reaches the region's end is still re-run on the whole text (EDGE) for look-aheads past the cut.
 * Regions that meet after moving are merged. (Keyword windows are not moved: the patterns of
 * keyword-gated detectors consume most characters, so there is rarely a point to move them to.)
 */
function syncRegions(regions: readonly number[], bytes: Uint8Array, alphabet: Uint8Array): number[] {
  const out: number[] = [];
  for (let r = 0; r < regions.length; r += 2) {
    let a = regions[r]!;
    let b = regions[r + 1]!;
    while (a > 0 && alphabet[bytes[a - 1]!] === 1) a--;
    while (b < bytes.length && alphabet[bytes[b]!] === 1) b++;
    pushMerged(out, a, b);
  }
  return out;
}

const stickyCache = new WeakMap<RegExp, RegExp>();

/** The same pattern anchored at `lastIndex`, for re-running one match on the whole text. */
function stickyOf(re: RegExp): RegExp {
  let s = stickyCache.get(re);
  if (!s) {
    s = new RegExp(re.source, re.flags.replace('g', '') + 'y');
    stickyCache.set(re, s);
  }
  return s;
}

/** Runs `d` over the regions `[a0, b0, a1, b1, …]` (ascending, disjoint) of `text`. */
function runDetector(d: PatternDetector, text: string, regions: readonly number[], out: Finding[], aside: Finding[] | null, context: readonly number[][] | null): void {
  const re = d.pattern;
  let pos = 0;
  for (let r = 0; r < regions.length; r += 2) {
    const b = regions[r + 1]!;
    pos = Math.max(pos, regions[r]!);
    if (pos >= b) continue;
    // a prefix slice, so the pattern sees the real text before the window
    const whole = b >= text.length;
    const sub = whole ? text : text.slice(0, b);
    while (pos < b) {
      re.lastIndex = pos;
      let m = re.exec(sub);
      if (m === null) break;
      if (!whole && m.index + m[0].length > b - EDGE) {
        const sticky = stickyOf(re);
        sticky.lastIndex = m.index;
        const full = sticky.exec(text);
        if (full === null) {
          pos = m.index + 1;
          continue;
        }
        m = full;
      }
      if (m[0].length === 0) {
        pos = m.index + 1;
        continue;
      }
      pos = m.index + m[0].length;
      const rescanFrom = handleMatch(d, text, m, out, aside, context);
      if (rescanFrom >= 0) pos = rescanFrom;
    }
  }
}

/** Turns one regex match into a finding (or none); returns where to resume when `trim` cut the
 *  match short and the rest must be scanned again, else -1. `context`: where the longest words of
 *  the detector's context words occur in the text (`contextKeyEnds`), null when nowhere. A
 *  documented test value goes to `aside` when that is given (test values not wanted), else into
 *  `out`. */
function handleMatch(d: PatternDetector, text: string, m: RegExpExecArray, out: Finding[], aside: Finding[] | null, context: readonly number[][] | null): number {
  let value = d.group !== undefined ? m[d.group] : m[0];
  if (value === undefined || value.length === 0) return -1;
  let rescan = -1;
  let start = m.index;
  if (d.group !== undefined) {
    const idx = m.indices?.[d.group];
    start = idx ? idx[0] : m.index + Math.max(0, m[0].indexOf(value));
  }
  if (d.trim) {
    const keep = d.trim(value);
    if (keep <= 0) return -1;
    if (keep < value.length && d.group === undefined) rescan = start + keep; // rescan the rest
    value = value.slice(0, keep);
  }
  let confidence = d.baseConfidence;
  if (d.validate) {
    const v = d.validate(value);
    if (v === false) return rescan;
    if (typeof v === 'number') confidence = v;
  }
  if (d.minEntropy !== undefined && shannonEntropy(value) < d.minEntropy) return rescan;
  const end = start + value.length;
  if (context !== null && contextNear(context, start, end) && hasContext(text, start, end, d.context!)) confidence = boosted(confidence, d.contextConfidence);
  const finding: Finding = { entity: d.entity, start, end, confidence: round(confidence), detector: d.id, kind: d.kind };
  if (d.tag !== undefined) finding.tag = d.tag;
  if (d.kind === 'secret') finding.rule = d.id;
  if (d.isTestValue?.(value)) {
    finding.testValue = true;
    finding.confidence = round(Math.max(0.01, confidence - TEST_VALUE_PENALTY));
    if (aside) {
      aside.push(finding);
      return rescan;
    }
  }
  out.push(finding);
  return rescan;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function detectorSetFor(options: ScanOptions): PatternDetector[] {
  const base = options.detectors ?? defaultDetectors;
  if (!options.extraDetectors || options.extraDetectors.length === 0) return base;
  let byExtra = mergedCache.get(base);
  if (!byExtra) {
    byExtra = new WeakMap();
    mergedCache.set(base, byExtra);
  }
  let merged = byExtra.get(options.extraDetectors);
  if (!merged) {
    merged = [...base, ...options.extraDetectors];
    byExtra.set(options.extraDetectors, merged);
  }
  return merged;
}
const mergedCache = new WeakMap<PatternDetector[], WeakMap<PatternDetector[], PatternDetector[]>>();

/**
 * Scans a text (or bytes, decoded leniently) and returns non-overlapping findings sorted by
 * offset.
 * @example
 *   scan('card 4242 4242 4242 4242').map((f) => f.entity) // ['CREDIT_CARD']
 */
export function scan(input: string | Uint8Array, options: ScanOptions = {}): Finding[] {
  return scanWith(input, options, false);
}

/**
 * The same scan with every selected detector run over the whole text, no windows or anchors:
 * slower, and the reference the windowed engine is tested against (scan.test.ts).
 */
export function scanReference(input: string | Uint8Array, options: ScanOptions = {}): Finding[] {
  return scanWith(input, options, true);
}

function scanWith(input: string | Uint8Array, options: ScanOptions, wholeText: boolean): Finding[] {
  const text = toText(input);
  if (text.length === 0) return [];
  // one byte view shared by the keyword pass and the anchor profile (text-bytes.ts)
  const bytes = textBytes(text);
  try {
    return scanText(text, bytes, options, wholeText);
  } finally {
    releaseTextBytes(bytes);
  }
}

function scanText(text: string, bytes: Uint8Array, options: ScanOptions, wholeText: boolean): Finding[] {
  const set = compileDetectorSet(detectorSetFor(options));
  const wanted = options.entities ? new Set(options.entities) : null;
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  // Test values are few: setting them aside costs nothing worth a flag.
  const aside: Finding[] | null = options.includeTestValues ? null : [];
  const occurring: number[] = [];
  const hits = set.matcher ? set.matcher.findAll(bytes, occurring) : [];
  const ctx: RegionContext = { set, text, bytes, hits, minConfidence, profile: null };
  const everything = [0, text.length];
  const raw: Finding[] = [];
  for (const i of selectDetectors(set, text, bytes, occurring, minConfidence)) {
    const d = set.detectors[i]!;
    if (wanted && !wanted.has(d.entity)) continue;
    const regions = wholeText ? everything : (regionsFor(ctx, i) ?? everything);
    runDetector(d, text, regions, raw, aside, contextKeyEnds(set, i, hits));
  }
  const found = resolveOverlaps(raw.filter((f) => f.confidence >= minConfidence));
  if (aside && aside.length > 0 && options.onTestValue) {
    // What `includeTestValues` would have shown, once each: above the threshold, and not lost to
    // an overlapping finding (only test values carry the flag here, since they were set aside).
    for (const f of resolveOverlaps([...found, ...aside.filter((f) => f.confidence >= minConfidence)])) if (f.testValue) options.onTestValue(f);
  }
  return found;
}

/** What choosing a detector's regions needs to know about the text being scanned. */
interface RegionContext {
  set: CompiledSet;
  text: string;
  bytes: Uint8Array;
  hits: ReadonlyArray<number[] | undefined>;
  minConfidence: number;
  /** Built the first time an anchored detector asks for it. */
  profile: TextProfile | null;
}

/** Where detector `i` runs: regions `[a0, b0, a1, b1, …]`, or null for one whole-text pass. */
function regionsFor(ctx: RegionContext, i: number): number[] | null {
  const { set, text } = ctx;
  const d = set.detectors[i]!;
  /** More windows than this (dense candidates) and one whole-text pass is cheaper. */
  const maxWindows = Math.max(MIN_WINDOWS, Math.floor(text.length / MIN_WINDOW_SPACING));
  let regions: number[] | null = null;
  if (d.keywords.length > 0) {
    regions = keywordRegions(set, i, ctx.hits, text.length);
  } else if (d.anchor && set.alphabets[i]) {
    ctx.profile ??= new TextProfile(text, ctx.bytes, set.minRun, set.minToken, set.minDigits);
    const windows = set.gateWords[i] || d.anchorFilter ? gatedRegions(set, i, text, ctx.profile, ctx.hits, ctx.minConfidence, maxWindows) : ctx.profile.regions(d.anchor, maxWindows);
    regions = windows && syncRegions(windows, ctx.bytes, set.alphabets[i]!);
  }
  return regions === null || regions.length / 2 > maxWindows ? null : regions;
}
