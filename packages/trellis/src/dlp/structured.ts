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
import type { Finding, ScanOptions } from './types.ts';
import { scan } from './scan.ts';

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
  /** Deeper nesting is not walked (protects the stack from hostile input). Default 64. */
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

/** Visits every scalar leaf with its path; strings, numbers and booleans are leaves. */
export function walkLeaves(value: unknown, visit: (segments: JsonPathSegment[], leaf: string | number | boolean) => void, maxDepth = 64): void {
  const walk = (v: unknown, segs: JsonPathSegment[]): void => {
    if (segs.length > maxDepth) return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return visit(segs, v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...segs, i]));
      return;
    }
    if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, [...segs, k]);
  };
  walk(value, []);
}

/**
 * Scans a JSON record field by field.
 * @example
 *   scanRecord({ user: { email: 'a@b.io' } }, { fieldTags: { 'user.email': 'pii.email' } })
 *   // [{ entity: 'EMAIL_ADDRESS', path: '$.user.email', tag: 'pii.email', start: 0, end: 6, … }]
 */
export function scanRecord(record: unknown, options: ScanRecordOptions = {}): Finding[] {
  const findings: Finding[] = [];
  walkLeaves(record, (segs, leaf) => {
    const path = formatPath(segs);
    const text = String(leaf);
    const tag = tagFor(segs, options.fieldTags);
    if (tag !== undefined) {
      const entity = TAG_ENTITIES[tag] ?? tag;
      if (text.length > 0 && (!options.entities || options.entities.includes(entity))) {
        findings.push({ entity, start: 0, end: text.length, confidence: 1, detector: 'catalog-tag', kind: 'pii', tag, path });
      }
      return;
    }
    if (typeof leaf === 'boolean' || (typeof leaf === 'number' && text.length < MIN_NUMBER_DIGITS)) return;
    const name = fieldName(segs);
    if (name === undefined) {
      for (const f of scan(text, options)) findings.push({ ...f, path });
      return;
    }
    const prefix = `${name}: `;
    for (const f of scan(prefix + text, options)) {
      if (f.start < prefix.length) continue; // in the name, not the value
      findings.push({ ...f, start: f.start - prefix.length, end: f.end - prefix.length, path });
    }
  }, options.maxDepth);
  return findings;
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
