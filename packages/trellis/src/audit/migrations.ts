/** Migrations of the audit module's table (append-only: rows are inserted, sealed once, never deleted). */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
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
  '20261220_0100_audit_ledger': {
    async up(db: Kysely<unknown>) {
      // Signed tree heads (ledger/service.ts): one per tree size; the primary key refuses a second
      // checkpoint for a size, so the server cannot fork its own log.
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('tree_size', 'bigint', (c) => c.primaryKey())
        // RFC 9162 root over the chain hashes of events 1..tree_size, hex.
        .addColumn('root_hash', 'text', (c) => c.notNull())
        // The C2SP signed note exactly as signed (and as witnesses received it).
        .addColumn('note', 'text', (c) => c.notNull())
        // The verifier key that signed it (<name>+<id>+<key>), so a rotated key's checkpoints stay checkable.
        .addColumn('signer', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Roots of complete, aligned subtrees of 2^level leaves (levels 8, 16, 24): proofs read
      // at most a few hundred rows instead of every leaf. Derived data: checked by every proof
      // against a signed root, rebuilt if missing.
      await db.schema
        .createTable('audit_tree_nodes')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_tree_nodes_pk', ['level', 'idx'])
        .execute();
      // How far each configured witness has been sent checkpoints.
      await db.schema
        .createTable('audit_witness_state')
        .addColumn('witness', 'text', (c) => c.primaryKey())
        .addColumn('tree_size', 'bigint', (c) => c.notNull())
        .addColumn('pushed_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('attempted_at', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_witness_state').execute();
      await db.schema.dropTable('audit_tree_nodes').execute();
      await db.schema.dropTable('audit_checkpoints').execute();
    },
  } satisfies Migration,
  '20261220_0200_audit_retention': {
    async up(db: Kysely<unknown>) {
      // Set when retention removed the row's content (audit/retention/service.ts): the row keeps id, seq,
      // prev_hash, hash, uid, time and class_uid; event becomes a fixed tombstone.
      await db.schema.alterTable('audit_events').addColumn('pruned_at', 'text').execute();
      // HMAC-SHA-256 (hex) over the columns a pruned row keeps (audit/tombstone.ts): only the
      // server can prune, so a tombstone made by plain SQL is reported by verification.
      await db.schema.alterTable('audit_events').addColumn('prune_mac', 'text').execute();
      // Per-subject data keys (crypto-shredding, audit/retention/personal.ts). A subject is named only by
      // a keyed hash of its id; the key is sealed under the 'audit.protect' purpose key and
      // nulled when shredded. At most one live key per subject.
      await db.schema
        .createTable('audit_subject_keys')
        .addColumn('key_id', 'text', (c) => c.primaryKey())
        .addColumn('subject_hash', 'text', (c) => c.notNull())
        .addColumn('sealed_key', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('shredded_at', 'text')
        .execute();
      await db.schema.createIndex('audit_subject_keys_live').on('audit_subject_keys').column('subject_hash').unique().where(sql.ref('shredded_at'), 'is', null).execute();
      await db.schema.createIndex('audit_subject_keys_subject').on('audit_subject_keys').column('subject_hash').execute();
      // Retention per OCSF class name ('*' is the default); days null = kept forever.
      await db.schema
        .createTable('audit_retention')
        .addColumn('class', 'text', (c) => c.primaryKey())
        .addColumn('days', 'integer')
        .execute();
      // Legal holds: scope is JSON { apps, subjects (keyed hashes), classes, since, until }.
      await db.schema
        .createTable('audit_holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text')
        .addColumn('released_by', 'text')
        .addColumn('release_reason', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_holds').execute();
      await db.schema.dropTable('audit_retention').execute();
      await db.schema.dropTable('audit_subject_keys').execute();
      await db.schema.alterTable('audit_events').dropColumn('prune_mac').execute();
      await db.schema.alterTable('audit_events').dropColumn('pruned_at').execute();
    },
  } satisfies Migration,
  '20261222_0200_audit_app_class_filters': {
    async up(db: Kysely<unknown>) {
      // The app an event is about, for search: the id of its first resource of type `app`
      // (integrity.ts searchColumns; a gateway call names it after its connector). Covered by
      // the row MAC from v2 on; a row written before carries a v1 MAC and is accepted only while
      // this column is the one its event names — hence the backfill below. Null on pruned rows.
      await db.schema.alterTable('audit_events').addColumn('app', 'text').execute();
      await backfillApp(db, dialect);
      // "The newest events of class X / about app X": index walks in chain order.
      await db.schema.createIndex('audit_events_class').on('audit_events').columns(['class_uid', 'seq']).execute();
      await db.schema.createIndex('audit_events_app').on('audit_events').columns(['app', 'seq']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('audit_events_app').execute();
      await db.schema.dropIndex('audit_events_class').execute();
      await db.schema.alterTable('audit_events').dropColumn('app').execute();
    },
  } satisfies Migration,
  '20261223_0100_audit_sealed_search_indexes': {
    async up(db: Kysely<unknown>) {
      // PostgreSQL only: there a change's event is inserted pending (seq null) and sealed by an
      // update moments later. An update that sets an indexed column writes a new entry in every
      // index, so each search index held two entries per event, the pending one of no use to
      // any search (searches read sealed rows only, and say so: seq is not null). Restricted to
      // sealed rows, each gets one entry per event, as a plain insert writes: PostgreSQL's own
      // CPU per chained append fell from about 230 to 215 µs (a plain insert: 150). SQLite links
      // events as it inserts them, so it has no pending rows to leave out.
      if (dialect !== 'postgres') return;
      for (const [name, columns] of SEARCH_INDEXES) {
        await db.schema.dropIndex(name).execute();
        await db.schema.createIndex(name).on('audit_events').columns(columns).where(sql.ref('seq'), 'is not', null).execute();
      }
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      for (const [name, columns] of SEARCH_INDEXES) {
        await db.schema.dropIndex(name).execute();
        await db.schema.createIndex(name).on('audit_events').columns(columns).execute();
      }
    },
  } satisfies Migration,
  '20261224_0100_audit_autovacuum': {
    async up(db: Kysely<unknown>) {
      // PostgreSQL only: sealing updates every row once, so every event leaves one dead row
      // version behind, and by default autovacuum waits until a fifth of the table is dead.
      // Reads of the trail pay for them: a whole-trail check read 4.3 µs of server CPU per row
      // with every sealed row's old version still there, 2.6 µs after a vacuum (bench/audit).
      // Vacuuming at 2% keeps the dead share small; on an append-only table each vacuum visits
      // only the pages written since the last (the visibility map skips the rest).
      if (dialect !== 'postgres') return;
      await sql`alter table audit_events set (autovacuum_vacuum_scale_factor = 0.02)`.execute(db);
      // Vacuums counted by inserts (PostgreSQL 13 and later) also keep the visibility map
      // current for index-only scans, such as the one that finds the last seq.
      if (await insertVacuumKnown(db)) await sql`alter table audit_events set (autovacuum_vacuum_insert_scale_factor = 0.02)`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql`alter table audit_events reset (autovacuum_vacuum_scale_factor)`.execute(db);
      if (await insertVacuumKnown(db)) await sql`alter table audit_events reset (autovacuum_vacuum_insert_scale_factor)`.execute(db);
    },
  } satisfies Migration,
});

/** Whether the server knows autovacuum_vacuum_insert_scale_factor (PostgreSQL 13 and later). */
async function insertVacuumKnown(db: Kysely<unknown>): Promise<boolean> {
  const r = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db);
  return Number(r.rows[0]?.v ?? 0) >= 130000;
}

/**
 * The audit search indexes that end in seq (name, columns), as the migrations above made them.
 * The time index stays whole: insights counts events by day as soon as they commit.
 */
const SEARCH_INDEXES: [string, string[]][] = [
  ['audit_events_actor', ['actor_id', 'seq']],
  ['audit_events_resource', ['resource_type', 'resource_id', 'seq']],
  ['audit_events_action', ['action', 'seq']],
  ['audit_events_class', ['class_uid', 'seq']],
  ['audit_events_app', ['app', 'seq']],
];

/**
 * Fill `app` on rows written before the column, from their event, in SQL: the first resource
 * of type `app`, in array order, as integrity.ts derives it. Only rows whose text names an app
 * resource are touched (canonical JSON has no spaces), pruned rows keep null, and an event
 * that is not valid JSON (edited by hand) is left null — verification reports that row anyway
 * — rather than stop the upgrade.
 */
async function backfillApp(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const candidates = sql`pruned_at is null and event like '%"type":"app"%'`;
  if (dialect === 'sqlite') {
    // CASE, not AND: SQLite does not promise to test json_valid before json_each reads the text.
    await sql`update audit_events set app = (
        select json_extract(r.value, '$.uid') from json_each(audit_events.event, '$.resources') as r
        where case when r.type = 'object' then json_extract(r.value, '$.type') = 'app' else 0 end
        order by r.key limit 1)
      where ${candidates} and case when json_valid(event) then json_type(event, '$.resources') = 'array' else 0 end`.execute(db);
    return;
  }
  // A cast or array error in one row must not abort the migration: caught per row (PostgreSQL
  // 15 has no IS JSON test). A function of the migration's own schema, dropped at once, so the
  // update finds it whichever connection runs it.
  await sql`create or replace function trellis_audit_first_app(event text) returns text language plpgsql as $$
    begin
      return (select e.r->>'uid' from jsonb_array_elements(event::jsonb->'resources') with ordinality as e(r, n) where e.r->>'type' = 'app' order by e.n limit 1);
    exception when others then
      return null;
    end $$`.execute(db);
  await sql`update audit_events set app = trellis_audit_first_app(event) where ${candidates}`.execute(db);
  await sql`drop function trellis_audit_first_app(text)`.execute(db);
}
