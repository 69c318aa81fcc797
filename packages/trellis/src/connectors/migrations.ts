/**
 * Migrations of the connectors module's tables. As for apps, every manifest version is kept and
 * never updated (`connector_versions`), and `connectors` holds the current state, including the
 * current field catalog as JSON, so that governance reads every catalog it needs in one query
 * of one table.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
import { nameCollation, surrogateKey } from '../db/columns.ts';
import type { ModuleMigrations } from '../db/migrate.ts';


function createTables(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('connectors')
        // Surrogate key, referenced by the versions.
        .addColumn('id', ...surrogateKey(dialect))
        // metadata.name: unique, immutable DNS label; apps bind the connector by it. Byte order ("C") on
        // PostgreSQL, as SQLite compares, so pages come in the same order on both.
        .addColumn('name', 'text', (c) => nameCollation(c, dialect).notNull().unique())
        // metadata.title of the current version, if any.
        .addColumn('title', 'text')
        // metadata.description of the current version, if any.
        .addColumn('description', 'text')
        // spec.type: postgres | http.
        .addColumn('type', 'text', (c) => c.notNull())
        // spec.owner in canonical form (lower case; e-mails as user:<email>), as apps' owners.
        .addColumn('owner', 'text', (c) => c.notNull())
        // active | retired.
        .addColumn('status', 'text', (c) => c.notNull())
        // spec.tiers with the default (all tiers) applied, as a JSON array.
        .addColumn('tiers', 'text', (c) => c.notNull())
        // Number of resources in the current version.
        .addColumn('resource_count', 'integer', (c) => c.notNull())
        // Number of fields over all resources of the current version.
        .addColumn('field_count', 'integer', (c) => c.notNull())
        // Number of those fields with at least one tag.
        .addColumn('tagged_field_count', 'integer', (c) => c.notNull())
        // The current version's field catalog as JSON: type, tiers, resources with resolved tiers and field tags.
        .addColumn('catalog', 'text', (c) => c.notNull())
        // Number of the newest manifest version (1 when created).
        .addColumn('current_version', 'integer', (c) => c.notNull())
        // ISO-8601 creation time.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Actor id that created the connector.
        .addColumn('created_by', 'text', (c) => c.notNull())
        // Display name of created_by at the time.
        .addColumn('created_by_name', 'text')
        // ISO-8601 time of the last change (new version or status change).
        .addColumn('updated_at', 'text', (c) => c.notNull())
        // Actor id of the last change.
        .addColumn('updated_by', 'text', (c) => c.notNull())
        // Display name of updated_by at the time.
        .addColumn('updated_by_name', 'text')
        .execute();
      // Filtered lists page in name order.
      await db.schema.createIndex('connectors_type_name').on('connectors').columns(['type', 'name']).execute();
      await db.schema.createIndex('connectors_status_name').on('connectors').columns(['status', 'name']).execute();

      await db.schema
        .createTable('connector_versions')
        // The connector this version belongs to.
        .addColumn('connector_id', 'bigint', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
        // 1, 2, 3 … per connector, without gaps.
        .addColumn('version', 'integer', (c) => c.notNull())
        // The validated manifest as JSON text, exactly as stored at that version.
        .addColumn('manifest', 'text', (c) => c.notNull())
        // SHA-256 (hex) of the manifest's canonical JSON (RFC 8785): identifies the content.
        .addColumn('digest', 'text', (c) => c.notNull())
        // ISO-8601 time the version was stored.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Actor id that stored the version.
        .addColumn('created_by', 'text', (c) => c.notNull())
        // Display name of created_by at the time.
        .addColumn('created_by_name', 'text')
        .addPrimaryKeyConstraint('connector_versions_pk', ['connector_id', 'version'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('connector_versions').execute();
      await db.schema.dropTable('connectors').execute();
    },
  };
}

export const connectorMigrations: ModuleMigrations = (dialect) => ({
  '20261210_0100_connectors': createTables(dialect),
});
