/**
 * What a pruned audit row is, as pure functions shared by the pruner and verification.
 * Retention removes a sealed row's content but keeps the columns that place it in the chain
 * and in a checkpoint (id, seq, prev_hash, hash, uid, time, class_uid); the event becomes
 * TOMBSTONE. The chain hash cannot be recomputed from a tombstone, so verification accepts
 * the row for linkage only when its prune MAC holds: HMAC-SHA-256 over the kept columns and
 * pruned_at under a key derived from the row-MAC key. Whoever lacks the master key cannot
 * turn a row into a tombstone unnoticed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';

/** The event text of every pruned row. */
export const TOMBSTONE = '{"pruned":true}';

const PRUNE_MAC_VERSION = 'trellis/audit-prune/v1';

/** The columns a pruned row keeps, which its MAC covers. */
export interface PrunedColumns {
  id: number;
  seq: number;
  prev_hash: string;
  hash: string;
  uid: string;
  time: string;
  class_uid: number;
  pruned_at: string;
}

/** Derived from the row-MAC key, so every holder of that key (server, offline verifier) has it. */
export function pruneKey(rowMacKey: Buffer): Buffer {
  return createHmac('sha256', rowMacKey).update('trellis/audit-prune-key', 'utf8').digest();
}

export function pruneMac(key: Buffer, r: PrunedColumns): string {
  const input = canonicalJson([PRUNE_MAC_VERSION, r.id, r.seq, r.prev_hash, r.hash, r.uid, r.time, r.class_uid, r.pruned_at]);
  return createHmac('sha256', key).update(input, 'utf8').digest('hex');
}

/** True when the row is a tombstone the server made: fixed event text and a prune MAC that holds. */
export function tombstoneHolds(key: Buffer, r: Omit<PrunedColumns, 'pruned_at' | 'seq' | 'prev_hash' | 'hash'> & { seq: number | null; prev_hash: string | null; hash: string | null; pruned_at: string | null; prune_mac: string | null; event: string }): boolean {
  if (r.pruned_at === null || r.prune_mac === null || r.seq === null || r.prev_hash === null || r.hash === null || r.event !== TOMBSTONE) return false;
  const want = Buffer.from(pruneMac(key, { id: Number(r.id), seq: Number(r.seq), prev_hash: r.prev_hash, hash: r.hash, uid: r.uid, time: r.time, class_uid: Number(r.class_uid), pruned_at: r.pruned_at }), 'utf8');
  const got = Buffer.from(r.prune_mac, 'utf8');
  return want.length === got.length && timingSafeEqual(want, got);
}
