/**
 * The Merkle tree over the audit chain, as RFC 9162 (Certificate Transparency 2.0) §2.1 defines
 * it, in pure functions an auditor's verifier can share:
 *
 *   leaf hash  = SHA-256(0x00 ‖ leaf)          node hash = SHA-256(0x01 ‖ left ‖ right)
 *   MTH([])    = SHA-256("")                   MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])),
 *                                              k the largest power of two below n
 *
 * The leaves are the chain hashes of the sealed events (32 bytes each, event seq = leaf index
 * + 1). A chain hash commits to its event and to every event before it, and it survives when
 * retention removes an old event's content, so a signed tree head keeps proving the whole
 * history, pruned or not. The distinct 0x00/0x01 prefixes keep a leaf from passing for a node.
 *
 * Proof generation takes a `perfect(start, size)` callback that returns the hash of an aligned,
 * complete subtree; the store answers it from stored subtree hashes (ledger/store.ts), tests
 * from an array. Sizes stay below 2^53; no 32-bit shifts are used.
 */
import { createHash, hash } from 'node:crypto';

export type Hash = Buffer;

export const EMPTY_ROOT: Hash = createHash('sha256').digest();

// One-shot hashing over a reused input buffer: a tree check hashes about two small inputs per
// event, where a Hash object per call cost more than the hashing itself.
const nodeInput = Buffer.alloc(65);
nodeInput[0] = 1;
const leafInput = Buffer.alloc(33);

export function leafHash(leaf: Buffer): Hash {
  if (leaf.length === 32) {
    leaf.copy(leafInput, 1);
    return hash('sha256', leafInput, 'buffer');
  }
  return createHash('sha256').update(Buffer.from([0])).update(leaf).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 33);
  return hash('sha256', nodeInput, 'buffer');
}

/** The largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isOdd = (x: number): boolean => x % 2 === 1;
function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
const half = (x: number): number => Math.floor(x / 2);

/** MTH over leaf hashes already computed (small trees, tests, subtrees read from the store). */
export function rootOfLeafHashes(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let level = hashes.slice();
  // Pairing from the left and carrying an odd last node up unchanged gives RFC 9162's shape.
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (isOdd(level.length)) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/**
 * Builds the tree one leaf at a time keeping only the roots of its perfect subtrees (at most
 * one per bit of the size): the root at any size in O(log n), each leaf merged in O(1) on
 * average. Offline verification streams an export through this.
 */
export class TreeBuilder {
  /** Perfect subtree roots, largest (leftmost) first; sizes are the set bits of `size`. */
  private readonly stack: { size: number; hash: Hash }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  pushLeafHash(h: Hash): void {
    let node = { size: 1, hash: h };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: node.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.count++;
  }

  root(): Hash {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let r = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash(this.stack[i]!.hash, r);
    return r;
  }
}

/** Returns the hash of leaves [start, start + size), size a power of two and start a multiple of it. */
export type PerfectSubtree = (start: number, size: number) => Promise<Hash>;

/** MTH(D[start:end]) for a range the RFC's recursion produces (every left part perfect). */
export async function rangeHash(start: number, end: number, perfect: PerfectSubtree): Promise<Hash> {
  const n = end - start;
  if (n <= 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && start % n === 0) return perfect(start, n);
  const k = splitPoint(n);
  return nodeHash(await perfect(start, k), await rangeHash(start + k, end, perfect));
}

/** RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of `size` leaves, leaf-side first. */
export async function inclusionProof(index: number, size: number, perfect: PerfectSubtree): Promise<Hash[]> {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Hash[] = [];
  let lo = 0;
  let hi = size;
  let m = index;
  const siblings: Promise<Hash>[] = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < k) {
      siblings.push(rangeHash(lo + k, hi, perfect));
      hi = lo + k;
    } else {
      siblings.push(perfect(lo, k));
      lo += k;
      m -= k;
    }
  }
  // Collected root-side first; the proof lists them from the leaf up.
  for (const s of (await Promise.all(siblings)).reverse()) path.push(s);
  return path;
}

/** RFC 9162 §2.1.4.1: the proof that the tree of `newSize` leaves extends the tree of `oldSize`. */
export async function consistencyProof(oldSize: number, newSize: number, perfect: PerfectSubtree): Promise<Hash[]> {
  if (!(oldSize >= 0 && oldSize <= newSize)) throw new RangeError(`a tree of ${oldSize} cannot be a prefix of one of ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const parts: Promise<Hash>[] = [];
  let lo = 0;
  let hi = newSize;
  let m = oldSize;
  let whole = true;
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      parts.push(rangeHash(lo + k, hi, perfect));
      hi = lo + k;
    } else {
      parts.push(perfect(lo, k));
      lo += k;
      m -= k;
      whole = false;
    }
  }
  // SUBPROOF(m, D[m], b): nothing when the old tree is this very subtree, else its root.
  if (!whole) parts.push(rangeHash(lo, hi, perfect));
  return (await Promise.all(parts)).reverse();
}

/** RFC 9162 §2.1.3.2: does `proof` put `leaf` (a leaf hash) at `index` in the tree with this root? */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (newSize, newRoot) extends (oldSize, oldRoot)? */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Hash, newRoot: Hash, proof: readonly Hash[]): boolean {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize) && oldSize >= 0 && oldSize <= newSize)) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  // Every tree extends the empty one.
  if (oldSize === 0) return proof.length === 0 && oldRoot.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}
