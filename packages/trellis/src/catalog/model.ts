/**
 * Pure conversions between a manifest, the catalog's rows and the API's shapes: which columns
 * a manifest sets, how owners are compared, how search text becomes words, and the opaque
 * list cursor. Kept apart from the service so they are tested without a database.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { AppError } from '../errors.ts';
import type { Actor } from '../audit/index.ts';
import { canonicalPersonRef } from '../auth/index.ts';
import type { AppStatus } from './lifecycle.ts';
import type { AppRow } from './store.ts';
import type { CatalogAppVersionRow } from './rows.ts';
import type { ActorRef, AppDetail, Assessment, AppSummary, AppVersion, AppVersionSummary, Classification, Manifest, RiskTier } from './schema.ts';
import { appSorts, type AppSort } from './vocabulary.ts';

/** An owner in canonical form (auth's person references): compared, indexed and filtered in this form. */
export function canonicalOwner(owner: string): string {
  return canonicalPersonRef(owner);
}

export function connectorNames(manifest: Manifest): string[] {
  return (manifest.spec.connectors ?? []).map((c) => c.name);
}

/** SHA-256 of the manifest's canonical JSON: equal content, equal digest, whatever the key order. */
export function manifestDigest(manifest: Manifest): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('hex');
}

/** The current-state columns a manifest version sets on its app. */
export function manifestColumns(manifest: Manifest) {
  return {
    title: manifest.metadata.title ?? null,
    description: manifest.metadata.description ?? null,
    owner: canonicalOwner(manifest.spec.owner),
    team: manifest.spec.team ?? null,
    // Effective until governance assesses the version; then the higher of declared and detected.
    classification: manifest.spec.classification ?? null,
    declared_classification: manifest.spec.classification ?? null,
    runtime: manifest.spec.runtime ?? 'external',
    template: manifest.spec.template ?? null,
    connectors: JSON.stringify(connectorNames(manifest)),
  };
}

/** Words longer than this are cut: nobody types more of a word into a search box. */
const maxWordLength = 40;
/** A description can hold hundreds of words; beyond this many distinct ones the rest are not indexed. */
const maxIndexedWords = 300;

/** The words an app is found by: distinct, lower-cased words of its name, title and description. */
export function indexWords(name: string, title: string | null, description: string | null): string[] {
  const words = new Set<string>();
  for (const text of [name, title ?? '', description ?? '']) {
    for (const w of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
      if (w.length > 0) words.add(w.slice(0, maxWordLength));
      if (words.size >= maxIndexedWords) return [...words];
    }
  }
  return [...words];
}

/** Search text → words: letters and digits only, lower-cased, at most 8 (each must match). */
export function searchWords(q: string): string[] {
  return q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, maxWordLength))
    .slice(0, 8);
}

const cursorVersion = 1;
/** Cursors of the other orders (`sort` other than name) carry the order, the key and the name. */
const sortCursorVersion = 2;

/** Opaque to clients; holds the last name of the page (keyset pagination in name order). */
export function encodeCursor(lastName: string): string {
  return Buffer.from(JSON.stringify({ v: cursorVersion, n: lastName }), 'utf8').toString('base64url');
}

/**
 * A cursor of another order: the order it was issued for, the last row's key (the risk score
 * as the list compares it, -1 for none; absent for `-name`) and its name, the tie-breaker.
 */
export function encodeSortCursor(sort: Exclude<AppSort, 'name'>, key: string | number | null | undefined, lastName: string): string {
  return Buffer.from(JSON.stringify({ v: sortCursorVersion, s: sort, ...(key !== undefined && key !== null ? { k: key } : {}), n: lastName }), 'utf8').toString('base64url');
}

/** Where a page starts: after this name, or after (key, name) in the list's order. */
export interface ListPosition {
  name: string;
  key?: string | number;
}

/** A row of a list page: its name, its summary as JSON, and the value of a sort key other than the name. */
interface PageRow {
  name: string;
  summary: string;
  sort_key?: string | number | null;
}

function cursorAfter(last: PageRow, sort: AppSort): string {
  if (sort === 'name') return encodeCursor(last.name);
  const k = last.sort_key;
  return encodeSortCursor(sort, k === undefined || k === null ? undefined : sort.endsWith('risk_score') ? Number(k) : String(k), last.name);
}

