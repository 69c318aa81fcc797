/**
 * Indexes that let the dashboard's aggregates read an index only, whatever the size of the
 * tables: registrations by time (catalog_apps.created_at), and the audit trail's decisions and
 * refusals by action, outcome and day. They are the insights module's own: the tables belong to
 * catalog and audit, which never query in this order.
 */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

const addIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    // Growth: registrations in the last 26 weeks, and how many came before them.
    await db.schema.createIndex('insights_apps_created_at').on('catalog_apps').column('created_at').execute();
    // Decisions and refusals per day: one range of `time` per (action, outcome), read from the index alone.
    await db.schema.createIndex('insights_audit_action_outcome_time').on('audit_events').columns(['action', 'outcome', 'time']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('insights_audit_action_outcome_time').execute();
    await db.schema.dropIndex('insights_apps_created_at').execute();
  },
};

export const insightsMigrations: ModuleMigrations = () => ({
  '20261221_0100_insights_indexes': addIndexes,
});
