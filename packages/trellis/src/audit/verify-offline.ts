/**
 * Offline verification for auditors: check a chain without trusting (or even reaching) the
 * server — from an exported JSONL file, or by reading the database directly.
 * An exported line is `{"seq", "prev_hash", "hash", "event"}`; the event is re-canonicalised,
 * which reproduces the stored bytes because they were canonical JSON to begin with.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { canonicalJson } from './canonical.ts';
import { ChainVerifier, type VerifyResult } from './chain.ts';
import { openDatabase } from '../db/database.ts';
import { countPending, streamLinks } from './store.ts';
import { verifyChainParallel } from './verify-parallel.ts';

export async function verifyExportFile(path: string): Promise<VerifyResult & { malformedLine?: number }> {
  const verifier = new ChainVerifier();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: { seq?: unknown; prev_hash?: unknown; hash?: unknown; event?: unknown };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      return { ...verifier.result(), ok: false, malformedLine: lineNo, broken: { seq: -1, reason: 'hash_mismatch', message: `line ${lineNo} is not valid JSON` } };
    }
    if (typeof rec.seq !== 'number' || typeof rec.prev_hash !== 'string' || typeof rec.hash !== 'string' || typeof rec.event !== 'object' || rec.event === null) {
      return { ...verifier.result(), ok: false, malformedLine: lineNo, broken: { seq: -1, reason: 'hash_mismatch', message: `line ${lineNo} lacks seq, prev_hash, hash or event` } };
    }
    if (!verifier.push({ seq: rec.seq, prevHash: rec.prev_hash, hash: rec.hash, event: canonicalJson(rec.event) })) break;
  }
  return verifier.result();
}

/**
 * Reads the chain straight from the database, changing nothing (it does not seal). Events
 * committed but not yet sealed are reported as `pending`: they are not covered by the chain.
 */
export async function verifyDatabase(opts: { url?: string; sqliteFile?: string; schema?: string }): Promise<VerifyResult & { pending: number }> {
  const database = await openDatabase({ ...opts, migrate: false });
  try {
    const result = await verifyChainParallel(streamLinks(database.db, { pageSize: 20_000 }));
    return { ...result, pending: await countPending(database.db) };
  } finally {
    await database.close();
  }
}
