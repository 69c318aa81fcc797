/**
 * Migrations of the exports module's tables: the delivery settings admins give each export
 * destination, and the exports held for review (their payload sealed). Times are ISO-8601 text
 * in UTC, as everywhere in Trellis.
 */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

const createTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('export_destinations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('allow_private_host', 'integer', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      // One delivery per declared (destination, target): an export goes exactly one way.
      .addUniqueConstraint('export_destinations_target', ['destination', 'target'])
      .execute();

    await db.schema
      .createTable('export_quarantine')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('payload_sealed', 'text')
      .addColumn('detected', 'text', (c) => c.notNull())
      .addColumn('messages', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('reason', 'text')
      .addColumn('delivery_id', 'text')
      .addColumn('last_error', 'text')
      .execute();
    // The reviewers' queue: held exports, oldest first.
    await db.schema.createIndex('export_quarantine_status').on('export_quarantine').columns(['status', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('export_quarantine').execute();
    await db.schema.dropTable('export_destinations').execute();
  },
};

export const exportMigrations: ModuleMigrations = () => ({
  '20261213_0400_exports': createTables,
});
