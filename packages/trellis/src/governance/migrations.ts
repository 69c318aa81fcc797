/** Migrations of the governance module's tables: reviews, settings and risk overrides. */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

const createTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('governance_reviews')
      // rev_ followed by 16 hex characters.
      .addColumn('id', 'text', (c) => c.primaryKey())
      // The app under review (its name: apps are never renamed).
      .addColumn('app_name', 'text', (c) => c.notNull())
      // The manifest version under review.
      .addColumn('version', 'integer', (c) => c.notNull())
      // What opened it: register | update | submit.
      .addColumn('kind', 'text', (c) => c.notNull())
      // open | approved | rejected | changes_requested | superseded | withdrawn.
      .addColumn('status', 'text', (c) => c.notNull())
      // The app's owner when the review opened (canonical person reference).
      .addColumn('owner', 'text', (c) => c.notNull())
      // ISO-8601 time the version was submitted.
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      // Actor id that submitted it.
      .addColumn('submitted_by', 'text', (c) => c.notNull())
      // Display name of that actor at the time.
      .addColumn('submitted_by_name', 'text')
      // The person behind the submitting token, when known (separation of duties).
      .addColumn('submitted_by_subject', 'text')
      // JSON list: why a person must decide (risk tier, warnings, widening).
      .addColumn('reasons', 'text', (c) => c.notNull())
      // JSON list: the admission policy's warnings.
      .addColumn('warnings', 'text', (c) => c.notNull())
      // Risk tier and score of the version under review.
      .addColumn('risk_tier', 'text', (c) => c.notNull())
      .addColumn('risk_score', 'integer', (c) => c.notNull())
      // Effective classification of the version under review.
      .addColumn('classification', 'text')
      // ISO-8601 time of the decision; null while open.
      .addColumn('decided_at', 'text')
      // Actor id, display name and person of the decider.
      .addColumn('decided_by', 'text')
      .addColumn('decided_by_name', 'text')
      .addColumn('decided_by_subject', 'text')
      // The decider's comment (required to reject or request changes).
      .addColumn('comment', 'text')
      // JSON: the reviewer's checklist answers.
      .addColumn('checklist', 'text')
      // Milliseconds from submission to decision.
      .addColumn('decision_ms', 'bigint')
      .execute();
    // The queue: open reviews oldest first.
    await db.schema.createIndex('governance_reviews_status').on('governance_reviews').columns(['status', 'submitted_at', 'id']).execute();
    // An app's reviews, newest first.
    await db.schema.createIndex('governance_reviews_app').on('governance_reviews').columns(['app_name', 'submitted_at']).execute();

    await db.schema
      .createTable('governance_settings')
      // tag_tiers | risk
      .addColumn('key', 'text', (c) => c.primaryKey())
      // The setting as JSON.
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('governance_risk_overrides')
      // The app whose risk tier an admin set.
      .addColumn('app_name', 'text', (c) => c.primaryKey())
      // low | medium | high | critical
      .addColumn('tier', 'text', (c) => c.notNull())
      // Why, as the admin stated it.
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('by_id', 'text', (c) => c.notNull())
      .addColumn('by_name', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('governance_risk_overrides').execute();
    await db.schema.dropTable('governance_settings').execute();
    await db.schema.dropTable('governance_reviews').execute();
  },
};

export const governanceMigrations: ModuleMigrations = () => ({
  '20261210_0300_governance': createTables,
});
