/**
 * Offline verification for auditors: check a trail without trusting (or even reaching) the
 * server — from an exported JSONL file, or by reading the database directly.
 * An exported line is `{"seq", "prev_hash", "hash", "event"}`; the event is re-canonicalised,
 * which reproduces the stored bytes because they were canonical JSON to begin with. A last
 * line `{"problems", "problem_count"}` means the server found rows wrong or outside the chain.
 * Lines `{"checkpoint": {"tree_size", "note"}}` come first: the signed checkpoints, against which
 * the events are checked (ledger/verify.ts), with the public key when the auditor gives it.
 */
import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { canonicalJson } from '../canonical-json.ts';
import { ChainVerifier, type VerifyResult } from './chain.ts';
import { openDatabase } from '../db/database.ts';
import { findInstallationKey } from '../keys/index.ts';
import { RowChecker, auditVerdict, verifyRows, type AuditVerifyResult, type RowProblem } from './integrity.ts';
import { stillUnchained, streamSealedRows, unchainedRows } from './store.ts';
import { CheckpointChecker, type CheckpointSource, type LedgerVerdict } from './ledger/verify.ts';
import type { NoteVerifier } from './ledger/signed-note.ts';
import { allCheckpoints } from './ledger/store.ts';

export type FileVerifyResult = VerifyResult & { malformedLine?: number; problems?: RowProblem[]; problemCount?: number; pruned?: number; ledger?: LedgerVerdict; ledgerSkipped?: string };

export interface LedgerInputs {
  /** The log's verifier key: checkpoint signatures are checked, and at least one checkpoint is required. */
  verifier?: NoteVerifier;
  /** Checkpoints held elsewhere (a witness file, the auditor's last seen): the trail must match them too. */
  witness?: CheckpointSource[];
}

export async function verifyExportFile(path: string, ledgerInputs: LedgerInputs = {}): Promise<FileVerifyResult> {
  const verifier = new ChainVerifier();
  const fileCheckpoints: CheckpointSource[] = [];
  let ledger: CheckpointChecker | undefined;
  let ledgerSkipped: string | undefined;
  const feed = (seq: number, hash: string): void => {
    if (!ledger && ledgerSkipped === undefined) {
      if (seq === 1) ledger = new CheckpointChecker([...fileCheckpoints, ...(ledgerInputs.witness ?? [])], ledgerInputs.verifier, { requireCheckpoint: ledgerInputs.verifier !== undefined });
      else ledgerSkipped = `the export starts at event ${seq}: checkpoints cover a trail from event 1`;
    }
    ledger?.push(hash);
  };
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  const malformed = (lineNo: number, message: string): FileVerifyResult => ({ ...verifier.result(), ok: false, malformedLine: lineNo, broken: { seq: -1, reason: 'hash_mismatch', message } });
  let lineNo = 0;
  let pruned = 0;
  let problems: { problems: RowProblem[]; problem_count: number } | undefined;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: { seq?: unknown; prev_hash?: unknown; hash?: unknown; event?: unknown; pruned?: unknown; problems?: unknown; problem_count?: unknown };
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
    const cp = (rec as { checkpoint?: { note?: unknown; tree_size?: unknown } }).checkpoint;
    if (cp !== undefined) {
      if (ledger || verifier.result().count > 0) return malformed(lineNo, `line ${lineNo}: checkpoint lines come before the events`);
      if (typeof cp !== 'object' || cp === null || typeof cp.note !== 'string') return malformed(lineNo, `line ${lineNo}: a checkpoint line is {"checkpoint": {"tree_size", "note"}}`);
      fileCheckpoints.push({ note: cp.note, from: `line ${lineNo}` });
      continue;
    }
    if (typeof rec.seq === 'number' && typeof rec.prev_hash === 'string' && typeof rec.hash === 'string' && rec.event === undefined && typeof rec.pruned === 'object' && rec.pruned !== null) {
      // Retention removed this event's content: its stored hash still links the chain (the
      // server checked its prune MAC; a signed checkpoint covers the hash itself).
      pruned++;
      if (!verifier.pushVerified({ seq: rec.seq, prevHash: rec.prev_hash, hash: rec.hash })) break;
      feed(rec.seq, rec.hash);
      continue;
    }
    if (typeof rec.seq !== 'number' || typeof rec.prev_hash !== 'string' || typeof rec.hash !== 'string' || typeof rec.event !== 'object' || rec.event === null) {
      return malformed(lineNo, `line ${lineNo} lacks seq, prev_hash, hash or event`);
    }
    if (!verifier.push({ seq: rec.seq, prevHash: rec.prev_hash, hash: rec.hash, event: canonicalJson(rec.event) })) break;
    feed(rec.seq, rec.hash);
  }
  // An export with no events still has its checkpoints checked (they must not claim events it lacks).
  if (!ledger && ledgerSkipped === undefined) ledger = new CheckpointChecker([...fileCheckpoints, ...(ledgerInputs.witness ?? [])], ledgerInputs.verifier);
  const l = ledger?.result();
  const chain: FileVerifyResult = { ...verifier.result(), pruned, ...(l ? { ledger: l } : {}), ...(ledgerSkipped ? { ledgerSkipped } : {}) };
  if (l && !l.ok) chain.ok = false;
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
export async function verifyDatabase(opts: { url?: string; sqliteFile?: string; schema?: string; graceMs?: number; env?: NodeJS.ProcessEnv } & LedgerInputs): Promise<AuditVerifyResult & { pending: number; ledger: LedgerVerdict }> {
  const database = await openDatabase(opts);
  try {
    const keys = await findInstallationKey({ database, ...(opts.sqliteFile ? { dataDir: dirname(opts.sqliteFile) } : {}), ...(opts.env ? { env: opts.env } : {}) });
    const checker = new RowChecker(keys?.derive('audit.row-mac'));
    const stored: CheckpointSource[] = [];
    for await (const c of allCheckpoints(database.db)) stored.push({ note: c.note, from: `checkpoint ${c.tree_size}` });
    const ledger = new CheckpointChecker([...stored, ...(opts.witness ?? [])], opts.verifier);
    const chain = await verifyRows(streamSealedRows(database.db, { pageSize: 20_000, onLink: (h) => ledger.push(h) }), checker);
    let unchained = await unchainedRows(database.db);
    const graceMs = opts.graceMs ?? (database.dialect === 'postgres' ? 2000 : 0);
    if (graceMs > 0 && unchained.some((r) => r.quarantined_at === null)) {
      await sleep(graceMs);
      unchained = await stillUnchained(database.db, unchained.map((r) => r.id));
    }
    for (const r of unchained) checker.unchained(r);
    const l = ledger.result();
    const verdict = auditVerdict(chain, checker.result());
    return { ...verdict, ok: verdict.ok && l.ok, pending: unchained.length, ledger: l };
  } finally {
    await database.close();
  }
}
