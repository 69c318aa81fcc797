/** Queries on the audit_events table; the only code that touches it. */
import { CompiledQuery, sql, type Insertable } from 'kysely';
import type { Queryable, DialectName, Db } from '../db/database.ts';
import type { AuditEventRow } from './rows.ts';
import type { ChainLink } from './chain.ts';
import type { StoredRow } from './integrity.ts';

/** Arbitrary but fixed key of the PostgreSQL advisory lock that serialises sealing. */
const AUDIT_LOCK_KEY = 7247031;

export type SealedRow = Omit<AuditEventRow, 'id' | 'seq' | 'prev_hash' | 'hash'> & { id: number; seq: number; prev_hash: string; hash: string };

/** Serialise sealers across processes: a PostgreSQL advisory transaction lock; SQLite has one writer. */
export async function lockChain(q: Queryable, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(q);
}

export async function chainHead(q: Queryable): Promise<{ seq: number; hash: string } | undefined> {
  const row = await q.selectFrom('audit_events').select(['seq', 'hash']).where('seq', 'is not', null).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row && row.seq !== null && row.hash !== null ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

/** The columns an append writes, in the order `insertEvents` binds them. */
const INSERT_COLUMNS = ['id', 'seq', 'uid', 'time', 'class_uid', 'action', 'actor_id', 'resource_type', 'resource_id', 'app', 'outcome', 'event', 'prev_hash', 'hash', 'mac'] as const;
/** Rows per statement: under both databases' bound-parameter limits (SQLite 32,766; PostgreSQL 65,535). */
const INSERT_CHUNK = 500;
const insertTexts = new Map<number, string>();

/** `insert … values (…), …` for `n` rows, with `$k` or `?` placeholders; made once per size. */
function insertText(n: number, dialect: DialectName): string {
  const key = dialect === 'postgres' ? n : -n;
  let text = insertTexts.get(key);
  if (text === undefined) {
    let k = 0;
    const row = () => `(${INSERT_COLUMNS.map(() => (dialect === 'postgres' ? `$${++k}` : '?')).join(', ')})`;
    text = `insert into audit_events (${INSERT_COLUMNS.join(', ')}) values ${Array.from({ length: n }, row).join(', ')}`;
    if (insertTexts.size < 64) insertTexts.set(key, text);
  }
  return text;
}

/**
 * Insert events (with their ids and MACs): unsealed, or already linked by a single-writer
 * append. The statement is a fixed text bound to the rows' values, not built by the query
 * builder: every state change writes one, and building the insert cost a chained append more
 * than its MAC and hash together (bench/audit). The text is the same for every one-row append,
 * so PostgreSQL runs it as a prepared statement (db/postgres-statements.ts).
 */
export async function insertEvents(q: Queryable, dialect: DialectName, rows: Insertable<AuditEventRow>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK);
    const params: unknown[] = [];
    for (const r of chunk) for (const c of INSERT_COLUMNS) params.push(r[c] ?? null);
    await q.executeQuery(CompiledQuery.raw(insertText(chunk.length, dialect), params));
  }
}

/**
 * Ids for rows about to be inserted, taken from the table's own sequence, so a row's MAC can
 * cover its id. SQLite: the caller holds the only write connection (single writer).
 */
