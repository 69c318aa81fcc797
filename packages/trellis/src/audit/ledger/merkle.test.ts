import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, TreeBuilder, consistencyProof, inclusionProof, leafHash, nodeHash, rootOfLeafHashes, verifyConsistency, verifyInclusion, type Hash } from './merkle.ts';

const leaves = (n: number): Hash[] => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

/** RFC 9162's MTH written as the recursion it is defined by, to check the fast versions against. */
function mth(hs: readonly Hash[]): Hash {
  if (hs.length === 0) return EMPTY_ROOT;
  if (hs.length === 1) return hs[0]!;
  let k = 1;
  while (k * 2 < hs.length) k *= 2;
  return nodeHash(mth(hs.slice(0, k)), mth(hs.slice(k)));
}

const perfectOf = (hs: readonly Hash[]) => async (start: number, size: number) => {
  expect(size & (size - 1)).toBe(0);
  expect(start % size).toBe(0);
  return mth(hs.slice(start, start + size));
};

describe('RFC 9162 hashing', () => {
  it('separates leaves from nodes and hashes the empty tree as SHA-256 of nothing', () => {
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(leafHash(Buffer.from('x')).equals(sha(Buffer.from([0]), Buffer.from('x')))).toBe(true);
    const [a, b] = leaves(2);
    expect(nodeHash(a!, b!).equals(sha(Buffer.from([1]), a!, b!))).toBe(true);
    // A two-leaf tree's root differs from the leaf hash of the two leaves' concatenation.
    expect(nodeHash(a!, b!).equals(leafHash(Buffer.concat([a!, b!])))).toBe(false);
  });

  it('builds the same root incrementally, level by level and by the definition, at every size', () => {
    const hs = leaves(70);
    const tb = new TreeBuilder();
    expect(tb.root().equals(EMPTY_ROOT)).toBe(true);
    for (let n = 1; n <= hs.length; n++) {
      tb.pushLeafHash(hs[n - 1]!);
      const want = mth(hs.slice(0, n));
      expect(tb.root().equals(want)).toBe(true);
      expect(rootOfLeafHashes(hs.slice(0, n)).equals(want)).toBe(true);
    }
  });
});

describe('inclusion proofs', () => {
  it('verify for every leaf of every tree up to 40 leaves, and fail when anything is changed', async () => {
    const hs = leaves(40);
    for (let size = 1; size <= hs.length; size++) {
      const root = mth(hs.slice(0, size));
      for (let i = 0; i < size; i++) {
        const proof = await inclusionProof(i, size, perfectOf(hs));
        expect(verifyInclusion(i, size, hs[i]!, proof, root)).toBe(true);
        expect(verifyInclusion(i, size, hs[(i + 1) % hs.length]!, proof, root)).toBe(false);
        if (size > 1) {
          expect(verifyInclusion((i + 1) % size, size, hs[i]!, proof, root)).toBe(i === (i + 1) % size);
          expect(verifyInclusion(i, size, hs[i]!, proof, mth(hs.slice(0, size - 1)))).toBe(false);
          expect(verifyInclusion(i, size, hs[i]!, proof.slice(1), root)).toBe(false);
        }
      }
    }
  });

  it('refuses an index outside the tree', async () => {
    await expect(inclusionProof(5, 5, perfectOf(leaves(5)))).rejects.toThrow(RangeError);
    expect(verifyInclusion(5, 5, leaves(1)[0]!, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(-1, 5, leaves(1)[0]!, [], EMPTY_ROOT)).toBe(false);
  });
});

describe('consistency proofs', () => {
  it('verify between every pair of sizes up to 40, and fail for a different history', async () => {
    const hs = leaves(40);
    const other = hs.slice();
    other[3] = leafHash(Buffer.from('rewritten'));
    for (let n = 1; n <= hs.length; n++) {
      const newRoot = mth(hs.slice(0, n));
      for (let m = 0; m <= n; m++) {
        const oldRoot = mth(hs.slice(0, m));
        const proof = await consistencyProof(m, n, perfectOf(hs));
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true);
        if (m > 3 && m < n) {
          // The old tree had a different leaf 3: this history is not an extension of it.
          expect(verifyConsistency(m, n, mth(other.slice(0, m)), newRoot, proof)).toBe(false);
        }
        if (m > 0 && m < n) {
          if (n > 3) expect(verifyConsistency(m, n, oldRoot, mth(other.slice(0, n)), proof)).toBe(false);
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1))).toBe(false);
        }
      }
    }
  });

  it('holds for random sizes (property)', async () => {
    const hs = leaves(300);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 300 }), async (n, mRaw) => {
        const m = mRaw % (n + 1);
        const proof = await consistencyProof(m, n, perfectOf(hs));
        return verifyConsistency(m, n, mth(hs.slice(0, m)), mth(hs.slice(0, n)), proof);
      }),
      { numRuns: 200 },
    );
  });

  it('is short: at most about 2·log2(n) hashes', async () => {
    const hs = leaves(1000);
    const proof = await consistencyProof(333, 1000, perfectOf(hs));
    expect(proof.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)));
    expect((await inclusionProof(777, 1000, perfectOf(hs))).length).toBe(Math.ceil(Math.log2(1000)));
  });
});
