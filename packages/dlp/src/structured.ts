/**
 * Structured scanning: walks a JSON value and scans each string field. A field whose path has a
 * tag in the connector catalog (`pii.email`) needs no guessing: the whole value is one finding
 * of that tag's entity. Other fields go through the detectors. Findings carry the JSON path
 * (`$.employees[3].email`) and offsets within that field's string.
 *
 * A field's name is the best context a value has (`"ssn": "…"`, `"api_key": "…"`), so each value
 * is scanned behind its name, as `name: value`: context words and `key = value` secret rules see
 * it, and findings are kept only where they lie in the value. Numbers too short to be any entity
 * (ids, counts, amounts) are not scanned at all.
 *
 * Tags are looked up by exact path, by the path with indexes as `[*]`, and by the dotted path
 * without indexes or `$` (`employees.email`), which is how the catalog names fields.
 */
import type { Finding, PatternDetector, ScanOptions } from './types.ts';
import { scan } from './scan.ts';
import { CONTEXT_AFTER, CONTEXT_BEFORE } from './context.ts';
import { defaultDetectors } from './detectors/index.ts';
import { matchAlphabet } from './regex-alphabet.ts';
import { DlpTooDeepError } from './errors.ts';

/** Entity reported for a tagged field; tags outside this table keep the tag as the entity. */
export const TAG_ENTITIES: Record<string, string> = {
  'pii.email': 'EMAIL_ADDRESS', 'pii.phone': 'PHONE_NUMBER', 'pii.ssn': 'US_SSN', 'pci.pan': 'CREDIT_CARD',
  'pci.iban': 'IBAN_CODE', 'pii.ip': 'IP_ADDRESS', 'pii.url': 'URL', 'pii.dob': 'DATE_OF_BIRTH',
  'pii.passport': 'US_PASSPORT', 'pii.driver_license': 'US_DRIVER_LICENSE', 'pii.name': 'PERSON',
  'pii.address': 'LOCATION', 'phi.nhs': 'UK_NHS',
};

export interface ScanRecordOptions extends ScanOptions {
  /** Field path → data tag, from the connector catalog. */
  fieldTags?: Record<string, string>;
  /** Deeper nesting is refused with DlpTooDeepError (see `walkLeaves`). Default 64. */
  maxDepth?: number;
}

export type JsonPathSegment = string | number;

export function formatPath(segments: readonly JsonPathSegment[]): string {
  let p = '$';
  for (const s of segments) p += typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  return p;
}

export function tagFor(segments: readonly JsonPathSegment[], tags: Record<string, string> | undefined): string | undefined {
  if (!tags) return undefined;
  const exact = formatPath(segments);
  const wild = formatPath(segments.map((s) => (typeof s === 'number' ? '*' : s))).replace(/\["\*"\]/g, '[*]');
  const dotted = segments.filter((s) => typeof s === 'string').join('.');
  return tags[exact] ?? tags[wild] ?? tags[dotted];
}

/** How deep `walkLeaves` goes unless told otherwise; records and manifests need far less. */
export const DEFAULT_MAX_DEPTH = 64;

/**
 * Visits every scalar leaf with its path, in document order; strings, numbers and booleans are
 * leaves. Iterative, so no nesting can exhaust the stack, and a value nested deeper than
 * `maxDepth` is an error (DlpTooDeepError) rather than skipped: a skipped field would leave the
 * scan, and so every transform, without a trace.
 */
export function walkLeaves(value: unknown, visit: (segments: JsonPathSegment[], leaf: string | number | boolean) => void, maxDepth = DEFAULT_MAX_DEPTH): void {
  const pending: Array<{ value: unknown; segs: JsonPathSegment[] }> = [{ value, segs: [] }];
  while (pending.length > 0) {
    const { value: v, segs } = pending.pop()!;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      visit(segs, v);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const keys: JsonPathSegment[] = Array.isArray(v) ? Array.from(v.keys()) : Object.keys(v);
    if (keys.length === 0) continue;
    if (segs.length >= maxDepth) throw new DlpTooDeepError(formatPath([...segs, keys[0]!]), maxDepth);
    // pushed last to first, so they are visited first to last
    for (let k = keys.length - 1; k >= 0; k--) pending.push({ value: (v as Record<JsonPathSegment, unknown>)[keys[k]!], segs: [...segs, keys[k]!] });
  }
}

/**
 * Scans a JSON record field by field.
 * @example
 *   scanRecord({ user: { email: 'a@b.io' } }, { fieldTags: { 'user.email': 'pii.email' } })
 *   // [{ entity: 'EMAIL_ADDRESS', path: '$.user.email', tag: 'pii.email', start: 0, end: 6, … }]
 */
