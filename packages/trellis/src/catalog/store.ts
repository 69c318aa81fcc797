/**
 * Queries on the catalog's tables; the only code that touches them. One named function per
 * query that is more than a primary-key lookup, each tested on SQLite and PostgreSQL.
 * Lists page by keyset on the unique app name (`name > cursor ORDER BY name`), which stays
 * fast at any depth and never skips or repeats a row when apps are added between pages.
 */
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { DialectName, Queryable } from '../db/database.ts';
import type { CatalogAppConnectorRow, CatalogAppRow, CatalogAppVersionRow, CatalogAppWordRow, CatalogStatusChangeRow } from './rows.ts';
import type { AppSort } from './vocabulary.ts';

export type AppRow = Selectable<CatalogAppRow>;
export type NewAppRow = Omit<AppRow, 'id'>;

/**
 * What a list or search page shows of each app (the API's appSummarySchema, in its order), as
 * JSON key and column: 14 of the app row's 19 columns. `connectors` is stored as JSON text.
 */
export const appSummaryFields = [
  ['name', 'name'],
  ['title', 'title'],
  ['description', 'description'],
  ['owner', 'owner'],
  ['team', 'team'],
  ['status', 'status'],
  ['classification', 'classification'],
  ['risk_tier', 'risk_tier'],
  ['risk_score', 'risk_score'],
  ['runtime', 'runtime'],
  ['connectors', 'connectors'],
  ['version', 'current_version'],
  ['created_at', 'created_at'],
  ['updated_at', 'updated_at'],
] as const satisfies readonly (readonly [string, keyof AppRow])[];

/**
 * One app of a page, its summary already JSON. Design note — the database writes the page's
 * JSON, as PostgREST does: reading 13 columns into a JS object per row and serialising them
 * again cost about 2.5 times as much as SQLite's json_object (or PostgreSQL's to_json) and
 * reading two columns; the page is then the items joined. Only these named columns can reach
 * the page, as only the response schema's fields could before; a test compares the JSON with
 * the detail view's summary for hostile strings on both databases.
 */
export interface AppPageRow {
  name: string;
  summary: string;
  /** The sort key's value, for the next cursor (sorts other than by name). */
  sort_key?: string | number | null;
}

function buildSummaryJson(dialect: DialectName) {
  const col = (c: string) => sql.ref(`catalog_apps.${c}`);
  if (dialect === 'sqlite') {
    const args = appSummaryFields.map(([key, c]) => sql`${sql.lit(key)}, ${key === 'connectors' ? sql`json(${col(c)})` : col(c)}`);
    return sql<string>`json_object(${sql.join(args)})`.as('summary');
  }
  // to_json of a row is compact and keeps the column order (json_build_object adds spaces).
  const cols = appSummaryFields.map(([key, c]) => (key === 'connectors' ? sql`${col(c)}::json as ${sql.ref(key)}` : sql`${col(c)} as ${sql.ref(key)}`));
  return sql<string>`(select to_json(s)::text from (select ${sql.join(cols)}) as s)`.as('summary');
}

/** Built once per dialect: the expression is constant, and building it per page cost as much as running it. */
const summaryJsonOf = { sqlite: buildSummaryJson('sqlite'), postgres: buildSummaryJson('postgres') };

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
 * Changes whenever an app is added (a higher id) or its row changes (status, version in force,
 * owner: a later updated_at): a stamp to poll, read from two indexes. Apps are never deleted.
 */
export async function appsStamp(q: Queryable): Promise<string> {
  // One subquery per aggregate: SQLite reads a max from an index only when it is the query's one aggregate.
  const r = await sql<{ n: number | null; latest: string | null }>`select (select max(id) from catalog_apps) as n, (select max(updated_at) from catalog_apps) as latest`.execute(q);
  const row = r.rows[0];
  return `${String(row?.n ?? 0)}|${String(row?.latest ?? '')}`;
}

