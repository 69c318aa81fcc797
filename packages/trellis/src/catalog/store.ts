/**
 * Queries on the catalog's tables; the only code that touches them. One named function per
 * query that is more than a primary-key lookup, each tested on SQLite and PostgreSQL.
 * Lists page by keyset on the unique app name (`name > cursor ORDER BY name`), which stays
 * fast at any depth and never skips or repeats a row when apps are added between pages.
 */
import { sql, type Selectable } from 'kysely';
import type { DialectName, Queryable } from '../db/database.ts';
import type { CatalogAppConnectorRow, CatalogAppRow, CatalogAppVersionRow, CatalogAppWordRow, CatalogStatusChangeRow } from './rows.ts';

export type AppRow = Selectable<CatalogAppRow>;
export type NewAppRow = Omit<AppRow, 'id'>;

/** SQLite's and PostgreSQL's unique-violation errors, recognised without importing either driver. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export async function findAppByName(q: Queryable, name: string): Promise<AppRow | undefined> {
  const row = await q.selectFrom('catalog_apps').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? { ...row, id: Number(row.id) } : undefined;
}

/**
 * The app row locked for the rest of the transaction (PostgreSQL `FOR UPDATE`), so that two
 * concurrent updates or status changes of one app run one after the other. SQLite has a
 * single writer, so a plain read inside the write transaction is already serialised.
 */
export async function lockAppByName(q: Queryable, dialect: DialectName, name: string): Promise<AppRow | undefined> {
  let query = q.selectFrom('catalog_apps').selectAll().where('name', '=', name);
  if (dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? { ...row, id: Number(row.id) } : undefined;
}

export async function insertApp(q: Queryable, row: NewAppRow): Promise<number> {
  const r = await q.insertInto('catalog_apps').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Bulk registration (imports, benchmarks): rows in, ids out in the same order. */
export async function insertApps(q: Queryable, rows: NewAppRow[]): Promise<number[]> {
  const ids: number[] = [];
  // Chunked under both databases' bound-parameter limits (18 columns a row).
  for (let i = 0; i < rows.length; i += 500) {
    const out = await q.insertInto('catalog_apps').values(rows.slice(i, i + 500)).returning(['id', 'name']).execute();
    const byName = new Map(out.map((r) => [r.name, Number(r.id)]));
    for (const r of rows.slice(i, i + 500)) ids.push(byName.get(r.name)!);
  }
  return ids;
}

/** Current-state columns that follow the newest manifest version. */
export type AppManifestColumns = Pick<AppRow, 'title' | 'description' | 'owner' | 'team' | 'classification' | 'runtime' | 'template' | 'connectors' | 'current_version' | 'updated_at' | 'updated_by' | 'updated_by_name'>;

export async function updateAppManifestColumns(q: Queryable, id: number, cols: AppManifestColumns): Promise<void> {
  await q.updateTable('catalog_apps').set(cols).where('id', '=', id).execute();
}

/** Compare-and-set on status: returns false when the status moved since it was read. */
export async function updateAppStatus(q: Queryable, id: number, from: string, to: string, at: string, by: { id: string; name: string | null }): Promise<boolean> {
  const r = await q.updateTable('catalog_apps').set({ status: to, updated_at: at, updated_by: by.id, updated_by_name: by.name }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setRiskTier(q: Queryable, id: number, tier: string | null): Promise<void> {
  await q.updateTable('catalog_apps').set({ risk_tier: tier }).where('id', '=', id).execute();
}

export async function insertVersions(q: Queryable, rows: CatalogAppVersionRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await q.insertInto('catalog_app_versions').values(rows.slice(i, i + 500)).execute();
}

export async function getVersion(q: Queryable, appId: number, version: number): Promise<CatalogAppVersionRow | undefined> {
  const row = await q.selectFrom('catalog_app_versions').selectAll().where('app_id', '=', appId).where('version', '=', version).executeTakeFirst();
  return row ? { ...row, app_id: Number(row.app_id) } : undefined;
}

export type VersionSummaryRow = Omit<CatalogAppVersionRow, 'manifest'>;

/** Every version of one app, oldest first, without the manifests themselves. */
export async function listVersionSummaries(q: Queryable, appId: number): Promise<VersionSummaryRow[]> {
  const rows = await q.selectFrom('catalog_app_versions').select(['app_id', 'version', 'digest', 'created_at', 'created_by', 'created_by_name']).where('app_id', '=', appId).orderBy('version', 'asc').execute();
  return rows.map((r) => ({ ...r, app_id: Number(r.app_id) }));
}

/** Make the connector index say exactly `connectors` for this app. */
export async function replaceAppConnectors(q: Queryable, appId: number, appName: string, connectors: readonly string[]): Promise<void> {
  await q.deleteFrom('catalog_app_connectors').where('app_id', '=', appId).execute();
  if (connectors.length > 0) await insertAppConnectors(q, connectors.map((connector) => ({ connector, app_name: appName, app_id: appId })));
}

export async function insertAppConnectors(q: Queryable, rows: CatalogAppConnectorRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await q.insertInto('catalog_app_connectors').values(rows.slice(i, i + 1000)).execute();
}

export async function insertStatusChange(q: Queryable, row: Omit<CatalogStatusChangeRow, 'id'>): Promise<void> {
  await q.insertInto('catalog_status_changes').values(row).execute();
}

export async function listStatusChanges(q: Queryable, appId: number): Promise<Selectable<CatalogStatusChangeRow>[]> {
  const rows = await q.selectFrom('catalog_status_changes').selectAll().where('app_id', '=', appId).orderBy('id', 'asc').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), app_id: Number(r.app_id) }));
}

