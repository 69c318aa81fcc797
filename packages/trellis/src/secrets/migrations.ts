/**
 * Migrations of the secrets module's tables: each secret's metadata and rotation schedule, and
 * its versions, each value encrypted under its own data key, the data key wrapped under the
 * master key's KEK (envelope.ts). Times are ISO-8601 UTC text, comparable as strings.
 */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

const createTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('secrets')
      // The name connectors refer to (`secret: <name>`): lower-case letters, digits and hyphens.
      .addColumn('name', 'text', (c) => c.primaryKey())
      // Free text from the admin.
      .addColumn('description', 'text')
      // static | generated.
      .addColumn('kind', 'text', (c) => c.notNull())
      // The version resolve() returns.
      .addColumn('current_version', 'integer', (c) => c.notNull())
      // Rotation schedule: every N days (null: no schedule)…
      .addColumn('rotate_every_days', 'integer')
      // …keeping the previous version valid this many hours after a new one (null: until destroyed).
      .addColumn('overlap_hours', 'integer')
      // ISO-8601 time the next scheduled rotation falls due; null without a schedule.
      .addColumn('next_rotation_at', 'text')
      // 1 when a static secret's rotation is due and waits for an admin's new value.
      .addColumn('rotation_due', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      // Actor id of the creator.
      .addColumn('created_by', 'text', (c) => c.notNull())
      // Changes with every new version or metadata change: replicas compare it to drop cached values.
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('secrets_next_rotation').on('secrets').column('next_rotation_at').execute();

    await db.schema
      .createTable('secret_versions')
      .addColumn('name', 'text', (c) => c.notNull().references('secrets.name').onDelete('cascade'))
      // 1, 2, … per secret.
      .addColumn('version', 'integer', (c) => c.notNull())
      // active | previous | destroyed.
      .addColumn('state', 'text', (c) => c.notNull())
      // Id of the master key whose KEK wraps the data key (keys status counts these); null once destroyed.
      .addColumn('kek_id', 'text')
      // The version's 32-byte data key sealed under that KEK; null once destroyed (crypto-shred).
      .addColumn('wrapped_dek', 'text')
      // The value, AES-256-GCM under the data key, bound to name and version; null once destroyed.
      .addColumn('ciphertext', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      // End of a previous version's overlap: the rotation job destroys it then; null: kept until destroyed.
      .addColumn('expires_at', 'text')
      .addColumn('destroyed_at', 'text')
      .addPrimaryKeyConstraint('secret_versions_pk', ['name', 'version'])
      .execute();
    await db.schema.createIndex('secret_versions_kek').on('secret_versions').column('kek_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('secret_versions').execute();
    await db.schema.dropTable('secrets').execute();
  },
};

export const secretMigrations: ModuleMigrations = () => ({
  '20261213_0100_secrets': createTables,
});
