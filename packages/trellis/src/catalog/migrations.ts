/**
 * Migrations of the catalog module's tables. Every manifest version is kept (never updated);
 * `catalog_apps` holds the current state, denormalised from the newest version so that list,
 * filter and search read one narrow table. Search uses a plain word index of our own
 * (`catalog_app_words`: word, app name), the same on both databases. Why not SQLite FTS5 and
 * a PostgreSQL tsvector/GIN index: a page is "the first 50 matches in name order", and those
 * indexes return matches in row order, so a common word or a two-letter prefix meant fetching
 * and sorting tens of thousands of table rows (measured: p95 above 500 ms on PostgreSQL with
 * 100,000 apps, where the planner also cannot estimate prefix selectivity). The word index
 * answers from the index alone, and PostgreSQL has real statistics on it.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
import { nameCollation, surrogateKey } from '../db/columns.ts';
import type { ModuleMigrations } from '../db/migrate.ts';


function createTables(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('catalog_apps')
        // Surrogate key, referenced by the versions, connector, word and status tables.
        .addColumn('id', ...surrogateKey(dialect))
        // metadata.name: the app's unique, immutable DNS-label name, used in every URL.
        // Byte order ("C") on PostgreSQL, as SQLite compares, so pages come in the same order on both.
        .addColumn('name', 'text', (c) => nameCollation(c, dialect).notNull().unique())
        // metadata.title of the current version, if any.
        .addColumn('title', 'text')
        // metadata.description of the current version, if any.
        .addColumn('description', 'text')
        // spec.owner in canonical form (lower case; e-mails as user:<email>; default namespace dropped).
        .addColumn('owner', 'text', (c) => c.notNull())
        // spec.team of the current version, if any.
        .addColumn('team', 'text')
        // Lifecycle status (catalog/lifecycle.ts): draft, pending_review, approved, rejected, suspended, retired.
        .addColumn('status', 'text', (c) => c.notNull())
        // spec.classification as declared (public | internal | confidential | restricted), if any.
        .addColumn('classification', 'text')
        // Risk tier (low | medium | high | critical) set by the risk capability; null until scored.
        .addColumn('risk_tier', 'text')
        // spec.runtime (external | sandbox); external when the manifest does not say.
        .addColumn('runtime', 'text', (c) => c.notNull())
        // spec.template the app started from, if any.
        .addColumn('template', 'text')
        // Connector names of the current version as a JSON array, for display in lists.
        .addColumn('connectors', 'text', (c) => c.notNull())
        // Number of the newest manifest version (1 at registration).
        .addColumn('current_version', 'integer', (c) => c.notNull())
        // ISO-8601 registration time.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Actor id that registered the app.
        .addColumn('created_by', 'text', (c) => c.notNull())
        // ISO-8601 time of the last change (new version or status change).
        .addColumn('updated_at', 'text', (c) => c.notNull())
        // Actor id of the last change.
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      // Filters page in name order, so each filter column leads an index that ends in name.
      for (const column of ['owner', 'team', 'status', 'classification', 'risk_tier']) {
        await db.schema.createIndex(`catalog_apps_${column}_name`).on('catalog_apps').columns([column, 'name']).execute();
      }

      await db.schema
        .createTable('catalog_app_versions')
        // The app this version belongs to.
        .addColumn('app_id', 'bigint', (c) => c.notNull().references('catalog_apps.id').onDelete('cascade'))
        // 1, 2, 3 … per app, without gaps.
        .addColumn('version', 'integer', (c) => c.notNull())
        // The validated manifest as JSON text, exactly as stored at that version.
        .addColumn('manifest', 'text', (c) => c.notNull())
        // SHA-256 (hex) of the manifest's canonical JSON (RFC 8785): identifies the content.
        .addColumn('digest', 'text', (c) => c.notNull())
        // ISO-8601 time the version was stored.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Actor id that stored the version.
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('catalog_app_versions_pk', ['app_id', 'version'])
        .execute();

      await db.schema
        .createTable('catalog_app_connectors')
        // Connector name used by the current version of the app.
        .addColumn('connector', 'text', (c) => c.notNull())
        // The app's name, so "apps using connector X" pages in name order from this table alone.
        .addColumn('app_name', 'text', (c) => nameCollation(c, dialect).notNull())
        // The app (rows replaced whenever a new version is stored).
        .addColumn('app_id', 'bigint', (c) => c.notNull().references('catalog_apps.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('catalog_app_connectors_pk', ['connector', 'app_name'])
        .execute();
      await db.schema.createIndex('catalog_app_connectors_app').on('catalog_app_connectors').column('app_id').execute();

      await db.schema
        .createTable('catalog_status_changes')
        // Surrogate key, increasing with time.
        .addColumn('id', ...surrogateKey(dialect))
        // The app whose status changed.
        .addColumn('app_id', 'bigint', (c) => c.notNull().references('catalog_apps.id').onDelete('cascade'))
        // Status before the change.
        .addColumn('from_status', 'text', (c) => c.notNull())
        // Status after the change.
        .addColumn('to_status', 'text', (c) => c.notNull())
        // Why, as given by the actor (free text), if anything.
        .addColumn('reason', 'text')
        // ISO-8601 time of the change.
        .addColumn('changed_at', 'text', (c) => c.notNull())
        // Actor id that made the change.
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('catalog_status_changes_app').on('catalog_status_changes').columns(['app_id', 'id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('catalog_status_changes').execute();
      await db.schema.dropTable('catalog_app_connectors').execute();
      await db.schema.dropTable('catalog_app_versions').execute();
      await db.schema.dropTable('catalog_apps').execute();
    },
  };
}

function createSearchIndex(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let table = db.schema
        .createTable('catalog_app_words')
        // One lower-cased word of the app's name, title or description (letters and digits only).
        .addColumn('word', 'text', (c) => nameCollation(c, dialect).notNull())
        // The app's name: (word, app_name) is ordered as a page is, so a search reads the index only.
        .addColumn('app_name', 'text', (c) => nameCollation(c, dialect).notNull())
        // The app (rows replaced whenever a new version is stored).
        .addColumn('app_id', 'bigint', (c) => c.notNull().references('catalog_apps.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('catalog_app_words_pk', ['word', 'app_name']);
      // SQLite: the primary key is the table, so the index holds every column (no rowid lookups).
      if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
      await table.execute();
      // For "does this app have a word starting with …" probes while walking apps in name order.
      await db.schema.createIndex('catalog_app_words_app').on('catalog_app_words').columns(['app_name', 'word']).execute();
      await db.schema.createIndex('catalog_app_words_app_id').on('catalog_app_words').column('app_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('catalog_app_words').execute();
    },
  };
}

/**
 * Who made each change, by name as well as id: the id is a token id (`a669cd86c24f34da`), which
 * tells a person nothing, and the token's name cannot be looked up later once the token is
 * gone. The name is the actor's display name at the time of the change. Rows written before
 * this migration have no name (null); readers show the id for them.
 */
