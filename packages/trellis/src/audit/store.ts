/** Queries on the audit_events table; the only code that touches it. */
import { sql } from 'kysely';
import type { Queryable, DialectName, Db } from '../db/database.ts';
import type { AuditEventRow } from './rows.ts';
import type { ChainLink } from './chain.ts';

/** Arbitrary but fixed key of the PostgreSQL advisory lock that serialises chain appends. */
const AUDIT_LOCK_KEY = 7247031;

/**
 * Serialise chain appends across processes. On PostgreSQL a transaction-scoped advisory lock
 * (released at commit or rollback); on SQLite the write transaction itself serialises writers.
 */
export async function lockChain(q: Queryable, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(q);
}

export async function chainHead(q: Queryable): Promise<{ seq: number; hash: string } | undefined> {
  const row = await q.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

export async function insertEvents(q: Queryable, rows: AuditEventRow[]): Promise<void> {
  // Chunked so a large batch stays under both databases' bound-parameter limits.
  for (let i = 0; i < rows.length; i += 500) {
    await q.insertInto('audit_events').values(rows.slice(i, i + 500)).execute();
  }
}

export interface EventFilter {
  actor?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
  since?: string;
  until?: string;
  /** Only events after this sequence number (cursor). */
  after?: number;
  /** Newest first instead of oldest first. */
  desc?: boolean;
  limit: number;
}

export async function listEvents(q: Queryable, f: EventFilter): Promise<AuditEventRow[]> {
  let query = q.selectFrom('audit_events').selectAll();
  if (f.actor) query = query.where('actor_id', '=', f.actor);
  if (f.action) query = query.where('action', '=', f.action);
  if (f.resourceType) query = query.where('resource_type', '=', f.resourceType);
  if (f.resourceId) query = query.where('resource_id', '=', f.resourceId);
  if (f.outcome) query = query.where('outcome', '=', f.outcome);
  if (f.since) query = query.where('time', '>=', f.since);
  if (f.until) query = query.where('time', '<', f.until);
  if (f.after !== undefined) query = query.where('seq', f.desc ? '<' : '>', f.after);
  const rows = await query.orderBy('seq', f.desc ? 'desc' : 'asc').limit(f.limit).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

export async function countEvents(q: Queryable): Promise<number> {
  const r = await q.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Stream the chain in sequence order in pages, so verifying millions of rows keeps memory flat. */
export async function* streamLinks(db: Db, opts: { fromSeq?: number; pageSize?: number } = {}): AsyncGenerator<ChainLink> {
  const pageSize = opts.pageSize ?? 5000;
  let after = (opts.fromSeq ?? 1) - 1;
  for (;;) {
    const rows = await db.selectFrom('audit_events').select(['seq', 'event', 'prev_hash', 'hash']).where('seq', '>', after).orderBy('seq', 'asc').limit(pageSize).execute();
    for (const r of rows) yield { seq: Number(r.seq), event: r.event, prevHash: r.prev_hash, hash: r.hash };
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}