export async function appExists(q: Queryable, name: string): Promise<boolean> {
  return (await q.selectFrom('catalog_apps').select('id').where('name', '=', name).executeTakeFirst()) !== undefined;
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
export type AppManifestColumns = Pick<AppRow, 'title' | 'description' | 'owner' | 'team' | 'classification' | 'declared_classification' | 'runtime' | 'template' | 'connectors' | 'current_version' | 'updated_at' | 'updated_by' | 'updated_by_name'>;

export async function updateAppManifestColumns(q: Queryable, id: number, cols: AppManifestColumns): Promise<void> {
  await q.updateTable('catalog_apps').set(cols).where('id', '=', id).execute();
}

/** Compare-and-set on status: returns false when the status moved since it was read. */
export async function updateAppStatus(q: Queryable, id: number, from: string, to: string, at: string, by: { id: string; name: string | null }): Promise<boolean> {
  const r = await q.updateTable('catalog_apps').set({ status: to, updated_at: at, updated_by: by.id, updated_by_name: by.name }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Names and statuses of the apps a person owns (canonical reference), in name order. */
export async function appsOwnedBy(q: Queryable, owner: string): Promise<{ name: string; status: string; current_version: number; approved_version: number | null }[]> {
  return q.selectFrom('catalog_apps').select(['name', 'status', 'current_version', 'approved_version']).where('owner', '=', owner).orderBy('name').execute();
}

export async function updateAppOwner(q: Queryable, id: number, owner: string, at: string, by: { id: string; name: string | null }): Promise<void> {
  await q.updateTable('catalog_apps').set({ owner, updated_at: at, updated_by: by.id, updated_by_name: by.name }).where('id', '=', id).execute();
}

/** Compare-and-set of a decided status (and the version in force): false when the status moved since it was read. */
export async function updateAppDecision(
  q: Queryable,
  id: number,
  from: string,
  cols: Partial<Pick<AppRow, 'status' | 'approved_version' | 'approved_at' | 'updated_at' | 'updated_by' | 'updated_by_name' | 'classification' | 'risk_tier' | 'risk_score'>>,
): Promise<boolean> {
  const r = await q.updateTable('catalog_apps').set(cols).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function updateAppAssessedColumns(q: Queryable, id: number, cols: Pick<AppRow, 'classification' | 'risk_tier' | 'risk_score'>): Promise<void> {
  await q.updateTable('catalog_apps').set(cols).where('id', '=', id).execute();
}

export async function setVersionAssessment(q: Queryable, appId: number, version: number, assessment: string): Promise<void> {
  await q.updateTable('catalog_app_versions').set({ assessment }).where('app_id', '=', appId).where('version', '=', version).execute();
}

/** Apps after `after` in name order with their current manifest and assessment (impact analysis). */
export async function currentManifests(q: Queryable, after: string | null, limit: number) {
  let query = q
    .selectFrom('catalog_apps')
    .innerJoin('catalog_app_versions', (j) => j.onRef('catalog_app_versions.app_id', '=', 'catalog_apps.id').onRef('catalog_app_versions.version', '=', 'catalog_apps.current_version'))
    .select(['catalog_apps.name', 'catalog_apps.status', 'catalog_apps.current_version', 'catalog_apps.approved_at', 'catalog_app_versions.manifest', 'catalog_app_versions.assessment'])
    .orderBy('catalog_apps.name')
    .limit(limit);
  if (after !== null) query = query.where('catalog_apps.name', '>', after);
  return query.execute();
}

export async function insertVersions(q: Queryable, rows: CatalogAppVersionRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await q.insertInto('catalog_app_versions').values(rows.slice(i, i + 500)).execute();
}

export async function getVersion(q: Queryable, appId: number, version: number): Promise<CatalogAppVersionRow | undefined> {
  const row = await q.selectFrom('catalog_app_versions').selectAll().where('app_id', '=', appId).where('version', '=', version).executeTakeFirst();
  return row ? { ...row, app_id: Number(row.app_id) } : undefined;
}

export type VersionSummaryRow = Omit<CatalogAppVersionRow, 'manifest' | 'assessment'>;

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
  /** Order of the page (default name). */
  sort?: AppSort;
  /** Keyset cursor: only apps whose name sorts after this one (with another sort: after afterKey, then this name). */
  afterName?: string;
  /** Keyset cursor of a sort other than by name: the previous page's last key (risk: -1 for no score). */
  afterKey?: string | number;
  limit: number;
  /** First round of search candidates when other filters apply (tests set it small to force several rounds). */
  searchBatch?: number;
  /** Most index words one search word may expand to for the merge (tests set 0 to force the range query). */
  mergeWords?: number;
  /** SQLite, sorts other than name: walk the sort index from this many matches (tests set 1 to force the walk). */
  walkFrom?: number;
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
 * A search word expands to at most this many distinct index words for the merge
 * (`mergeNames`); a word that expands to more (a single letter, say) is answered by
 * `rangeNames`. See docs/catalog-search.md.
 */
const maxMergedWords = 200;
/** Index entries counted per search word, at most, to pick the one that drives a multi-word search. */
const selectivityProbe = 10_000;

/**
 * Names of apps matching every search word, in name order, from the word index alone: each
 * word must start some word of the app's name, title or description.
 *
 * Design note — a prefix such as `le` covers several index words (lead, leave, ledger, …), and
 * each word's entries are already in name order in the primary key (word, app_name). The page
 * is their merge: for each word, its next `limit` names at most (`mergeNames`). Reading the
 * prefix's whole range and sorting it read 44,000 entries for `le` at 100,000 apps; walking
 * the (app_name, word) index in name order, which PostgreSQL chose for some prefixes, read
 * nearly the whole index for `ti` (every `ticket-…` app sorts late). The merge reads at most
 * `limit` entries per word whatever the prefix. One word drives it, the others are checked
 * per candidate; with several words the rarest drives.
 */
export async function searchNames(q: Queryable, words: readonly string[], afterName: string | undefined, limit: number, maxWords = maxMergedWords): Promise<string[]> {
  if (words.length === 0 || limit < 1) return [];
  for (const driver of words.length === 1 ? words : await rarestFirst(q, words)) {
    const expansion = await wordsStartingWith(q, driver, maxWords + 1);
    // No app has a word starting with this one, so no app matches them all.
    if (expansion.length === 0) return [];
    if (expansion.length <= maxWords) {
      const rest = [...words];
      rest.splice(rest.indexOf(driver), 1);
      return mergeNames(q, expansion, rest, afterName, limit);
    }
  }
  return rangeNames(q, words, afterName, limit);
}

/** The search words, those with the fewest index entries first (counted up to `selectivityProbe`); longer first on a tie. */
async function rarestFirst(q: Queryable, words: readonly string[]): Promise<string[]> {
  const counts = sql.join(
    words.map((word, i) => sql`select ${sql.lit(i)} as i, (select count(*) from (select 1 from catalog_app_words where word >= ${word} and word < ${word + maxCodePoint} limit ${selectivityProbe}) t) as n`),
    sql` union all `,
  );
  const { rows } = await sql<{ i: number | string; n: number | string }>`${counts}`.execute(q);
  const entries = new Map(rows.map((r) => [Number(r.i), Number(r.n)]));
  return words
    .map((word, i) => ({ word, n: entries.get(i) ?? 0, i }))
    .sort((a, b) => a.n - b.n || b.word.length - a.word.length || a.i - b.i)
    .map((w) => w.word);
}

/**
 * The distinct index words starting with `prefix`, at most `max`: one index probe each (a
 * recursive skip over the primary key), however many apps each word has.
 */
async function wordsStartingWith(q: Queryable, prefix: string, max: number): Promise<string[]> {
  const end = prefix + maxCodePoint;
  const { rows } = await sql<{ word: string }>`
    with recursive d(word, n) as (
      select (select min(word) from catalog_app_words where word >= ${prefix} and word < ${end}), 1
      union all
      select (select min(x.word) from catalog_app_words x where x.word > d.word and x.word < ${end}), d.n + 1 from d where d.word is not null and d.n < ${max}
    )
    select word from d where word is not null`.execute(q);
  return rows.map((r) => r.word);
}

/**
 * Names having one of `expansion` (whole index words) and a word starting with each of
 * `rest`, in name order. For each index word, the correlated subquery finds its `limit`-th
 * qualifying name after the cursor; no name past it can be on the page (that word alone
 * gives `limit` earlier ones), so both databases read at most `limit` entries of each word's
 * range, twice (bound, then names), plus one probe of (app_name, word) per entry and rest word.
 */
async function mergeNames(q: Queryable, expansion: readonly string[], rest: readonly string[], afterName: string | undefined, limit: number): Promise<string[]> {
  const hasRest = (name: 'w' | 'y') =>
    sql.join(
      rest.map((word) => sql` and (select min(x.word) from catalog_app_words x where x.app_name = ${sql.ref(`${name}.app_name`)} and x.word >= ${word} and x.word < ${word + maxCodePoint}) is not null`),
      sql``,
    );
  const after = (name: 'w' | 'y') => (afterName !== undefined ? sql` and ${sql.ref(`${name}.app_name`)} > ${afterName}` : sql``);
  if (expansion.length === 1) {
    // One index word: its entries are the page, in primary-key order, with no bound to find.
    const { rows } = await sql<{ app_name: string }>`
      select w.app_name from catalog_app_words w where w.word = ${expansion[0]}${after('w')}${hasRest('w')} order by w.app_name limit ${limit}`.execute(q);
    return rows.map((r) => r.app_name);
  }
  const values = sql.join(expansion.map((word) => sql`(${word})`));
  const { rows } = await sql<{ app_name: string }>`
    with d(word) as (values ${values})
    select w.app_name from d join catalog_app_words w on w.word = d.word
    where w.app_name <= coalesce((select y.app_name from catalog_app_words y where y.word = d.word${after('y')}${hasRest('y')} order by y.app_name limit 1 offset ${limit - 1}), ${maxCodePoint})${after('w')}${hasRest('w')}
    group by w.app_name order by w.app_name limit ${limit}`.execute(q);
  return rows.map((r) => r.app_name);
}

/**
 * The same names by one range query over the first word (the planner chooses how to read it):
 * for a word that expands to more than `maxMergedWords` index words.
 */
async function rangeNames(q: Queryable, words: readonly string[], afterName: string | undefined, limit: number): Promise<string[]> {
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

/**
 * The page query of the filters other than search: apps, and with a connector filter its index
 * joined. `walk` (SQLite, sorts other than name) writes each filter so that no index can serve
 * it — `+column` on SQLite, the connector as a probe per app — so the page is read by walking
 * the sort key's index (listAppsSorted says when).
 */
function filteredApps(q: Queryable, f: AppFilter, walk = false) {
  let query = q.selectFrom('catalog_apps');
  if (f.connector !== undefined) {
    query = walk
      ? query.where(sql`(select 1 from catalog_app_connectors c where c.connector = ${f.connector} and c.app_name = catalog_apps.name)`, 'is not', null)
      : query.innerJoin('catalog_app_connectors as c', 'c.app_id', 'catalog_apps.id').where('c.connector', '=', f.connector);
  }
  const column = (c: 'owner' | 'team' | 'status' | 'classification' | 'risk_tier') => (walk ? sql<string>`+${sql.ref(`catalog_apps.${c}`)}` : sql.ref<string>(`catalog_apps.${c}`));
  if (f.owner !== undefined) query = query.where(column('owner'), '=', f.owner);
  if (f.team !== undefined) query = query.where(column('team'), '=', f.team);
  if (f.status !== undefined) query = query.where(column('status'), '=', f.status);
  if (f.classification !== undefined) query = query.where(column('classification'), '=', f.classification);
  if (f.riskTier !== undefined) query = query.where(column('risk_tier'), '=', f.riskTier);
  return query;
}

/**
 * The sort keys other than the name, as the list compares them. An app with no risk score
 * compares as -1, below every score (0–100): one expression, the same on both databases,
 * and the one the migration's expression indexes hold (`coalesce(risk_score, -1)`), so the
 * -1 must stay a literal, never a bound parameter, for the planners to match it.
 */
const sortKeyOf: Record<'updated_at' | 'created_at' | 'risk_score', RawBuilder<string | number>> = {
  updated_at: sql<string>`${sql.ref('catalog_apps.updated_at')}`,
  created_at: sql<string>`${sql.ref('catalog_apps.created_at')}`,
  risk_score: sql<number>`coalesce(${sql.ref('catalog_apps.risk_score')}, -1)`,
};

/**
 * One page of apps matching every given filter, in a sort other than name ascending: by key
 * then name ascending (`-name`: name descending).
 *
 * Design note — keyset, never OFFSET: after (x, y), the previous page's last key and name,
 * ascending reads `key >= x and (key > x or name > y)` and descending `key <= x and (key < x or
 * name > y)`. The first conjunct is a plain range on the key, where the index (key, name) or
 * (key desc, name) starts reading; a row-value comparison cannot mix directions. Each key has
 * an index in each direction with name ascending (migration 20261222_0100), so a page with no
 * filter reads 51 index entries in order, at any depth, with no sort step. Filters are ANDed
 * on and the planner chooses: walk the sort index and test each row (common filters), or read
 * the filter's index and sort its rows (rare ones). Search restricts the apps to those with a
 * word starting with each search word, by the word index, ordered by the key; unlike name
 * order (below), no index gives matches in key order, so the planner again chooses between
 * walking the key index and probing (app_name, word), or sorting the matches.
 */
async function listAppsSorted(q: Queryable, dialect: DialectName, f: AppFilter, sort: Exclude<AppSort, 'name'>): Promise<AppPageRow[]> {
  const name = sql.ref<string>('catalog_apps.name');
  const words = f.words ?? [];
  const hasFilters = words.length > 0 || f.owner !== undefined || f.team !== undefined || f.status !== undefined || f.classification !== undefined || f.riskTier !== undefined || f.connector !== undefined;
  const matching = (walk: boolean) => {
    let query = filteredApps(q, f, walk);
    for (const word of words) {
      query = walk
        ? query.where(sql`(select min(x.word) from catalog_app_words x where x.app_name = catalog_apps.name and x.word >= ${word} and x.word < ${word + maxCodePoint})`, 'is not', null)
        : query.where(name, 'in', (eb) => eb.selectFrom('catalog_app_words as w').select('w.app_name').where('w.word', '>=', word).where('w.word', '<', word + maxCodePoint));
    }
    return query;
  };
  // SQLite reads a filter's or a search's matches by their index and sorts them, however many
  // there are: 150–250 ms for status=approved (half the apps) at 100,000. When at least
  // `walkFrom` apps match, walking the sort index and testing each app finds a page within
  // about 51 × 100,000 / 2,000 rows; below that, sorting the matches is cheap. So count them
  // first, up to `walkFrom` (index-only, well under a millisecond). PostgreSQL weighs the two
  // reads itself from its statistics.
  let walk = false;
  if (dialect === 'sqlite' && hasFilters) {
    const from = f.walkFrom ?? walkFrom;
    const probe = matching(false).select(sql.lit(1).as('one')).limit(from);
    const counted = await q.selectFrom(probe.as('m')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    walk = Number(counted.n) >= from;
  }
  let query = matching(walk).select(['catalog_apps.name', summaryJsonOf[dialect]]);
  if (sort === '-name') {
    if (f.afterName !== undefined) query = query.where(name, '<', f.afterName);
    return query.orderBy(name, 'desc').limit(f.limit).execute();
  }
  const desc = sort.startsWith('-');
  const key = sortKeyOf[(desc ? sort.slice(1) : sort) as keyof typeof sortKeyOf];
  let sorted = query.select(key.as('sort_key'));
  if (f.afterKey !== undefined && f.afterName !== undefined) {
    const x = f.afterKey;
    const y = f.afterName;
    sorted = sorted.where((eb) => eb.and([eb(key, desc ? '<=' : '>=', x), eb.or([eb(key, desc ? '<' : '>', x), eb(name, '>', y)])]));
  }
  return sorted.orderBy(key, desc ? 'desc' : 'asc').orderBy(name, 'asc').limit(f.limit).execute();
}

/** With this many matching apps or more, SQLite walks the sort index (listAppsSorted). */
const walkFrom = 2000;

/**
 * One page of apps matching every given filter, in name order unless `sort` says otherwise
 * (listAppsSorted).
 */
export async function listApps(q: Queryable, dialect: DialectName, f: AppFilter): Promise<AppPageRow[]> {
  if (f.sort !== undefined && f.sort !== 'name') return listAppsSorted(q, dialect, f, f.sort);
  // With a connector filter the page is read in the connector index's order (connector,
  // app_name), so neither database has to sort every app that uses a popular connector.
  const nameColumn = f.connector !== undefined ? sql.ref<string>('c.app_name') : sql.ref<string>('catalog_apps.name');
  const filtered = () => filteredApps(q, f).select(['catalog_apps.name', summaryJsonOf[dialect]]);
  if (!f.words || f.words.length === 0) {
    let query = filtered();
    if (f.afterName !== undefined) query = query.where(nameColumn, '>', f.afterName);
    return query.orderBy(nameColumn, 'asc').limit(f.limit).execute();
  }
  // Design note — search pages in two steps. Asked as one query ("apps where name in
  // (matching names) order by name"), both planners walked the apps table in name order and
  // merged against the matches, which for a word common in names (`leave-…`) read every row
  // before the first match: 0.9 s at 100,000 apps. Instead: (1) take the next candidate names
  // in order from the word index alone (index-only), (2) fetch those apps with the other
  // filters. Without other filters one round gives the page; with them, rounds continue after
  // the last candidate, each twice as large, until the page is full or candidates run out.
  const hasFilters = f.owner !== undefined || f.team !== undefined || f.status !== undefined || f.classification !== undefined || f.riskTier !== undefined || f.connector !== undefined;
  const out: AppPageRow[] = [];
  let after = f.afterName;
  let batch = hasFilters ? (f.searchBatch ?? Math.max(4 * f.limit, 200)) : f.limit;
  for (;;) {
    const names = await searchNames(q, f.words, after, batch, f.mergeWords);
    if (names.length === 0) break;
    const rows = await filtered().where('catalog_apps.name', 'in', names).orderBy(nameColumn, 'asc').limit(f.limit - out.length).execute();
    out.push(...rows);
    if (out.length >= f.limit || names.length < batch) break;
    after = names[names.length - 1];
    batch *= 2;
  }
  return out;
}