const actorNameColumns: [table: 'catalog_apps' | 'catalog_app_versions' | 'catalog_status_changes', column: string][] = [
  // Display name of the actor that registered the app (created_by).
  ['catalog_apps', 'created_by_name'],
  // Display name of the actor of the last change (updated_by).
  ['catalog_apps', 'updated_by_name'],
  // Display name of the actor that stored the version (created_by).
  ['catalog_app_versions', 'created_by_name'],
  // Display name of the actor that made the status change (changed_by).
  ['catalog_status_changes', 'changed_by_name'],
];

const addActorNames: Migration = {
  async up(db: Kysely<unknown>) {
    // One column a statement: SQLite's ALTER TABLE adds one at a time.
    for (const [table, column] of actorNameColumns) await db.schema.alterTable(table).addColumn(column, 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const [table, column] of [...actorNameColumns].reverse()) await db.schema.alterTable(table).dropColumn(column).execute();
  },
};

/**
 * What governance decided about each version (docs/governance.md). `classification` now holds
 * the effective tier (the higher of declared and detected), so the list filter and its index
 * answer "which apps hold restricted data" whatever the manifest declared; the declared tier
 * keeps its own column. Existing rows start with effective = declared.
 */
const addAssessment: Migration = {
  async up(db: Kysely<unknown>) {
    // spec.classification as declared by the manifest's author.
    await db.schema.alterTable('catalog_apps').addColumn('declared_classification', 'text').execute();
    // Risk score 0–100 of the current version (governance/risk.ts); null until assessed.
    await db.schema.alterTable('catalog_apps').addColumn('risk_score', 'integer').execute();
    // The version in force: the last one approved (by a reviewer or automatically); null before any approval.
    await db.schema.alterTable('catalog_apps').addColumn('approved_version', 'integer').execute();
    // ISO-8601 time approved_version was approved (renewal rules count from it).
    await db.schema.alterTable('catalog_apps').addColumn('approved_at', 'text').execute();
    // The version's assessment as JSON: classification, risk and the admission decision; null for versions stored without one.
    await db.schema.alterTable('catalog_app_versions').addColumn('assessment', 'text').execute();
    await sql`update catalog_apps set declared_classification = classification`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('catalog_app_versions').dropColumn('assessment').execute();
    for (const column of ['approved_at', 'approved_version', 'risk_score', 'declared_classification']) await db.schema.alterTable('catalog_apps').dropColumn(column).execute();
  },
};

