/**
 * The audit ledger: signed checkpoints over the sealed chain, inclusion and consistency proofs,
 * and pushing checkpoints to witnesses.
 *
 * Every `everyEvents` sealed events, or `everySeconds` after the last checkpoint when anything
 * was sealed since, one replica (under the ledger lock) computes the RFC 9162 root over the chain
 * hashes of events 1..n, signs it as a C2SP checkpoint and stores it; the primary key on the
 * size means there is never a second checkpoint for a size. Roots of complete 2^8, 2^16 and 2^24
 * subtrees are stored as the tree grows, so a checkpoint or a proof reads a few hundred rows,
 * not the whole trail. Checkpoints are then pushed to each configured witness, resuming from
 * the last size that witness acknowledged.
 */
import type { Database, Queryable } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { consistencyProof, inclusionProof, rangeHash, type Hash } from './merkle.ts';
import { formatCheckpoint, parseVkey, type NoteSigner } from './signed-note.ts';
import { CheckpointChecker, type CheckpointSource, type LedgerVerdict } from './verify.ts';
import type { AuditVerifyResult } from '../integrity.ts';
import type { ConsistencyProofDocument, InclusionProofDocument } from './proof-verify.ts';
import { toRecord, type AuditLog } from '../service.ts';
import * as store from './store.ts';
import { listEvents } from '../store.ts';
import { witnessFor, type Witness } from './witness.ts';

export interface LedgerOptions {
  everyEvents: number;
  everySeconds: number;
  witnesses: readonly string[];
}

/** A checkpoint as the API returns it. */
export interface CheckpointView {
  tree_size: number;
  root_hash: string;
  created_at: string;
  note: string;
}

function fieldError(code: 'not_found' | 'validation_failed', path: string, message: string): AppError {
  return new AppError(code, message, { errors: [{ path, message }] });
}

const view = (r: store.CheckpointRecord): CheckpointView => ({ tree_size: r.tree_size, root_hash: r.root_hash, created_at: r.created_at, note: r.note });

