/** Queries of the ledger's tables (checkpoints, stored subtree roots, witness progress) and the leaves they cover. */
import { sql } from 'kysely';
import type { DialectName, Queryable } from '../../db/database.ts';
import { leafHash, rootOfLeafHashes, type Hash } from './merkle.ts';
import type { AuditCheckpointRow } from '../rows.ts';

/** Arbitrary but fixed key of the advisory lock that serialises checkpointing (distinct from the chain's). */
const LEDGER_LOCK_KEY = 7247032;

/** Levels whose subtree roots are stored: 2^8, 2^16 and 2^24 leaves. */
export const STORED_LEVELS = [8, 16, 24] as const;

export async function lockLedger(q: Queryable, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`.execute(q);
}

export type CheckpointRecord = AuditCheckpointRow;

function record(r: AuditCheckpointRow): CheckpointRecord {
  return { ...r, tree_size: Number(r.tree_size) };
}

export async function latestCheckpoint(q: Queryable): Promise<CheckpointRecord | undefined> {
  const r = await q.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
  return r && record(r);
}

export async function checkpointAt(q: Queryable, size: number): Promise<CheckpointRecord | undefined> {
  const r = await q.selectFrom('audit_checkpoints').selectAll().where('tree_size', '=', size).executeTakeFirst();
  return r && record(r);
}

/** The smallest checkpoint covering `size` leaves (an event's proof uses the first head that includes it). */
export async function checkpointCovering(q: Queryable, size: number): Promise<CheckpointRecord | undefined> {
  const r = await q.selectFrom('audit_checkpoints').selectAll().where('tree_size', '>=', size).orderBy('tree_size', 'asc').limit(1).executeTakeFirst();
  return r && record(r);
}

export async function listCheckpoints(q: Queryable, opts: { after?: number; limit: number; desc?: boolean }): Promise<CheckpointRecord[]> {
  let query = q.selectFrom('audit_checkpoints').selectAll();
  if (opts.after !== undefined) query = query.where('tree_size', opts.desc ? '<' : '>', opts.after);
  const rows = await query.orderBy('tree_size', opts.desc ? 'desc' : 'asc').limit(opts.limit).execute();
  return rows.map(record);
}

export async function* allCheckpoints(q: Queryable): AsyncGenerator<CheckpointRecord> {
  let after = -1;
  for (;;) {
    const page = await listCheckpoints(q, { after, limit: 1000 });
    yield* page;
    if (page.length < 1000) return;
    after = page[page.length - 1]!.tree_size;
  }
}

export async function insertCheckpoint(q: Queryable, row: CheckpointRecord): Promise<void> {
  await q.insertInto('audit_checkpoints').values(row).execute();
}

/** The sealed chain's length (the highest seq). */
export async function sealedCount(q: Queryable): Promise<number> {
  const r = await q.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('n')).executeTakeFirst();
  return r?.n === null || r?.n === undefined ? 0 : Number(r.n);
}

/** Leaf hashes of leaves [start, start + count): leaf i is the chain hash of event seq i + 1. */
export async function leafHashes(q: Queryable, start: number, count: number): Promise<Hash[]> {
  const rows = await q
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .where('seq', '>', start)
    .where('seq', '<=', start + count)
    .orderBy('seq', 'asc')
    .execute();
  if (rows.length !== count || rows.some((r, i) => Number(r.seq) !== start + 1 + i || r.hash === null)) {
    throw new Error(`the chain has no complete run of events ${start + 1}..${start + count}`);
  }
  return rows.map((r) => leafHash(Buffer.from(r.hash!, 'hex')));
}

/** Stored subtree roots at `level` for subtrees [from, to). */
export async function treeNodes(q: Queryable, level: number, from: number, to: number): Promise<Hash[] | undefined> {
  const rows = await q.selectFrom('audit_tree_nodes').select(['idx', 'hash']).where('level', '=', level).where('idx', '>=', from).where('idx', '<', to).orderBy('idx', 'asc').execute();
  if (rows.length !== to - from) return undefined;
  return rows.map((r) => Buffer.from(r.hash, 'hex'));
}

/** How many subtrees of `level` are stored (they are written in order, from index 0). */
export async function storedNodeCount(q: Queryable, level: number): Promise<number> {
  const r = await q.selectFrom('audit_tree_nodes').select((eb) => eb.fn.max('idx').as('m')).where('level', '=', level).executeTakeFirst();
  return r?.m === null || r?.m === undefined ? 0 : Number(r.m) + 1;
}

export async function insertTreeNodes(q: Queryable, level: number, first: number, hashes: Hash[]): Promise<void> {
  for (let i = 0; i < hashes.length; i += 500) {
    const chunk = hashes.slice(i, i + 500).map((h, j) => ({ level, idx: first + i + j, hash: h.toString('hex') }));
    await q
      .insertInto('audit_tree_nodes')
      .values(chunk)
      .onConflict((oc) => oc.columns(['level', 'idx']).doNothing())
      .execute();
  }
}

/**
 * Store the roots of every complete subtree at the stored levels below `size` leaves that is
 * not stored yet. Each level is built from the one below it (the leaves for level 8).
 */
export async function extendTreeNodes(q: Queryable, size: number): Promise<void> {
  let below = 0;
  for (const level of STORED_LEVELS) {
    const span = 2 ** level;
    const have = await storedNodeCount(q, level);
    const want = Math.floor(size / span);
    for (let idx = have; idx < want; idx += 64) {
      const n = Math.min(64, want - idx);
      const roots: Hash[] = [];
      for (let j = 0; j < n; j++) {
        const start = (idx + j) * span;
        const parts = below === 0 ? await leafHashes(q, start, span) : await treeNodes(q, below, start / 2 ** below, (start + span) / 2 ** below);
        if (!parts) throw new Error(`subtree roots at level ${below} are missing below ${start + span}`);
        roots.push(rootOfLeafHashes(parts));
      }
      await insertTreeNodes(q, level, idx, roots);
    }
    below = level;
  }
}

/**
 * The root of the complete subtree of leaves [start, start + size): from the highest stored
 * level that fits (at most 256 rows read), else from the leaves themselves.
 */
export async function perfectSubtree(q: Queryable, start: number, size: number): Promise<Hash> {
  for (const level of [...STORED_LEVELS].reverse()) {
    const span = 2 ** level;
    if (size < span) continue;
    const nodes = await treeNodes(q, level, start / span, (start + size) / span);
    if (nodes) return rootOfLeafHashes(nodes);
  }
  // Not stored (yet): build it from the level below, down to the leaves.
  if (size > 2 ** 8) {
    const halfSize = size / 2;
    const [l, r] = await Promise.all([perfectSubtree(q, start, halfSize), perfectSubtree(q, start + halfSize, halfSize)]);
    return rootOfLeafHashes([l, r]);
  }
  return rootOfLeafHashes(await leafHashes(q, start, size));
}

export async function witnessState(q: Queryable, witness: string): Promise<{ treeSize: number; pushedAt: string | null; lastError: string | null } | undefined> {
  const r = await q.selectFrom('audit_witness_state').selectAll().where('witness', '=', witness).executeTakeFirst();
  return r && { treeSize: Number(r.tree_size), pushedAt: r.pushed_at, lastError: r.last_error };
}

export async function allWitnessStates(q: Queryable): Promise<{ witness: string; treeSize: number; pushedAt: string | null; lastError: string | null; attemptedAt: string | null }[]> {
  const rows = await q.selectFrom('audit_witness_state').selectAll().orderBy('witness').execute();
  return rows.map((r) => ({ witness: r.witness, treeSize: Number(r.tree_size), pushedAt: r.pushed_at, lastError: r.last_error, attemptedAt: r.attempted_at }));
}

export async function saveWitnessState(q: Queryable, witness: string, s: { treeSize: number; pushedAt: string | null; lastError: string | null; attemptedAt: string }): Promise<void> {
  const row = { witness, tree_size: s.treeSize, pushed_at: s.pushedAt, last_error: s.lastError, attempted_at: s.attemptedAt };
  await q
    .insertInto('audit_witness_state')
    .values(row)
    .onConflict((oc) => oc.column('witness').doUpdateSet({ tree_size: row.tree_size, pushed_at: row.pushed_at, last_error: row.last_error, attempted_at: row.attempted_at }))
    .execute();
}
