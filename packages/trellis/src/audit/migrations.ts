/** Migrations of the audit module's table (append-only: rows are inserted, sealed once, never deleted). */
import { sql, type Kysely, type Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

export const auditMigrations: ModuleMigrations = (dialect) => ({
  '20261127_0100_audit_events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_events')
        // Insertion order, assigned by the database when the change's transaction writes the event.
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        // Position in the hash chain (1, 2, 3 … without gaps), assigned when the event is sealed; null before.
        .addColumn('seq', 'bigint', (c) => c.unique())
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
        // Hash of the previous event in the chain (hex; 64 zeros before the first); null until sealed.
        .addColumn('prev_hash', 'text')
        // SHA-256(prev_hash bytes ‖ event), hex; null until sealed.
        .addColumn('hash', 'text')
        .execute();
      await db.schema.createIndex('audit_events_time').on('audit_events').column('time').execute();
      await db.schema.createIndex('audit_events_actor').on('audit_events').columns(['actor_id', 'seq']).execute();
      await db.schema.createIndex('audit_events_resource').on('audit_events').columns(['resource_type', 'resource_id', 'seq']).execute();
      // Events waiting to be sealed: the sealer scans only these.
      await db.schema.createIndex('audit_events_pending').on('audit_events').column('id').where(sql.ref('seq'), 'is', null).execute();
      await db.schema.createIndex('audit_events_action').on('audit_events').columns(['action', 'seq']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_events').execute();
    },
  } satisfies Migration,
  '20261207_0100_audit_row_mac': {
    async up(db: Kysely<unknown>) {
      // HMAC-SHA-256 (hex) of the row as the server appended it, under a key derived from the
      // master key (audit/integrity.ts): the sealer chains only rows whose MAC holds, so rows
      // written by plain SQL are never sealed. Null on rows sealed before this column existed.
      await db.schema.alterTable('audit_events').addColumn('mac', 'text').execute();
      // ISO-8601 time the sealer refused the row (MAC missing or wrong); such a row stays out of
      // the chain, is reported by every verification, and is not examined again.
      await db.schema.alterTable('audit_events').addColumn('quarantined_at', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('audit_events').dropColumn('quarantined_at').execute();
      await db.schema.alterTable('audit_events').dropColumn('mac').execute();
    },
  } satisfies Migration,
});
