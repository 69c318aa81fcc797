/** Migrations of the custom detector registry's table. */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../../db/migrate.ts';

export const detectorRegistryMigrations: ModuleMigrations = () => ({
  '20261127_0400_dlp_detectors': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('dlp_detectors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('samples', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('last_test', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('dlp_detectors').execute();
    },
  } satisfies Migration,
  // Who created and last changed a detector, by name as well as id (a token's or person's name).
  '20261208_0200_dlp_detector_actor_names': {
    async up(db: Kysely<unknown>) {
      // One column a statement: SQLite's ALTER TABLE adds one at a time.
      await db.schema.alterTable('dlp_detectors').addColumn('created_by_name', 'text').execute();
      await db.schema.alterTable('dlp_detectors').addColumn('updated_by_name', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('dlp_detectors').dropColumn('updated_by_name').execute();
      await db.schema.alterTable('dlp_detectors').dropColumn('created_by_name').execute();
    },
  } satisfies Migration,
});
