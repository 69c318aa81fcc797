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

/** Opaque to clients; holds the last name of the page (keyset pagination). */
export function encodeCursor(lastName: string): string {
  return Buffer.from(JSON.stringify({ v: cursorVersion, n: lastName }), 'utf8').toString('base64url');
}

/**
 * A list page as the API sends it, from rows whose summaries the database wrote as JSON
 * (store.ts): up to `limit` items, and a cursor when one row more was read.
 */
export function pageJson(rows: readonly { name: string; summary: string }[], limit: number): string {
  const page = rows.slice(0, limit);
  const next = rows.length > limit ? JSON.stringify(encodeCursor(page[page.length - 1]!.name)) : 'null';
  return `{"items":[${page.map((r) => r.summary).join(',')}],"next_cursor":${next}}`;
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; n?: unknown };
    if (parsed.v === cursorVersion && typeof parsed.n === 'string' && parsed.n.length <= 63) return parsed.n;
  } catch {
    // fall through to the error below
  }
  throw new AppError('validation_failed', 'the cursor is not valid; pass back the next_cursor of a previous page unchanged', { errors: [{ path: 'cursor', message: 'is not a cursor this server issued' }] });
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
