/** Migrations of the keys module's table: which master key this database belongs to. */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

export const keyMigrations: ModuleMigrations = () => ({
  '20261207_0200_installation_keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('installation_keys')
        // 'master': one row; the primary key makes two replicas starting together agree on one.
        .addColumn('id', 'text', (c) => c.primaryKey())
        // First 16 hex characters of key_check, printed when a server's key does not match.
        .addColumn('key_id', 'text', (c) => c.notNull())
        // HMAC-SHA-256 of a fixed string under the master key's 'key.check' derivation (hex).
        .addColumn('key_check', 'text', (c) => c.notNull())
        // The master key itself (base64), kept here only by development-mode servers on PostgreSQL
        // started without TRELLIS_MASTER_KEY, so that dev replicas share it; null otherwise.
        .addColumn('dev_root_key', 'text')
        // ISO-8601 time the first server recorded the key.
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('installation_keys').execute();
    },
  } satisfies Migration,
  '20261213_0050_installation_root': {
    async up(db: Kysely<unknown>) {
      // The stable root key every purpose key derives from, sealed under the current master key,
      // so a new master key re-seals the root instead of changing what derives from it. Null for
      // an installation from before: its root is its master key (key_id / key_check name it).
      await db.schema.alterTable('installation_keys').addColumn('root_sealed', 'text').execute();
      // Id of the master key root_sealed is sealed under (the start-time error names it when missing).
      await db.schema.alterTable('installation_keys').addColumn('root_master_id', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('installation_keys').dropColumn('root_master_id').execute();
      await db.schema.alterTable('installation_keys').dropColumn('root_sealed').execute();
    },
  } satisfies Migration,
});
