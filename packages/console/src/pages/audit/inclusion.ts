/**
 * Checking an inclusion proof in the browser (RFC 9162 §2.1.3.2 with Web Crypto): from the
 * event's chain hash and the sibling hashes the server sent, rebuild the Merkle root and compare
 * it with the root in the signed checkpoint. The server is not trusted to say "included"; the
 * arithmetic is done here. (The checkpoint's signature is checked by `trellis audit prove --proof-file`
 * with the verifier key; this page does not hold it.)
 */
export interface InclusionDocument {
  seq: number;
  tree_size: number;
  record: { seq: number; prev_hash: string; hash: string };
  proof: string[];
  checkpoint: string;
}

const fromHex = (hex: string): Uint8Array => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
};

const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

async function sha256(prefix: number, ...parts: Uint8Array[]): Promise<Uint8Array> {
  const total = 1 + parts.reduce((a, p) => a + p.length, 0);
  const buf = new Uint8Array(total);
  buf[0] = prefix;
  let at = 1;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The root hash a checkpoint note states (its third line, base64). */
export function checkpointRoot(note: string): Uint8Array | null {
  const line = note.split('\n')[2];
  try {
    return line ? fromBase64(line.trim()) : null;
  } catch {
    return null;
  }
}

/** Whether the proof rebuilds the checkpoint's root from the event's chain hash. */
export async function proofHolds(doc: InclusionDocument): Promise<boolean> {
  const root = checkpointRoot(doc.checkpoint);
  if (!root || !/^[0-9a-f]{64}$/i.test(doc.record.hash) || doc.seq < 1 || doc.seq > doc.tree_size) return false;
  let fn = doc.seq - 1;
  let sn = doc.tree_size - 1;
  let r = await sha256(0, fromHex(doc.record.hash));
  for (const hex of doc.proof) {
    if (sn === 0) return false;
    const p = fromHex(hex);
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(1, p, r);
      // Climb past the levels where this node had no right sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(1, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && same(r, root);
}