/**
 * The gateway polls the catalog's change stamp (store.ts `appsStamp`) every second on every
 * replica: with an index on updated_at, and the highest id instead of a count, reading it is two
 * index lookups instead of two scans of every app (milliseconds at 100,000 apps, on SQLite on the
 * event loop).
 */
const indexUpdatedAt: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('catalog_apps_updated_at').on('catalog_apps').column('updated_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('catalog_apps_updated_at').execute();
  },
};

/**
 * The list's other orders (`sort`, store.ts `listAppsSorted`): for each key one index in each
 * direction, each ending in name ascending, the tie-breaker in both directions — an index read
 * backwards would break ties by name descending. A page reads 51 entries in order at any
 * depth, with no sort step (plans in docs/catalog-search.md). The risk index holds the
 * expression the list compares, `coalesce(risk_score, -1)`, so apps with no score sort below
 * every score. `name` keeps its collation (byte order on PostgreSQL). Plain SQL: the same text
 * on both databases, which both accept for descending and expression index columns. The index
 * on updated_at alone is dropped: (updated_at, name) answers the change stamp's max(updated_at)
 * as well, and one index fewer is one write fewer per change.
 */
const sortIndexes: [name: string, columns: string][] = [
  ['catalog_apps_updated_at_name', 'updated_at, name'],
  ['catalog_apps_updated_at_desc_name', 'updated_at desc, name'],
  ['catalog_apps_created_at_name', 'created_at, name'],
  ['catalog_apps_created_at_desc_name', 'created_at desc, name'],
  ['catalog_apps_risk_score_name', '(coalesce(risk_score, -1)), name'],
  ['catalog_apps_risk_score_desc_name', '(coalesce(risk_score, -1)) desc, name'],
];

const indexSortKeys: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, columns] of sortIndexes) await sql`create index ${sql.id(name)} on catalog_apps (${sql.raw(columns)})`.execute(db);
    await db.schema.dropIndex('catalog_apps_updated_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.createIndex('catalog_apps_updated_at').on('catalog_apps').column('updated_at').execute();
    for (const [name] of [...sortIndexes].reverse()) await db.schema.dropIndex(name).execute();
  },
};

export const catalogMigrations: ModuleMigrations = (dialect) => ({
  '20261127_0300_catalog_apps': createTables(dialect),
  '20261127_0310_catalog_search': createSearchIndex(dialect),
  '20261208_0100_catalog_actor_names': addActorNames,
  '20261210_0100_catalog_assessment': addAssessment,
  '20261214_0100_catalog_updated_at_index': indexUpdatedAt,
  '20261222_0100_catalog_sort_indexes': indexSortKeys,
});
