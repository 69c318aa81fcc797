/**
 * Checking a trail against its signed checkpoints, the same way online (`GET /audit/verify`),
 * from a database, and from an export file with nothing but the public key:
 * - every checkpoint's signature holds under the verifier key (when one is given);
 * - two checkpoints of one size agree (else the log forked: someone signed two histories);
 * - the tree over the trail's chain hashes has each checkpoint's root at its size (else the
 *   history was rewritten after it was signed, however consistent the new chain is);
 * - the trail reaches every checkpoint's size (else its tail was cut).
 * Events after the newest checkpoint are reported as not yet anchored; nothing proves them
 * complete until the next checkpoint.
 */
import { readFile } from 'node:fs/promises';
import { TreeBuilder, leafHash } from './merkle.ts';
import { NoteError, openCheckpoint, parseCheckpoint, type Checkpoint, type NoteVerifier } from './signed-note.ts';

export type LedgerProblemReason = 'checkpoint_signature' | 'checkpoint_malformed' | 'fork' | 'root_mismatch' | 'tail_cut' | 'no_checkpoint';

export interface LedgerProblem {
  reason: LedgerProblemReason;
  treeSize: number | null;
  message: string;
}

export interface LedgerVerdict {
  ok: boolean;
  /** Checkpoints examined (from the trail and any a witness or the auditor supplied). */
  checkpoints: number;
  /** The largest tree size a checkpoint anchored and the trail matched. */
  anchoredSize: number;
  /** Events after the newest checkpoint. */
  unanchored: number;
  /** False when no verifier key was at hand: roots were compared, signatures not checked. */
  signaturesChecked: boolean;
  problems: LedgerProblem[];
}

/** A checkpoint as a trail or a witness holds it: the signed note, and where it came from. */
export interface CheckpointSource {
  note: string;
  from: string;
}

export class CheckpointChecker {
  private readonly bySize = new Map<number, { checkpoint: Checkpoint; from: string }>();
  private readonly sizes: number[];
  private readonly problems: LedgerProblem[] = [];
  private readonly tree = new TreeBuilder();
  private next = 0;
  private anchored = 0;
  private examined = 0;

  constructor(
    sources: readonly CheckpointSource[],
    private readonly verifier: NoteVerifier | undefined,
    private readonly opts: { requireCheckpoint?: boolean } = {},
  ) {
    for (const s of sources) {
      this.examined++;
      let c: Checkpoint;
      try {
        c = verifier ? openCheckpoint(s.note, verifier) : parseCheckpoint(s.note.slice(0, s.note.lastIndexOf('\n\n') + 1));
      } catch (err) {
        const reason = err instanceof NoteError && /does not verify|not signed by any known key/.test(err.message) ? 'checkpoint_signature' : 'checkpoint_malformed';
        this.problems.push({ reason, treeSize: null, message: `checkpoint from ${s.from}: ${err instanceof Error ? err.message : String(err)}` });
        continue;
      }
      const seen = this.bySize.get(c.size);
      if (seen && !seen.checkpoint.root.equals(c.root)) {
        this.problems.push({ reason: 'fork', treeSize: c.size, message: `two checkpoints sign different histories of ${c.size} events (${seen.from} and ${s.from}): the log was forked` });
        continue;
      }
      if (!seen) this.bySize.set(c.size, { checkpoint: c, from: s.from });
    }
    this.sizes = [...this.bySize.keys()].filter((n) => n > 0).sort((a, b) => a - b);
  }

  /** Feed the trail's chain hashes (hex) in sequence order, from event 1. */
  push(chainHashHex: string): void {
    this.tree.pushLeafHash(leafHash(Buffer.from(chainHashHex, 'hex')));
    const size = this.tree.size;
    while (this.next < this.sizes.length && this.sizes[this.next]! < size) this.next++;
    if (this.sizes[this.next] !== size) return;
    const { checkpoint, from } = this.bySize.get(size)!;
    if (this.tree.root().equals(checkpoint.root)) this.anchored = size;
    else this.problems.push({ reason: 'root_mismatch', treeSize: size, message: `the first ${size} events are not the history the checkpoint from ${from} signed: events up to ${size} were changed after it was signed` });
    this.next++;
  }

  /** Events pushed so far. */
  get size(): number {
    return this.tree.size;
  }

  /** The verdict once every event has been pushed. `total`: events in the trail. */
  result(total = this.tree.size): LedgerVerdict {
    const problems = [...this.problems];
    const beyond = this.sizes.filter((n) => n > total);
    if (beyond.length > 0) {
      const max = beyond[beyond.length - 1]!;
      problems.push({ reason: 'tail_cut', treeSize: max, message: `a checkpoint (from ${this.bySize.get(max)!.from}) signs ${max} events but the trail ends at ${total}: events ${total + 1}..${max} were removed` });
    }
    if (this.opts.requireCheckpoint && total > 0 && this.sizes.length === 0 && this.problems.length === 0) {
      problems.push({ reason: 'no_checkpoint', treeSize: null, message: 'no signed checkpoint covers this trail: nothing proves it complete (an export cut short, or its checkpoints removed)' });
    }
    return {
      ok: problems.length === 0,
      checkpoints: this.examined,
      anchoredSize: this.anchored,
      unanchored: Math.max(0, total - this.anchored),
      signaturesChecked: this.verifier !== undefined,
      problems,
    };
  }
}


/**
 * Checkpoints an auditor holds apart from the trail: a witness file of JSON lines
 * ({origin, tree_size, note}, as the file witness writes them) or signed notes one after another.
 */
export async function readCheckpointFile(path: string): Promise<CheckpointSource[]> {
  const text = await readFile(path, 'utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    return text
      .split('\n')
      .map((line, i) => ({ line: line.trim(), i }))
      .filter((l) => l.line !== '')
      .map(({ line, i }) => {
        const rec = JSON.parse(line) as { note?: unknown };
        if (typeof rec.note !== 'string') throw new Error(`${path} line ${i + 1} has no note`);
        return { note: rec.note, from: `${path} line ${i + 1}` };
      });
  }
  // Signed notes back to back: a note ends with its signature lines, the next begins with its origin.
  const notes: string[] = [];
  let current: string[] = [];
  let signed = false;
  for (const line of text.split('\n')) {
    const isSig = line.startsWith('\u2014 ');
    if (signed && !isSig && line !== '') {
      notes.push(current.join('\n') + '\n');
      current = [];
      signed = false;
    }
    if (isSig) signed = true;
    if (line !== '' || !signed) current.push(line);
  }
  if (current.some((l) => l !== '')) notes.push(current.join('\n').replace(/\n*$/, '\n'));
  return notes.map((note, i) => ({ note, from: `${path} note ${i + 1}` }));
}

