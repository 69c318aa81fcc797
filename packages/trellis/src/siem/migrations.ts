/**
 * Migrations of the siem module's tables: the sinks (each with its durable cursor into the audit
 * trail, its retry state and the lease of the replica delivering it) and the dead letters (events
 * a receiver refused for good). The audit table itself is the outbox: nothing is copied per
 * event. Times are ISO-8601 text in UTC, so they compare in time order as strings on both databases.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
import { surrogateKey } from '../db/columns.ts';
import type { ModuleMigrations } from '../db/migrate.ts';

function createTables(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('siem_sinks')
        // Public id, snk_ + 20 hex characters.
        .addColumn('id', 'text', (c) => c.primaryKey())
        // The admin's name for it; unique, so the CLI can address a sink by name.
        .addColumn('name', 'text', (c) => c.notNull().unique())
        // Transport kind: ocsf-http | jsonl-file | syslog | splunk-hec | otlp-logs.
        .addColumn('type', 'text', (c) => c.notNull())
        // JSON configuration of the transport; secrets by name only.
        .addColumn('config', 'text', (c) => c.notNull())
        // JSON filter: class_uids, min_severity_id, apps, actions.
        .addColumn('filter', 'text', (c) => c.notNull())
        // 1 while the worker delivers it; 0 when paused.
        .addColumn('enabled', 'integer', (c) => c.notNull())
        // Last audit seq handed over; the worker reads the trail after it.
        .addColumn('cursor_seq', 'bigint', (c) => c.notNull())
        // Events acknowledged by the receiver, all time.
        .addColumn('delivered', 'bigint', (c) => c.notNull())
        // Failed attempts since the last acknowledged batch (drives the backoff).
        .addColumn('attempts', 'integer', (c) => c.notNull())
        // ISO-8601 time before which no attempt is made; null when not backing off.
        .addColumn('next_attempt_at', 'text')
        // Why the last attempt failed (never a secret); null after a success.
        .addColumn('last_error', 'text')
        // ISO-8601 time of the last acknowledged batch.
        .addColumn('last_delivered_at', 'text')
        // The replica holding the delivery lease (one deliverer per sink across replicas).
        .addColumn('lease_owner', 'text')
        // ISO-8601 end of that lease; another replica may take the sink after it.
        .addColumn('lease_until', 'text')
        // ISO-8601 creation time and the creator's actor id.
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        // ISO-8601 time and actor id of the last change by a person.
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('siem_dead_letters')
        // Listing order and paging key.
        .addColumn('id', ...surrogateKey(dialect))
        // The sink that could not deliver it; its dead letters go when it is deleted.
        .addColumn('sink_id', 'text', (c) => c.notNull().references('siem_sinks.id').onDelete('cascade'))
        // The audit event's seq (replay reads the event from the trail; nothing is copied).
        .addColumn('seq', 'bigint', (c) => c.notNull())
        // The event's metadata.uid, what receivers deduplicate by.
        .addColumn('uid', 'text', (c) => c.notNull())
        // The receiver's refusal (never a secret).
        .addColumn('error', 'text', (c) => c.notNull())
        // Permanent refusals of this event so far (replays included).
        .addColumn('attempts', 'integer', (c) => c.notNull())
        // ISO-8601 time of the last refusal.
        .addColumn('dead_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('siem_dead_letters_sink_seq', ['sink_id', 'seq'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('siem_dead_letters').execute();
      await db.schema.dropTable('siem_sinks').execute();
    },
  };
}

export const siemMigrations: ModuleMigrations = (dialect) => ({
  '20261220_0300_siem': createTables(dialect),
});