export interface AppFilter {
  owner?: string;
  team?: string;
  status?: string;
  classification?: string;
  riskTier?: string;
  connector?: string;
  /** Search words (already split and lower-cased); every word must match as a prefix. */
  words?: readonly string[];
  /** Keyset cursor: only apps whose name sorts after this one. */
  afterName?: string;
  limit: number;
  /** First round of search candidates when other filters apply (tests set it small to force several rounds). */
  searchBatch?: number;
}

/** The highest code point: `word < prefix + this` bounds a prefix range in byte (UTF-8) order. */
const maxCodePoint = String.fromCodePoint(0x10ffff);

/** Make the word index say exactly `words` for this app. */
export async function replaceAppWords(q: Queryable, appId: number, appName: string, words: readonly string[]): Promise<void> {
  await q.deleteFrom('catalog_app_words').where('app_id', '=', appId).execute();
  if (words.length > 0) await insertAppWords(q, words.map((word) => ({ word, app_name: appName, app_id: appId })));
}

export async function insertAppWords(q: Queryable, rows: CatalogAppWordRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) await q.insertInto('catalog_app_words').values(rows.slice(i, i + 2000)).execute();
}

/**
 * Names of apps matching every search word, in name order, from the word index alone: each
 * word must start some word of the app's name, title or description.
 */
export async function searchNames(q: Queryable, words: readonly string[], afterName: string | undefined, limit: number): Promise<string[]> {
  const [first, ...rest] = words;
  if (first === undefined) return [];
  let query = q.selectFrom('catalog_app_words as w').select('w.app_name').where('w.word', '>=', first).where('w.word', '<', first + maxCodePoint);
  for (const word of rest) {
    query = query.where('w.app_name', 'in', (eb) => eb.selectFrom('catalog_app_words as x').select('x.app_name').where('x.word', '>=', word).where('x.word', '<', word + maxCodePoint));
  }
  if (afterName !== undefined) query = query.where('w.app_name', '>', afterName);
  const rows = await query.groupBy('w.app_name').orderBy('w.app_name').limit(limit).execute();
  return rows.map((r) => r.app_name);
}

/** One page of apps matching every given filter, in name order. */
export async function listApps(q: Queryable, f: AppFilter): Promise<AppRow[]> {
  // With a connector filter the page is read in the connector index's order (connector,
  // app_name), so neither database has to sort every app that uses a popular connector.
  const nameColumn = f.connector !== undefined ? sql.ref<string>('c.app_name') : sql.ref<string>('catalog_apps.name');
  const filtered = () => {
    let query = q.selectFrom('catalog_apps').selectAll('catalog_apps');
    if (f.connector !== undefined) {
      query = query.innerJoin('catalog_app_connectors as c', 'c.app_id', 'catalog_apps.id').where('c.connector', '=', f.connector);
    }
    if (f.owner !== undefined) query = query.where('catalog_apps.owner', '=', f.owner);
    if (f.team !== undefined) query = query.where('catalog_apps.team', '=', f.team);
    if (f.status !== undefined) query = query.where('catalog_apps.status', '=', f.status);
    if (f.classification !== undefined) query = query.where('catalog_apps.classification', '=', f.classification);
    if (f.riskTier !== undefined) query = query.where('catalog_apps.risk_tier', '=', f.riskTier);
    return query;
  };
  const toRows = (rows: AppRow[]) => rows.map((r) => ({ ...r, id: Number(r.id) }));
  if (!f.words || f.words.length === 0) {
    let query = filtered();
    if (f.afterName !== undefined) query = query.where(nameColumn, '>', f.afterName);
    return toRows(await query.orderBy(nameColumn, 'asc').limit(f.limit).execute());
  }
  // Design note — search pages in two steps. Asked as one query ("apps where name in
  // (matching names) order by name"), both planners walked the apps table in name order and
  // merged against the matches, which for a word common in names (`leave-…`) read every row
  // before the first match: 0.9 s at 100,000 apps. Instead: (1) take the next candidate names
  // in order from the word index alone (index-only), (2) fetch those apps with the other
  // filters. Without other filters one round gives the page; with them, rounds continue after
  // the last candidate, each twice as large, until the page is full or candidates run out.
  const hasFilters = f.owner !== undefined || f.team !== undefined || f.status !== undefined || f.classification !== undefined || f.riskTier !== undefined || f.connector !== undefined;
  const out: AppRow[] = [];
  let after = f.afterName;
  let batch = hasFilters ? (f.searchBatch ?? Math.max(4 * f.limit, 200)) : f.limit;
  for (;;) {
    const names = await searchNames(q, f.words, after, batch);
    if (names.length === 0) break;
    const rows = await filtered().where('catalog_apps.name', 'in', names).orderBy(nameColumn, 'asc').limit(f.limit - out.length).execute();
    out.push(...toRows(rows));
    if (out.length >= f.limit || names.length < batch) break;
    after = names[names.length - 1];
    batch *= 2;
  }
  return out;
}
