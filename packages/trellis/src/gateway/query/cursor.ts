/**
 * Keyset cursors. A cursor holds the sort values of a page's last row, sealed (AES-256-GCM,
 * keys/sealed.ts) with a digest of the query's shape as additional data: a cursor taken from
 * another query (other fields, filters, order or row filters), changed by the caller, or made
 * up, does not open. Sealed rather than only signed because the tie-breaking key (`id`) need
 * not be among the app's approved fields, and a readable cursor would hand out its values.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../canonical-json.ts';
import { seal, unseal } from '../../keys/index.ts';
import { queryError } from './errors.ts';

const cursorVersion = 1;
const sealedPrefix = 'v1:';

/** Sort values as PostgreSQL prints them (`::text`), null for NULL. */
export type CursorValues = (string | null)[];

// Digests by the shape's plain JSON text: an app pages through a few shapes of query over and
// over, and the text (key order as built) is cheaper than the canonical form and its hash. A
// shape holds only names and validated JSON scalars (finite numbers, strings, booleans, null),
// on which JSON text is exact: equal texts are equal shapes, and an equal shape built in another
// key order only misses the cache.
const digests = new Map<string, string>();

/** A digest of everything a cursor is only valid for. */
export function shapeDigest(shape: unknown): string {
  const text = JSON.stringify(shape);
  let digest = digests.get(text);
  if (digest === undefined) {
    digest = createHash('sha256').update(canonicalJson(shape)).digest('base64url');
    if (digests.size >= 10_000) digests.clear();
    digests.set(text, digest);
  }
  return digest;
}

function context(digest: string): string {
  return `gateway.query-cursor/${digest}`;
}

export function encodeCursor(key: Buffer, digest: string, values: CursorValues): string {
  const sealed = seal(key, context(digest), JSON.stringify({ v: cursorVersion, k: values }));
  return Buffer.from(sealed.slice(sealedPrefix.length), 'base64').toString('base64url');
}

const invalid = () => queryError('query_cursor_invalid', 'cursor', 'is not a cursor of this query: pass back the next_cursor of the previous page unchanged, with the same fields, filter and order');

export function decodeCursor(key: Buffer, digest: string, cursor: string, width: number): CursorValues {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(unseal(key, context(digest), sealedPrefix + Buffer.from(cursor, 'base64url').toString('base64'), 'cursor'));
  } catch {
    throw invalid();
  }
  const p = parsed as { v?: unknown; k?: unknown };
  if (p.v !== cursorVersion || !Array.isArray(p.k) || p.k.length !== width || !p.k.every((x) => x === null || typeof x === 'string')) throw invalid();
  return p.k as CursorValues;
}