/**
 * A list page as the API sends it, from rows whose summaries the database wrote as JSON
 * (store.ts): up to `limit` items, and a cursor when one row more was read.
 */
export function pageJson(rows: readonly PageRow[], limit: number, sort: AppSort = 'name'): string {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? JSON.stringify(cursorAfter(last, sort)) : 'null';
  return `{"items":[${page.map((r) => r.summary).join(',')}],"next_cursor":${next}}`;
}

function cursorError(detail = 'pass back the next_cursor of a previous page unchanged', message = 'is not a cursor this server issued'): AppError {
  return new AppError('validation_failed', `the cursor is not valid; ${detail}`, { errors: [{ path: 'cursor', message }] });
}

/** The key a cursor of this order must carry: none for names, an ISO time, or a risk score (-1 for none). */
function validKey(sort: AppSort, k: unknown): boolean {
  if (sort === '-name') return k === undefined;
  if (sort.endsWith('risk_score')) return typeof k === 'number' && Number.isInteger(k) && k >= -1 && k <= 1_000_000;
  return typeof k === 'string' && k.length > 0 && k.length <= 64;
}

function parseCursor(cursor: string): { v?: unknown; s?: unknown; k?: unknown; n?: unknown } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/** The last name a name-order cursor holds (also the connectors' lists, through catalog-kit). */
export function decodeCursor(cursor: string): string {
  return decodeListCursor(cursor, 'name').name;
}

/** The position a cursor holds, refused unless this server issued it for the same order. */
export function decodeListCursor(cursor: string, sort: AppSort): ListPosition {
  const parsed = parseCursor(cursor);
  const name = parsed?.n;
  if (parsed === null || typeof name !== 'string' || name.length > 63) throw cursorError();
  // Version 1 cursors (name order) were issued before other orders existed: they keep working.
  const issuedFor = parsed.v === cursorVersion ? 'name' : parsed.v === sortCursorVersion ? parsed.s : undefined;
  if (typeof issuedFor !== 'string' || !(appSorts as readonly string[]).includes(issuedFor) || (parsed.v === sortCursorVersion && issuedFor === 'name')) throw cursorError();
  if (issuedFor !== sort) throw cursorError(`it continues a list with sort=${issuedFor}; ask again with the same sort, or start without a cursor`, `was issued for sort=${issuedFor}, not sort=${sort}`);
  if (sort === 'name') return { name };
  if (!validKey(sort, parsed.k)) throw cursorError();
  return { name, ...(parsed.k !== undefined ? { key: parsed.k as string | number } : {}) };
}

export function toSummary(row: AppRow): AppSummary {
  return {
    name: row.name,
    title: row.title,
    description: row.description,
    owner: row.owner,
    team: row.team,
    status: row.status as AppStatus,
    classification: row.classification as Classification | null,
    risk_tier: row.risk_tier as RiskTier | null,
    risk_score: row.risk_score,
    runtime: row.runtime as AppSummary['runtime'],
    connectors: JSON.parse(row.connectors) as string[],
    version: row.current_version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toDetail(row: AppRow, version: CatalogAppVersionRow): AppDetail {
  const assessment = version.assessment ? (JSON.parse(version.assessment) as Assessment) : null;
  const declared = row.declared_classification as Classification | null;
  return {
    ...toSummary(row),
    classification: assessment?.classification ?? { declared, detected: null, effective: declared, because: [] },
    risk: assessment?.risk ?? null,
    decision: assessment?.decision ?? null,
    approved_version: row.approved_version,
    manifest: JSON.parse(version.manifest) as Record<string, unknown>,
    created_by: { id: row.created_by, name: row.created_by_name },
    updated_by: { id: row.updated_by, name: row.updated_by_name },
  };
}

export function toVersionSummary(row: Omit<CatalogAppVersionRow, 'manifest' | 'assessment'>): AppVersionSummary {
  return { version: row.version, created_at: row.created_at, created_by: { id: row.created_by, name: row.created_by_name }, digest: row.digest };
}

/** The id and display name stored for an actor: the name as the audit trail records it, else null. */
export function actorRef(actor: Actor): ActorRef {
  return { id: actor.id, name: actor.name ?? null };
}

export function toVersion(row: CatalogAppVersionRow): AppVersion {
  return { ...toVersionSummary(row), manifest: JSON.parse(row.manifest) as Record<string, unknown> };
}
