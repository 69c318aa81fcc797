/**
 * Offline verification for auditors: check a trail without trusting (or even reaching) the
 * server — from an exported JSONL file, or by reading the database directly.
 * An exported line is `{"seq", "prev_hash", "hash", "event"}`; the event is re-canonicalised,
 * which reproduces the stored bytes because they were canonical JSON to begin with. A last
 * line `{"problems", "problem_count"}` means the server found rows wrong or outside the chain.
 */
import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { canonicalJson } from '../canonical-json.ts';
import { ChainVerifier, type VerifyResult } from './chain.ts';
import { openDatabase } from '../db/database.ts';
import { findInstallationKey } from '../keys/index.ts';
import { RowChecker, auditVerdict, checkedLinks, type AuditVerifyResult, type RowProblem } from './integrity.ts';
import { stillUnchained, streamSealedRows, unchainedRows } from './store.ts';
import { verifyChainParallel } from './verify-parallel.ts';

export type FileVerifyResult = VerifyResult & { malformedLine?: number; problems?: RowProblem[]; problemCount?: number };

export async function verifyExportFile(path: string): Promise<FileVerifyResult> {
  const verifier = new ChainVerifier();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  const malformed = (lineNo: number, message: string): FileVerifyResult => ({ ...verifier.result(), ok: false, malformedLine: lineNo, broken: { seq: -1, reason: 'hash_mismatch', message } });
  let lineNo = 0;
  let problems: { problems: RowProblem[]; problem_count: number } | undefined;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: { seq?: unknown; prev_hash?: unknown; hash?: unknown; event?: unknown; problems?: unknown; problem_count?: unknown };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      return malformed(lineNo, `line ${lineNo} is not valid JSON`);
    }
    if (Array.isArray(rec.problems)) {
      problems = { problems: rec.problems as RowProblem[], problem_count: typeof rec.problem_count === 'number' ? rec.problem_count : rec.problems.length };
      continue;
    }
    if (problems) return malformed(lineNo, `line ${lineNo} follows the problems line, which must be last`);
    if (typeof rec.seq !== 'number' || typeof rec.prev_hash !== 'string' || typeof rec.hash !== 'string' || typeof rec.event !== 'object' || rec.event === null) {
      return malformed(lineNo, `line ${lineNo} lacks seq, prev_hash, hash or event`);
    }
    if (!verifier.push({ seq: rec.seq, prevHash: rec.prev_hash, hash: rec.hash, event: canonicalJson(rec.event) })) break;
  }
  const chain = verifier.result();
  if (!problems) return chain;
  return { ...chain, ok: false, problems: problems.problems, problemCount: problems.problem_count };
}

/**
 * Reads the trail straight from the database, changing nothing (it does not seal). The MACs
 * are checked when the installation's key is at hand (TRELLIS_MASTER_KEY, the key file beside
 * a SQLite database, a development database's own key). Rows outside the chain make the
 * result not ok; on PostgreSQL a row may be pending for milliseconds after its commit, so only
 * rows still pending after `graceMs` count.
 */
export async function verifyDatabase(opts: { url?: string; sqliteFile?: string; schema?: string; graceMs?: number; env?: NodeJS.ProcessEnv }): Promise<AuditVerifyResult & { pending: number }> {
  const database = await openDatabase(opts);
  try {
    const keys = await findInstallationKey({ database, ...(opts.sqliteFile ? { dataDir: dirname(opts.sqliteFile) } : {}), ...(opts.env ? { env: opts.env } : {}) });
    const checker = new RowChecker(keys?.derive('audit.row-mac'));
    const chain = await verifyChainParallel(checkedLinks(streamSealedRows(database.db, { pageSize: 20_000 }), checker));
    let unchained = await unchainedRows(database.db);
    const graceMs = opts.graceMs ?? (database.dialect === 'postgres' ? 2000 : 0);
    if (graceMs > 0 && unchained.some((r) => r.quarantined_at === null)) {
      await sleep(graceMs);
      unchained = await stillUnchained(database.db, unchained.map((r) => r.id));
    }
    for (const r of unchained) checker.unchained(r);
    return { ...auditVerdict(chain, checker.result()), pending: unchained.length };
  } finally {
    await database.close();
  }
}
