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
});