export function scanRecord(record: unknown, options: ScanRecordOptions = {}): Finding[] {
  const fields = recordFields(record, options);
  if (fields.filter((f) => !f.tagged).length < 2) return fields.flatMap((f) => f.tagged ?? scanField(f, options));
  return scanFieldsTogether(fields, options);
}

/** The same scan, one `scan` call per field: the reference `scanRecord` must agree with, and
 *  its fallback wherever the joined scan cannot be mapped back exactly. */
export function scanRecordFieldByField(record: unknown, options: ScanRecordOptions = {}): Finding[] {
  return recordFields(record, options).flatMap((f) => f.tagged ?? scanField(f, options));
}

/** A leaf to scan: its JSON path, the `name: ` prefix it is scanned behind, and its text. Tagged
 *  leaves carry their finding instead. */
interface RecordField {
  path: string;
  prefix: string;
  text: string;
  tagged?: Finding[];
}

function recordFields(record: unknown, options: ScanRecordOptions): RecordField[] {
  const fields: RecordField[] = [];
  const wanted = options.entities ? new Set(options.entities) : null;
  walkLeaves(record, (segs, leaf) => {
    const path = formatPath(segs);
    const text = String(leaf);
    const tag = tagFor(segs, options.fieldTags);
    if (tag !== undefined) {
      const entity = TAG_ENTITIES[tag] ?? tag;
      const tagged: Finding[] = text.length > 0 && (!wanted || wanted.has(entity))
        ? [{ entity, start: 0, end: text.length, confidence: 1, detector: 'catalog-tag', kind: 'pii', tag, path }]
        : [];
      fields.push({ path, prefix: '', text, tagged });
      return;
    }
    if (typeof leaf === 'boolean' || (typeof leaf === 'number' && text.length < MIN_NUMBER_DIGITS)) return;
    const name = fieldName(segs);
    fields.push({ path, prefix: name === undefined ? '' : `${name}: `, text });
  }, options.maxDepth);
  return fields;
}

function scanField(field: RecordField, options: ScanRecordOptions): Finding[] {
  const out: Finding[] = [];
  const skip = field.prefix.length;
  const onTestValue = options.onTestValue;
  const fieldOptions = onTestValue ? { ...options, onTestValue: (f: Finding) => f.start >= skip && onTestValue({ ...f, start: f.start - skip, end: f.end - skip, path: field.path }) } : options;
  for (const f of scan(field.prefix + field.text, fieldOptions)) {
    if (f.start < skip) continue; // in the name, not the value
    out.push({ ...f, start: f.start - skip, end: f.end - skip, path: field.path });
  }
  return out;
}

/**
 * Scans every untagged field in one call, over `name: value` texts parted by a gap (below) wider
 * than any context word reaches across, so each value is judged with its own name — as if
 * scanned alone, without paying a scan's fixed cost per field. Three things could make the
 * joined scan differ from scanning each field alone, and each sends the fields concerned back
 * to a scan of their own, so the result is always the field-by-field result:
 * - a pattern able to consume the whole gap (`[\s\S]`-style spans, as in Kubernetes manifests)
 *   may run: its keyword occurs in the record (the record is then scanned field by field);
 * - a finding leaves its field's value (every field it touches is rescanned);
 * - a finding's detector was let in by a keyword that is not in that field (keyword prefilters
 *   look at the whole text; the field is rescanned).
 */
