/**
 * The scan engine: runs pattern detectors over a text and returns resolved findings.
 *
 * Speed comes from not running most detectors at all. One Aho-Corasick pass over the text
 * (keywords.ts) decides which keyword-gated detectors may fire; detectors without
 * keywords declare a cheap trigger (an '@' for e-mail, enough digits for a card) checked
 * against a profile of the text built once. Each remaining detector runs its linear-time
 * pattern once; validators, entropy and context words only run on matches.
 * The per-detector steps follow the contract documented on `PatternDetector` in types.ts.
 */
import type { Finding, PatternDetector, ScanOptions } from './types.ts';
import { boosted, hasContext } from './context.ts';
import { resolveOverlaps } from './overlap.ts';
import { shannonEntropy } from './validators/entropy.ts';
import { defaultDetectors } from './detectors/index.ts';
import { KeywordMatcher } from './keywords.ts';

export const DEFAULT_MIN_CONFIDENCE = 0.5;
/** How much a documented test value loses; it stays visible with `includeTestValues`. */
const TEST_VALUE_PENALTY = 0.3;

interface CompiledSet {
  detectors: PatternDetector[];
  matcher: KeywordMatcher | null;
  /** keyword index (in matcher order) → indexes of detectors gated by it */
  owners: number[][];
  ungated: number[];
  /** keyword index → weak detectors (see `maxConfidence`) that one of their context words wakes */
  contextOwners: number[][];
  triggerChars: string[];
  maxDigits: number;
}

const compiledCache = new WeakMap<PatternDetector[], CompiledSet>();

export function compileDetectorSet(detectors: PatternDetector[]): CompiledSet {
  const cached = compiledCache.get(detectors);
  if (cached) return cached;
  const owners = new Map<string, number[]>();
  const contextOwners = new Map<string, number[]>();
  const ungated: number[] = [];
  const chars = new Set<string>();
  let maxDigits = 0;
  detectors.forEach((d, i) => {
    if (d.keywords.length === 0) ungated.push(i);
    for (const kw of d.keywords) {
      const k = kw.toLowerCase();
      const list = owners.get(k) ?? [];
      list.push(i);
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
    for (const c of d.trigger?.anyOf ?? '') chars.add(c);
    maxDigits = Math.max(maxDigits, d.trigger?.minDigits ?? 0);
  });
  const keywords = [...owners.keys()];
  const matcher = keywords.length > 0 ? new KeywordMatcher(keywords) : null;
  const set: CompiledSet = {
    detectors, matcher, owners: keywords.map((k) => owners.get(k)!), contextOwners: keywords.map((k) => contextOwners.get(k) ?? []),
    ungated, triggerChars: [...chars], maxDigits,
  };
  compiledCache.set(detectors, set);
  return set;
}

/** Decodes bytes leniently: invalid UTF-8 becomes U+FFFD instead of an error. */
export function toText(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
}

function countDigits(text: string, cap: number): number {
  if (cap === 0) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++n >= cap) return n;
  }
  return n;
}

/** Which detectors may fire on this text (prefilter), as indexes into the set. */
function selectDetectors(set: CompiledSet, text: string, minConfidence: number): number[] {
  const selected = new Set<number>();
  const woken = new Set<number>();
  if (set.matcher) {
    for (const k of set.matcher.find(text)) {
      for (const i of set.owners[k]!) selected.add(i);
      for (const i of set.contextOwners[k]!) woken.add(i);
    }
  }
  const present = new Set(set.triggerChars.filter((c) => text.includes(c)));
  const digits = countDigits(text, set.maxDigits);
  for (const i of set.ungated) {
    const d = set.detectors[i]!;
    if (d.maxConfidence !== undefined && d.maxConfidence < minConfidence && !woken.has(i)) continue;
    const t = d.trigger;
    if (t?.minDigits !== undefined && digits < t.minDigits) continue;
    if (t?.anyOf !== undefined && ![...t.anyOf].some((c) => present.has(c))) continue;
    selected.add(i);
  }
  return [...selected].sort((a, b) => a - b);
}

function runDetector(d: PatternDetector, text: string, out: Finding[], includeTestValues: boolean): void {
  const re = d.pattern;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    let value = d.group !== undefined ? m[d.group] : m[0];
    if (value === undefined || value.length === 0) continue;
    let start = m.index;
    if (d.group !== undefined) {
      const idx = m.indices?.[d.group];
      start = idx ? idx[0] : m.index + Math.max(0, m[0].indexOf(value));
    }
    if (d.trim) {
      const keep = d.trim(value);
      if (keep <= 0) continue;
      if (keep < value.length && d.group === undefined) re.lastIndex = start + keep; // rescan the rest
      value = value.slice(0, keep);
    }
    let confidence = d.baseConfidence;
    if (d.validate) {
      const v = d.validate(value);
      if (v === false) continue;
      if (typeof v === 'number') confidence = v;
    }
    if (d.minEntropy !== undefined && shannonEntropy(value) < d.minEntropy) continue;
    const end = start + value.length;
    if (d.context && hasContext(text, start, end, d.context)) confidence = boosted(confidence, d.contextConfidence);
    const finding: Finding = { entity: d.entity, start, end, confidence: round(confidence), detector: d.id, kind: d.kind };
    if (d.tag !== undefined) finding.tag = d.tag;
    if (d.kind === 'secret') finding.rule = d.id;
    if (d.isTestValue?.(value)) {
      if (!includeTestValues) continue;
      finding.testValue = true;
      finding.confidence = round(Math.max(0.01, confidence - TEST_VALUE_PENALTY));
    }
    out.push(finding);
  }
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
  const text = toText(input);
  if (text.length === 0) return [];
  const set = compileDetectorSet(detectorSetFor(options));
  const wanted = options.entities ? new Set(options.entities) : null;
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const includeTestValues = options.includeTestValues ?? false;
  const raw: Finding[] = [];
  for (const i of selectDetectors(set, text, minConfidence)) {
    const d = set.detectors[i]!;
    if (wanted && !wanted.has(d.entity)) continue;
    runDetector(d, text, raw, includeTestValues);
  }
  return resolveOverlaps(raw.filter((f) => f.confidence >= minConfidence));
}
