/**
 * Migrations of the webhooks module's tables: subscriptions, the outbox of deliveries (one row
 * per event and subscription, written in the transaction of the change it announces) and the
 * record of every attempt. Times are ISO-8601 text in UTC, as everywhere in Trellis, so they
 * compare in time order as strings on both databases.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
import { surrogateKey } from '../db/columns.ts';
import type { ModuleMigrations } from '../db/migrate.ts';

function createTables(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhook_subscriptions')
        // Public id, wh_ + 20 hex characters.
        .addColumn('id', 'text', (c) => c.primaryKey())
        // Where deliveries are POSTed (https unless private targets are allowed; never userinfo).
        .addColumn('url', 'text', (c) => c.notNull())
        // JSON array of event type patterns: exact types, `prefix.*` or `*`.
        .addColumn('events', 'text', (c) => c.notNull())
        // Free text from the admin, if any.
        .addColumn('description', 'text')
        // 1 while deliveries go out; 0 when paused or disabled after failing too long.
        .addColumn('enabled', 'integer', (c) => c.notNull())
        // Why it is disabled: manual | failing; null while enabled.
        .addColumn('disabled_reason', 'text')
        // The signing secret, AES-256-GCM under the installation's 'webhooks.secret' key.
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        // The secret before the last rotation (encrypted the same way), signing until it expires.
        .addColumn('previous_secret_enc', 'text')
        // ISO-8601 end of the rotation overlap; null when there is no previous secret.
        .addColumn('previous_secret_expires_at', 'text')
        // Failed attempts since the last successful delivery.
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
        // ISO-8601 time of the first failure since the last success; null after a success.
        .addColumn('failing_since', 'text')
        // ISO-8601 creation time.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Actor id of the creator.
        .addColumn('created_by', 'text', (c) => c.notNull())
        // ISO-8601 time of the last change.
        .addColumn('updated_at', 'text', (c) => c.notNull())
        // Actor id of the last change (`system` for an automatic disable).
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        // Increasing with insertion: list order and paging key.
        .addColumn('seq', ...surrogateKey(dialect))
        // Public id, dlv_ + 20 hex characters.
        .addColumn('id', 'text', (c) => c.notNull().unique())
        // The subscription it goes to; its deliveries go when it is deleted.
        .addColumn('subscription_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id').onDelete('cascade'))
        // The event's id (evt_…), sent as webhook-id: the same on every attempt and redelivery.
        .addColumn('event_id', 'text', (c) => c.notNull())
        // The event's type, e.g. review.opened.
        .addColumn('event_type', 'text', (c) => c.notNull())
        // The JSON request body, fixed at enqueue: {id, type, timestamp, data}.
        .addColumn('body', 'text', (c) => c.notNull())
        // pending | delivered | failed
        .addColumn('status', 'text', (c) => c.notNull())
        // Attempts made so far.
        .addColumn('attempts', 'integer', (c) => c.notNull())
        // ISO-8601 time the next attempt is due; null once delivered or failed.
        .addColumn('next_attempt_at', 'text')
        // ISO-8601 end of the lease of the worker attempting it; null when nobody is.
        .addColumn('claimed_until', 'text')
        // Random token of that worker's claim, so only it records the attempt's outcome.
        .addColumn('claim_token', 'text')
        // ISO-8601 time of the last attempt.
        .addColumn('last_attempt_at', 'text')
        // HTTP status of the last attempt; null when no response came.
        .addColumn('last_status_code', 'integer')
        // Why the last attempt failed (network error, timeout, refused address), if it did.
        .addColumn('last_error', 'text')
        // ISO-8601 time of the successful attempt.
        .addColumn('delivered_at', 'text')
        // For a redelivery, the id of the delivery it re-sends.
        .addColumn('redelivery_of', 'text')
        // ISO-8601 time it was enqueued.
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // The worker's question: what is due now?
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
      // A subscription's deliveries, newest first.
      await db.schema.createIndex('webhook_deliveries_subscription').on('webhook_deliveries').columns(['subscription_id', 'seq']).execute();

      await db.schema
        .createTable('webhook_attempts')
        // The delivery attempted.
        .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
        // 1, 2, 3 … within the delivery.
        .addColumn('attempt', 'integer', (c) => c.notNull())
        // ISO-8601 time the attempt started.
        .addColumn('attempted_at', 'text', (c) => c.notNull())
        // HTTP status of the response; null when none came (network error, timeout, refusal).
        .addColumn('status_code', 'integer')
        // Why it failed without a response, if it did.
        .addColumn('error', 'text')
        // Milliseconds from start to the response's status line (or the failure).
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        // The first 256 characters of the response body at most; never more is kept.
        .addColumn('response_excerpt', 'text')
        .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery_id', 'attempt'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('webhook_attempts').execute();
      await db.schema.dropTable('webhook_deliveries').execute();
      await db.schema.dropTable('webhook_subscriptions').execute();
    },
  };
}

export const webhookMigrations: ModuleMigrations = (dialect) => ({
  '20261206_1000_webhooks': createTables(dialect),
});
