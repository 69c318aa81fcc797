/**
 * Migrations of the catalog module's tables. Every manifest version is kept (never updated);
 * `catalog_apps` holds the current state, denormalised from the newest version so that list,
 * filter and search read one narrow table. Full-text search uses each database's own index:
 * an FTS5 external-content table kept in step by triggers on SQLite, a generated tsvector
 * column with a GIN index on PostgreSQL. Both tokenise the same way (words, lower-cased) and
 * are queried by word prefix, so results agree across databases.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { ModuleMigrations } from '../db/migrate.ts';

function nameCollation(c: ColumnDefinitionBuilder, dialect: DialectName): ColumnDefinitionBuilder {
  return dialect === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
}

function createTables(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('catalog_apps')
        // Surrogate key; on SQLite it is the rowid the FTS5 index refers to.
        .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
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
        .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
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
  if (dialect === 'postgres') {
    return {
      async up(db: Kysely<unknown>) {
        // 'simple' configuration: no stemming or stop words, so prefix matching behaves like FTS5's.
        await sql`alter table catalog_apps add column search tsvector generated always as (to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(title, '') || ' ' || coalesce(description, ''))) stored`.execute(db);
        await sql`comment on column catalog_apps.search is 'Words of name, title and description for full-text search (generated)'`.execute(db);
        await sql`create index catalog_apps_search on catalog_apps using gin (search)`.execute(db);
      },
      async down(db: Kysely<unknown>) {
        await sql`drop index if exists catalog_apps_search`.execute(db);
        await sql`alter table catalog_apps drop column if exists search`.execute(db);
      },
    };
  }
  return {
    async up(db: Kysely<unknown>) {
      // External content: the index stores only tokens; rows live in catalog_apps (rowid = id).
      // prefix='2 3' keeps short prefix queries (as typed in a search box) off a full term scan.
      await sql`create virtual table catalog_apps_fts using fts5(name, title, description, content='catalog_apps', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')`.execute(db);
      await sql`create trigger catalog_apps_fts_insert after insert on catalog_apps begin
        insert into catalog_apps_fts(rowid, name, title, description) values (new.id, new.name, new.title, new.description);
      end`.execute(db);
      await sql`create trigger catalog_apps_fts_delete after delete on catalog_apps begin
        insert into catalog_apps_fts(catalog_apps_fts, rowid, name, title, description) values ('delete', old.id, old.name, old.title, old.description);
      end`.execute(db);
      await sql`create trigger catalog_apps_fts_update after update of name, title, description on catalog_apps begin
        insert into catalog_apps_fts(catalog_apps_fts, rowid, name, title, description) values ('delete', old.id, old.name, old.title, old.description);
        insert into catalog_apps_fts(rowid, name, title, description) values (new.id, new.name, new.title, new.description);
      end`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['catalog_apps_fts_update', 'catalog_apps_fts_delete', 'catalog_apps_fts_insert']) await sql`drop trigger if exists ${sql.id(t)}`.execute(db);
      await sql`drop table if exists catalog_apps_fts`.execute(db);
    },
  };
}

export const catalogMigrations: ModuleMigrations = (dialect) => ({
  '20261127_0300_catalog_apps': createTables(dialect),
  '20261127_0310_catalog_search': createSearchIndex(dialect),
});