function scanFieldsTogether(fields: RecordField[], options: ScanRecordOptions): Finding[] {
  const starts: number[] = []; // where each field's prefix begins in the joined text
  let joined = '';
  for (const f of fields) {
    starts.push(joined.length);
    if (!f.tagged) joined += f.prefix + f.text;
    joined += FIELD_GAP;
  }
  const lists = [options.detectors ?? defaultDetectors, options.extraDetectors ?? []];
  if (mayCrossFields(joined.toLowerCase(), lists)) return fields.flatMap((f) => f.tagged ?? scanField(f, options));
  const byField: Finding[][] = fields.map(() => []);
  const rescan = new Set<number>();
  const lowered = new Map<number, string>();
  // field index → detectors whose keyword that field holds; one search per field and detector,
  // not per finding, which in a long field would search it once for each of its findings
  const gatedIn = new Map<number, Map<string, boolean>>();
  // Test values of the joined scan are passed on only for fields not rescanned (a rescan reports its own).
  const testValues: Finding[] = [];
  const joinedOptions = options.onTestValue ? { ...options, onTestValue: (f: Finding) => void testValues.push(f) } : options;
  for (const f of scan(joined, joinedOptions)) {
    const i = fieldAt(starts, f.start);
    const field = fields[i]!;
    const valueStart = starts[i]! + field.prefix.length;
    const valueEnd = valueStart + field.text.length;
    if (f.end > valueEnd) {
      for (let j = i; j < fields.length && starts[j]! < f.end; j++) rescan.add(j);
      continue;
    }
    const keywords = keywordsOf(f.detector, lists);
    if (keywords.length > 0) {
      let known = gatedIn.get(i);
      if (known === undefined) gatedIn.set(i, (known = new Map()));
      let holds = known.get(f.detector);
      if (holds === undefined) {
        let text = lowered.get(i);
        if (text === undefined) lowered.set(i, (text = (field.prefix + field.text).toLowerCase()));
        known.set(f.detector, (holds = keywords.some((k) => text.includes(k))));
      }
      if (!holds) {
        rescan.add(i);
        continue;
      }
    }
    if (f.start >= valueStart) byField[i]!.push({ ...f, start: f.start - valueStart, end: f.end - valueStart, path: field.path });
    else if (f.end > valueStart) rescan.add(i); // began in the name and ran into the value
  }
  for (const f of testValues) {
    const i = fieldAt(starts, f.start);
    const field = fields[i]!;
    const valueStart = starts[i]! + field.prefix.length;
    if (!rescan.has(i) && f.start >= valueStart && f.end <= valueStart + field.text.length) options.onTestValue!({ ...f, start: f.start - valueStart, end: f.end - valueStart, path: field.path });
  }
  return fields.flatMap((f, i) => f.tagged ?? (rescan.has(i) ? scanField(f, options) : byField[i]!));
}

/** The gap between fields: a line break, NULs past the context reach either side, a line break. */
const FIELD_GAP = '\n' + '\0'.repeat(Math.max(CONTEXT_BEFORE, CONTEXT_AFTER) + 24) + '\n';

/** Per detector list: detector id → keywords, and the keywords of detectors whose pattern could
 *  consume a whole gap ('' for such a detector without keywords: it may run on any text). */
interface ListFacts {
  keywords: Map<string, string[]>;
  spanning: string[];
}
const factsCache = new WeakMap<PatternDetector[], ListFacts>();

function factsOf(detectors: PatternDetector[]): ListFacts {
  let facts = factsCache.get(detectors);
  if (!facts) {
    facts = { keywords: new Map(), spanning: [] };
    for (const d of detectors) {
      facts.keywords.set(d.id, d.keywords);
      const alphabet = matchAlphabet(d.pattern);
      if (alphabet !== null && (alphabet[0x0a] === 0 || alphabet[0x00] === 0)) continue;
      if (d.keywords.length === 0) facts.spanning.push('');
      else facts.spanning.push(...d.keywords);
    }
    factsCache.set(detectors, facts);
  }
  return facts;
}

function keywordsOf(detectorId: string, lists: PatternDetector[][]): string[] {
  for (const list of lists) {
    const k = factsOf(list).keywords.get(detectorId);
    if (k) return k;
  }
  return [];
}

/** True when a detector able to match across fields may run on the (lower-cased) joined text. */
function mayCrossFields(lower: string, lists: PatternDetector[][]): boolean {
  return lists.some((list) => factsOf(list).spanning.some((word) => word === '' || lower.includes(word)));
}

/** Index of the field whose span (prefix, value and the gap after it) holds `offset`. */
function fieldAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Below this many characters a JSON number is no identifier, card, phone or account number. */
const MIN_NUMBER_DIGITS = 6;

/** The name a value is filed under: its key, or for an array item the array's key. Names that
 *  could not be a label (very long, or spanning lines) are left out. */
function fieldName(segs: readonly JsonPathSegment[]): string | undefined {
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = segs[i];
    if (typeof s === 'string') return s.length > 0 && s.length <= 64 && !/[\r\n]/.test(s) ? s : undefined;
  }
  return undefined;
}

/**
 * The engine's one entry point for callers that may hold either kind of input: a string (or its
 * UTF-8 bytes) is scanned as text, anything else as a JSON record, field by field.
 * @example
 *   scanTextOrRecord('mail ana@northwind.test', {})              // spans in the text
 *   scanTextOrRecord({ user: { email: 'ana@northwind.test' } }) // findings with path $.user.email
 */
export function scanTextOrRecord(input: unknown, options: ScanRecordOptions = {}): Finding[] {
  return typeof input === 'string' || input instanceof Uint8Array ? scan(input, options) : scanRecord(input, options);
}