export class AuditLedger {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly startedAt = Date.now();
  private readonly witnesses: Witness[];

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly signer: NoteSigner,
    private readonly opts: LedgerOptions,
  ) {
    this.witnesses = opts.witnesses.map(witnessFor);
  }

  get origin(): string {
    return this.signer.name;
  }

  /** The C2SP verifier key auditors check checkpoints with. */
  get vkey(): string {
    return this.signer.vkey;
  }

  get publicKey(): Buffer {
    return this.signer.publicKey;
  }

  /**
   * Sign a checkpoint over every sealed event when one is due (or `force`: whenever any event
   * is not yet covered). Returns the new checkpoint, or undefined when none was made.
   */
  async checkpoint(opts: { force?: boolean } = {}): Promise<CheckpointView | undefined> {
    // Asked for now: seal what is committed first, so the checkpoint covers it. The timer's
    // checkpoints cover what is sealed; the sealer's own sweep runs every second anyway.
    if (opts.force) await this.audit.head();
    const made = await this.database.db.transaction().execute(async (tx) => {
      await store.lockLedger(tx, this.database.dialect);
      const last = await store.latestCheckpoint(tx);
      const size = await store.sealedCount(tx);
      const lastSize = last?.tree_size ?? 0;
      if (size <= lastSize) return undefined;
      const since = last ? Date.parse(last.created_at) : this.startedAt;
      if (!opts.force && size - lastSize < this.opts.everyEvents && Date.now() - since < this.opts.everySeconds * 1000) return undefined;
      await store.extendTreeNodes(tx, size);
      const root = await rangeHash(0, size, (s, n) => store.perfectSubtree(tx, s, n));
      const note = this.signer.sign(formatCheckpoint({ origin: this.origin, size, root, extensions: [] }));
      const row = { tree_size: size, root_hash: root.toString('hex'), note, signer: this.signer.vkey, created_at: new Date().toISOString() };
      await store.insertCheckpoint(tx, row);
      return row;
    });
    if (made) await this.pushWitnesses().catch(() => undefined);
    return made && view(made);
  }

  /** Send each witness the newest checkpoint it has not acknowledged; failures are recorded and retried next time. */
  async pushWitnesses(): Promise<void> {
    if (this.witnesses.length === 0) return;
    const latest = await store.latestCheckpoint(this.database.db);
    if (!latest) return;
    for (const w of this.witnesses) {
      const state = await store.witnessState(this.database.db, w.id);
      const pushed = state?.treeSize ?? 0;
      if (pushed >= latest.tree_size) continue;
      const at = new Date().toISOString();
      try {
        await w.push({ origin: this.origin, size: latest.tree_size, note: latest.note }, pushed, (old) => this.consistencyHashes(old, latest.tree_size));
        await store.saveWitnessState(this.database.db, w.id, { treeSize: latest.tree_size, pushedAt: at, lastError: null, attemptedAt: at });
      } catch (err) {
        await store.saveWitnessState(this.database.db, w.id, { treeSize: pushed, pushedAt: state?.pushedAt ?? null, lastError: err instanceof Error ? err.message : String(err), attemptedAt: at });
      }
    }
  }

  /** For metrics: the newest checkpoint, how many events are sealed, each witness's acknowledged size. */
  async status(): Promise<{ checkpointSize: number; checkpointAt: string | null; sealed: number; witnesses: { witness: string; treeSize: number }[] }> {
    const [latest, sealed, witnesses] = await Promise.all([store.latestCheckpoint(this.database.db), store.sealedCount(this.database.db), this.witnesses.length > 0 ? this.witnessStatus() : Promise.resolve([])]);
    return { checkpointSize: latest?.tree_size ?? 0, checkpointAt: latest?.created_at ?? null, sealed, witnesses: witnesses.map((w) => ({ witness: w.witness, treeSize: w.tree_size })) };
  }

  async witnessStatus(): Promise<{ witness: string; tree_size: number; pushed_at: string | null; attempted_at: string | null; last_error: string | null }[]> {
    const states = new Map((await store.allWitnessStates(this.database.db)).map((s) => [s.witness, s]));
    return this.witnesses.map((w) => {
      const s = states.get(w.id);
      return { witness: w.id, tree_size: s?.treeSize ?? 0, pushed_at: s?.pushedAt ?? null, attempted_at: s?.attemptedAt ?? null, last_error: s?.lastError ?? null };
    });
  }

  start(): void {
    if (this.timer) return;
    const every = Math.max(50, Math.min(1000, this.opts.everySeconds * 1000));
    this.timer = setInterval(() => {
      if (this.running) return;
      // A new checkpoint was pushed as it was made; otherwise retry any witness still behind.
      this.running = this.checkpoint()
        .then((made) => (made ? undefined : this.pushWitnesses()))
        .catch(() => undefined)
        .finally(() => {
          this.running = undefined;
        });
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async latest(): Promise<CheckpointView | undefined> {
    const r = await store.latestCheckpoint(this.database.db);
    return r && view(r);
  }

  async get(size: number): Promise<CheckpointView> {
    const r = await store.checkpointAt(this.database.db, size);
    if (!r) throw fieldError('not_found', 'tree_size', `no checkpoint of tree size ${size}`);
    return view(r);
  }

  async list(opts: { after?: number; limit: number; desc?: boolean }): Promise<CheckpointView[]> {
    return (await store.listCheckpoints(this.database.db, opts)).map(view);
  }

  private perfect(q: Queryable) {
    return (start: number, size: number): Promise<Hash> => store.perfectSubtree(q, start, size);
  }

  /**
   * The proof that event `seq` is in a signed tree: the checkpoint of `treeSize` events, or the
   * first checkpoint that covers the event.
   */
  async inclusion(seq: number, treeSize?: number): Promise<InclusionProofDocument> {
    const q = this.database.db;
    const cp = treeSize === undefined ? await store.checkpointCovering(q, seq) : await store.checkpointAt(q, treeSize);
    if (!cp) {
      if (treeSize !== undefined) throw fieldError('not_found', 'tree_size', `no checkpoint of tree size ${treeSize}`);
      throw fieldError('not_found', 'seq', `no checkpoint covers event ${seq} yet: events are anchored by the next checkpoint`);
    }
    if (seq > cp.tree_size) throw fieldError('validation_failed', 'seq', `event ${seq} is not in the tree of ${cp.tree_size} events`);
    const [row] = await listEvents(q, { after: seq - 1, limit: 1 });
    if (!row || row.seq !== seq) throw fieldError('not_found', 'seq', `no event ${seq} in the chain`);
    const proof = await inclusionProof(seq - 1, cp.tree_size, this.perfect(q));
    return { seq, tree_size: cp.tree_size, record: toRecord(row), proof: proof.map((h) => h.toString('hex')), checkpoint: cp.note };
  }

  async consistency(fromSize: number, toSize?: number): Promise<ConsistencyProofDocument> {
    const q = this.database.db;
    const from = await store.checkpointAt(q, fromSize);
    if (!from) throw fieldError('not_found', 'from', `no checkpoint of tree size ${fromSize}`);
    const to = toSize === undefined ? await store.latestCheckpoint(q) : await store.checkpointAt(q, toSize);
    if (!to) throw fieldError('not_found', 'to', `no checkpoint of tree size ${toSize}`);
    if (to.tree_size < fromSize) throw fieldError('validation_failed', 'to', `a tree of ${to.tree_size} events cannot extend one of ${fromSize}`);
    const proof = await consistencyProof(fromSize, to.tree_size, this.perfect(q));
    return { from_size: fromSize, to_size: to.tree_size, proof: proof.map((h) => h.toString('hex')), from_checkpoint: from.note, to_checkpoint: to.note };
  }

  private consistencyHashes(oldSize: number, newSize: number): Promise<Hash[]> {
    return consistencyProof(oldSize, newSize, this.perfect(this.database.db));
  }

  /** Every stored checkpoint, for verification and export. */
  async sources(): Promise<CheckpointSource[]> {
    const out: CheckpointSource[] = [];
    for await (const c of store.allCheckpoints(this.database.db)) out.push({ note: c.note, from: `checkpoint ${c.tree_size}` });
    return out;
  }

  /**
   * The trail as export lines: the signed checkpoints first, read before the events, so every
   * one is covered by the events that follow; then the events (and any problems line). From a
   * later event, checkpoints are left out: they cover a trail from event 1.
   */
  async *exportLines(opts: { fromSeq?: number } = {}): AsyncGenerator<object> {
    if (opts.fromSeq === undefined || opts.fromSeq <= 1) {
      for await (const c of store.allCheckpoints(this.database.db)) yield { checkpoint: { tree_size: c.tree_size, note: c.note } };
    }
    yield* this.audit.export(opts);
  }

  /** A checker of the trail against the stored checkpoints, under this installation's key. */
  async checker(): Promise<CheckpointChecker> {
    return new CheckpointChecker(await this.sources(), parseVkey(this.vkey));
  }

  /**
   * The whole verification: the trail (chain, rows, MACs, nothing unchained) and, from the
   * first event, the trail against every signed checkpoint.
   */
  async verify(opts: { fromSeq?: number } = {}): Promise<AuditVerifyResult & { ledger?: LedgerVerdict }> {
    const ledger = opts.fromSeq === undefined || opts.fromSeq <= 1 ? await this.checker() : undefined;
    const trail = await this.audit.verify({ ...opts, ...(ledger ? { onLink: (h: string) => ledger.push(h) } : {}) });
    if (!ledger) return trail;
    const l = ledger.result();
    return { ...trail, ok: trail.ok && l.ok, ledger: l };
  }
}
