/**
 * Migration of the leases module's table: one row per dynamic database role Trellis created,
 * kept after the role is gone as the record of what existed when.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
import { surrogateKey } from '../db/columns.ts';
import type { ModuleMigrations } from '../db/migrate.ts';

function createTable(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('leases')
        .addColumn('seq', ...surrogateKey(dialect))
        // Public id, lse_ + 20 hex characters.
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('connector', 'text', (c) => c.notNull())
        .addColumn('role_name', 'text', (c) => c.notNull())
        // AES-256-GCM under the 'leases.password' key: another replica can log in as the same role.
        .addColumn('password_enc', 'text', (c) => c.notNull())
        .addColumn('grants_digest', 'text', (c) => c.notNull())
        .addColumn('grants', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        // Unique while active: two replicas creating a lease for the same app and connector at
        // once end with one row; the loser drops its role and uses the winner's.
        .addColumn('active_key', 'text', (c) => c.unique())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('max_expires_at', 'text', (c) => c.notNull())
        .addColumn('renewed_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_reason', 'text')
        .addColumn('dropped_at', 'text')
        .addColumn('drop_error', 'text')
        .execute();
      // The sweeper's questions: which active leases are past their end, which roles still need dropping.
      await db.schema.createIndex('leases_state_expires').on('leases').columns(['state', 'expires_at']).execute();
      await db.schema.createIndex('leases_app').on('leases').columns(['app', 'state']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('leases').execute();
    },
  };
}

export const leaseMigrations: ModuleMigrations = (dialect) => ({
  '20261213_0300_leases': createTable(dialect),
});
