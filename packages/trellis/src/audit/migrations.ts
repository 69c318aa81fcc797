/** Migrations of the audit module's table (append-only: the server never updates or deletes rows). */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

export const auditMigrations: ModuleMigrations = () => ({
  '20261127_0100_audit_events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_events')
        // Position in the chain, assigned under the append lock: 1, 2, 3 … without gaps.
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        // Event id (UUID), also inside the event as metadata.uid.
        .addColumn('uid', 'text', (c) => c.notNull().unique())
        // ISO-8601 UTC time of the event.
        .addColumn('time', 'text', (c) => c.notNull())
        // OCSF class uid (6003 API Activity, 6002 Application Lifecycle, …).
        .addColumn('class_uid', 'integer', (c) => c.notNull())
        // Short verb phrase, e.g. app.register; copied out of the event for search.
        .addColumn('action', 'text', (c) => c.notNull())
        // Who acted (user, token, service or system id); copied out for search.
        .addColumn('actor_id', 'text', (c) => c.notNull())
        // First resource touched, copied out for search.
        .addColumn('resource_type', 'text')
        .addColumn('resource_id', 'text')
        // success | failure
        .addColumn('outcome', 'text', (c) => c.notNull())
        // The event as canonical JSON (RFC 8785): exactly the bytes the hash covers.
        .addColumn('event', 'text', (c) => c.notNull())
        // Hash of the previous event (hex; 64 zeros before the first).
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        // SHA-256(prev_hash bytes ‖ event), hex.
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_time').on('audit_events').column('time').execute();
      await db.schema.createIndex('audit_events_actor').on('audit_events').columns(['actor_id', 'seq']).execute();
      await db.schema.createIndex('audit_events_resource').on('audit_events').columns(['resource_type', 'resource_id', 'seq']).execute();
      await db.schema.createIndex('audit_events_action').on('audit_events').columns(['action', 'seq']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_events').execute();
    },
  } satisfies Migration,
});