/** PostgreSQL: `n` ids from the table's sequence (never given twice, not even after a rollback). */
export async function nextIds(q: Queryable, n: number): Promise<number[]> {
  const r = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('audit_events', 'id')) as id from generate_series(1, ${n})`.execute(q);
  return r.rows.map((x) => Number(x.id)).sort((a, b) => a - b);
}

/**
 * SQLite, inside the writer's transaction: the last id handed out and the chain head, in one
 * statement (an append on the one writer needs both, and a statement each cost as much again).
 * AUTOINCREMENT never reuses an id, even a deleted row's: sqlite_sequence remembers the highest.
 */
export const sqliteAppendStateSql = `select
    max(coalesce((select seq from sqlite_sequence where name = 'audit_events'), 0), coalesce((select max(id) from audit_events), 0)) as last_id,
    h.seq as seq, h.hash as hash
    from (select 1) left join (select seq, hash from audit_events where seq is not null order by seq desc limit 1) as h`;

const APPEND_STATE = CompiledQuery.raw(sqliteAppendStateSql);

export async function sqliteAppendState(q: Queryable): Promise<{ lastId: number; head: { seq: number; hash: string } | undefined }> {
  // A compiled query: no builder between every SQLite append and its one statement.
  const r = await q.executeQuery<{ last_id: number; seq: number | null; hash: string | null }>(APPEND_STATE);
  const row = r.rows[0]!;
  return { lastId: Number(row.last_id), head: row.seq !== null && row.hash !== null ? { seq: Number(row.seq), hash: row.hash } : undefined };
}

function stored(r: StoredRow): StoredRow {
  // PostgreSQL drivers may hand back numeric columns as strings; the MAC input needs numbers.
  return { ...r, id: Number(r.id), seq: r.seq === null ? null : Number(r.seq), class_uid: Number(r.class_uid) };
}

/**
 * What the sealer needs first of each unsealed event it has not refused — the id, the MAC, and
 * whether chain or retention columns were set by someone else — in insertion order, with the
 * chain head they will follow, in one statement (the head as two uncorrelated subqueries,
 * evaluated once). The sealer already holds the rest of its own process's rows (service.ts),
 * so PostgreSQL sends and the driver parses only these few columns; rows it does not hold it
 * reads whole by `stillUnchained`.
 */
export async function pendingMacsAndHead(q: Queryable, limit: number): Promise<{ rows: PendingMac[]; head: { seq: number; hash: string } | undefined }> {
  const r = await q.executeQuery<{ id: number | string; mac: string | null; touched: boolean | number; head_seq: number | string | null; head_hash: string | null }>(PENDING_MACS(limit));
  const first = r.rows[0];
  const head = first && first.head_seq !== null && first.head_hash !== null ? { seq: Number(first.head_seq), hash: first.head_hash } : undefined;
  return { rows: r.rows.map((x) => ({ id: Number(x.id), mac: x.mac, touched: Boolean(x.touched) })), head };
}

export interface PendingMac {
  id: number;
  mac: string | null;
  /** prev_hash, hash, pruned_at or prune_mac is set: nobody but the sealer and retention writes those. */
  touched: boolean;
}

const PENDING_MACS = (limit: number) =>
  CompiledQuery.raw(
    `select a.id, a.mac, (a.prev_hash is not null or a.hash is not null or a.pruned_at is not null or a.prune_mac is not null) as touched,
      (select h.seq from audit_events h where h.seq is not null order by h.seq desc limit 1) as head_seq,
      (select h.hash from audit_events h where h.seq is not null order by h.seq desc limit 1) as head_hash
    from audit_events a where a.seq is null and a.quarantined_at is null order by a.id limit ${Math.trunc(limit)}`,
  );

/** Every row outside the chain (pending or refused), in insertion order. */
export async function unchainedRows(q: Queryable, limit = 1000): Promise<StoredRow[]> {
  const rows = await q.selectFrom('audit_events').selectAll().where('seq', 'is', null).orderBy('id', 'asc').limit(limit).execute();
  return rows.map(stored);
}

/** The subset of `ids` still outside the chain. */
export async function stillUnchained(q: Queryable, ids: number[]): Promise<StoredRow[]> {
  if (ids.length === 0) return [];
  const rows = await q.selectFrom('audit_events').selectAll().where('seq', 'is', null).where('id', 'in', ids).orderBy('id', 'asc').execute();
  return rows.map(stored);
}

/** Mark rows the sealer refused, so later sweeps skip them (verification still reports them). */
export async function quarantine(q: Queryable, ids: number[], at: string): Promise<void> {
  if (ids.length > 0) await q.updateTable('audit_events').set({ quarantined_at: at }).where('id', 'in', ids).where('seq', 'is', null).execute();
}

export interface Seal {
  id: number;
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Write chain positions and hashes. PostgreSQL: one fixed statement over four arrays, so every
 * seal runs the same prepared plan and binds four parameters, not four per row.
 */
export async function writeSeals(q: Queryable, dialect: DialectName, seals: Seal[]): Promise<void> {
  if (dialect === 'sqlite') {
    // SQLite runs in-process: single-row updates inside one transaction cost microseconds.
    for (const s of seals) await q.updateTable('audit_events').set({ seq: s.seq, prev_hash: s.prevHash, hash: s.hash }).where('id', '=', s.id).execute();
    return;
  }
  for (let i = 0; i < seals.length; i += SEAL_CHUNK) {
    const chunk = seals.slice(i, i + SEAL_CHUNK);
    await q.executeQuery(CompiledQuery.raw(PG_WRITE_SEALS, [chunk.map((s) => s.id), chunk.map((s) => s.seq), chunk.map((s) => s.prevHash), chunk.map((s) => s.hash)]));
  }
}

const SEAL_CHUNK = 5000;
const PG_WRITE_SEALS = `update audit_events as a set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
  from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) as v(id, seq, prev_hash, hash) where a.id = v.id`;

export interface EventFilter {
  actor?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  /** OCSF class uid, e.g. 6003 (index class_uid, seq). */
  classUid?: number;
  /** Events about this app: its first `app` resource (index app, seq). */
  app?: string;
  outcome?: string;
  since?: string;
  until?: string;
  /** Only events after this sequence number (cursor). */
  after?: number;
  /** Newest first instead of oldest first. */
  desc?: boolean;
  /** Only rows that still hold their event (not pruned by retention). */
  content?: boolean;
  limit: number;
}

export async function listEvents(q: Queryable, f: EventFilter): Promise<SealedRow[]> {
  let query = q.selectFrom('audit_events').selectAll().where('seq', 'is not', null);
  if (f.actor) query = query.where('actor_id', '=', f.actor);
  if (f.action) query = query.where('action', '=', f.action);
  if (f.resourceType) query = query.where('resource_type', '=', f.resourceType);
  if (f.resourceId) query = query.where('resource_id', '=', f.resourceId);
  if (f.classUid !== undefined) query = query.where('class_uid', '=', f.classUid);
  if (f.app) query = query.where('app', '=', f.app);
  if (f.outcome) query = query.where('outcome', '=', f.outcome);
  if (f.content) query = query.where('pruned_at', 'is', null);
  if (f.since) query = query.where('time', '>=', f.since);
  if (f.until) query = query.where('time', '<', f.until);
  if (f.after !== undefined) query = query.where('seq', f.desc ? '<' : '>', f.after);
  const rows = await query.orderBy('seq', f.desc ? 'desc' : 'asc').limit(f.limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), seq: Number(r.seq), prev_hash: r.prev_hash!, hash: r.hash! }));
}

/** The last sequence number in the chain, or undefined when nothing is sealed. */
export async function lastSeq(q: Queryable): Promise<number | undefined> {
  const row = await q.selectFrom('audit_events').select('seq').where('seq', 'is not', null).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row && row.seq !== null ? Number(row.seq) : undefined;
}

/** Sealed rows by sequence number, as `streamSealedRows` gives them (verify-ranges.ts reads a few again). */
export async function sealedRowsAt(q: Queryable, seqs: number[]): Promise<Map<number, StoredRow & { seq: number }>> {
  const out = new Map<number, StoredRow & { seq: number }>();
  for (let i = 0; i < seqs.length; i += 500) {
    const rows = await q.selectFrom('audit_events').selectAll().where('seq', 'in', seqs.slice(i, i + 500)).execute();
    for (const r of rows) out.set(Number(r.seq), { ...r, id: Number(r.id), seq: Number(r.seq), class_uid: Number(r.class_uid) });
  }
  return out;
}

/**
 * Pages of sealed rows in sequence order. The next page is asked for before this one is handed
 * on, so on PostgreSQL the server reads it while the caller checks this one (on SQLite the
 * query runs at once either way). Large pages: a page is one statement and one round trip.
 */
async function* pagesBySeq<R extends { seq: number | null }>(fetch: (after: number) => Promise<R[]>, fromSeq: number | undefined, pageSize: number): AsyncGenerator<R[]> {
  let next: Promise<R[]> | undefined = fetch((fromSeq ?? 1) - 1);
  try {
    while (next) {
      const rows: R[] = await next;
      next = rows.length === pageSize ? fetch(Number(rows[rows.length - 1]!.seq)) : undefined;
      yield rows;
    }
  } finally {
    // A caller that stopped early leaves a page in flight: nobody waits for it, so it must not reject unhandled.
    next?.catch(() => undefined);
  }
}

const PAGE = 20_000;

/** Stream the sealed chain in sequence order in pages, so verifying millions of rows keeps memory flat. */
export async function* streamLinks(db: Db, opts: { fromSeq?: number; pageSize?: number } = {}): AsyncGenerator<ChainLink> {
  const fetch = (after: number) => db.selectFrom('audit_events').select(['seq', 'event', 'prev_hash', 'hash']).where('seq', '>', after).orderBy('seq', 'asc').limit(opts.pageSize ?? PAGE).execute();
  for await (const rows of pagesBySeq(fetch, opts.fromSeq, opts.pageSize ?? PAGE)) {
    for (const r of rows) yield { seq: Number(r.seq), event: r.event, prevHash: r.prev_hash ?? '', hash: r.hash ?? '' };
  }
}

/**
 * Stream whole sealed rows in sequence order, in pages: verification checks every column.
 * `onLink` sees each row's chain hash as it passes (the ledger's tree), without another
 * generator between the rows and their reader.
 */
export async function* streamSealedRows(db: Db, opts: { fromSeq?: number; pageSize?: number; onLink?: (chainHash: string) => void } = {}): AsyncGenerator<StoredRow & { seq: number }> {
  const fetch = (after: number) => db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq', 'asc').limit(opts.pageSize ?? PAGE).execute();
  const see = opts.onLink;
  for await (const rows of pagesBySeq(fetch, opts.fromSeq, opts.pageSize ?? PAGE)) {
    for (const r of rows) {
      // Numbers as the MAC input needs them (see `stored`), set on the row itself: no copy per row.
      const row = r as StoredRow & { seq: number };
      row.id = Number(r.id);
      row.seq = Number(r.seq);
      row.class_uid = Number(r.class_uid);
      if (see && row.hash !== null) see(row.hash);
      yield row;
    }
  }
}
