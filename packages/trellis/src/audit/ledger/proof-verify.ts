/**
 * Checking proofs with nothing but the log's public key: what `trellis audit prove` runs on the
 * proofs it fetches, and what an auditor's own tooling would do. It imports no server code —
 * only the hash chain's and the Merkle tree's definitions and the signed-note format.
 */
import { canonicalJson } from '../../canonical-json.ts';
import { chainHash } from '../chain.ts';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.ts';
import { NoteError, openCheckpoint, type NoteVerifier } from './signed-note.ts';

/** "This event is in the tree the checkpoint signs." */
export interface InclusionProofDocument {
  seq: number;
  tree_size: number;
  /** The event's chain link as stored: its hash is the tree's leaf. */
  record: { seq: number; prev_hash: string; hash: string; event: unknown };
  /** Audit path, leaf side first, hex. */
  proof: string[];
  /** The signed checkpoint of `tree_size` events. */
  checkpoint: string;
}

/** "The tree of `to_size` events extends the tree of `from_size`." */
export interface ConsistencyProofDocument {
  from_size: number;
  to_size: number;
  proof: string[];
  from_checkpoint: string;
  to_checkpoint: string;
}

export interface ProofVerdict {
  ok: boolean;
  message: string;
}

const hex = (xs: string[]): Buffer[] | undefined => (xs.every((x) => /^[0-9a-f]{64}$/.test(x)) ? xs.map((x) => Buffer.from(x, 'hex')) : undefined);

function opened(note: string, verifier: NoteVerifier, size: number): { root: Buffer } | ProofVerdict {
  try {
    const c = openCheckpoint(note, verifier);
    if (c.size !== size) return { ok: false, message: `the checkpoint signs ${c.size} events, not ${size}` };
    return c;
  } catch (err) {
    return { ok: false, message: `checkpoint: ${err instanceof NoteError ? err.message : String(err)}` };
  }
}

export function verifyInclusionDocument(doc: InclusionProofDocument, verifier: NoteVerifier): ProofVerdict {
  const c = opened(doc.checkpoint, verifier, doc.tree_size);
  if ('ok' in c) return c;
  const r = doc.record;
  if (r.seq !== doc.seq) return { ok: false, message: `the record is event ${r.seq}, not ${doc.seq}` };
  if (!/^[0-9a-f]{64}$/.test(r.prev_hash) || !/^[0-9a-f]{64}$/.test(r.hash)) return { ok: false, message: 'the record has no valid chain hashes' };
  if (chainHash(r.prev_hash, canonicalJson(r.event)) !== r.hash) return { ok: false, message: `event ${r.seq} does not hash to its chain hash: it was changed` };
  const path = hex(doc.proof);
  if (!path) return { ok: false, message: 'the proof holds a value that is not a 32-byte hex hash' };
  if (!verifyInclusion(doc.seq - 1, doc.tree_size, leafHash(Buffer.from(r.hash, 'hex')), path, c.root)) return { ok: false, message: `event ${doc.seq} is not in the tree of ${doc.tree_size} events the checkpoint signs` };
  return { ok: true, message: `event ${doc.seq} is included in the signed tree of ${doc.tree_size} events (${verifier.name})` };
}

export function verifyConsistencyDocument(doc: ConsistencyProofDocument, verifier: NoteVerifier): ProofVerdict {
  const from = opened(doc.from_checkpoint, verifier, doc.from_size);
  if ('ok' in from) return from;
  const to = opened(doc.to_checkpoint, verifier, doc.to_size);
  if ('ok' in to) return to;
  const path = hex(doc.proof);
  if (!path) return { ok: false, message: 'the proof holds a value that is not a 32-byte hex hash' };
  if (!verifyConsistency(doc.from_size, doc.to_size, from.root, to.root, path)) return { ok: false, message: `the tree of ${doc.to_size} events does not extend the tree of ${doc.from_size}: the history between them was rewritten` };
  return { ok: true, message: `the signed tree of ${doc.to_size} events extends the signed tree of ${doc.from_size} (${verifier.name})` };
}
