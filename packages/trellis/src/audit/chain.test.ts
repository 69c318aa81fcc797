import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../canonical-json.ts';
import { createHash } from 'node:crypto';
import { ChainVerifier, GENESIS_HASH, LinkHasher, chainHash, verifyLinks, type ChainLink } from './chain.ts';

function buildChain(n: number): ChainLink[] {
  const links: ChainLink[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const event = canonicalJson({ action: `a${seq}`, metadata: { sequence: seq } });
    const hash = chainHash(prev, event);
    links.push({ seq, event, prevHash: prev, hash });
    prev = hash;
  }
  return links;
}

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and drops white space', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], '\u20ac': 1, '\r': 2, '1': 3 })).toBe('{"\\r":2,"1":3,"a":[true,null,"x"],"b":1,"€":1}');
  });
  it('writes numbers in shortest round-trip form', () => {
    expect(canonicalJson([1.0, 1e21, 0.1, -0, 1e-7, Number('333333333.33333329')])).toBe('[1,1e+21,0.1,0,1e-7,333333333.3333333]');
  });
  it('rejects values JSON cannot hold', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ x: () => 1 })).toThrow(/function/);
  });
  it('omits undefined members like JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });
});

describe('hash chain', () => {
  it('hashes the previous hash bytes followed by the event text', () => {
    // SHA-256 of 32 zero bytes followed by "{}" — computed independently with openssl.
    // Computed independently: python3 -c "import hashlib; print(hashlib.sha256(bytes(32)+b'{}').hexdigest())"
    expect(chainHash(GENESIS_HASH, '{}')).toBe('fb1634c4e6cd4b1f1afe3ce2d6ef080f7ac5d1f357d723ad4dfca782733b62db');
    expect(chainHash(GENESIS_HASH, '{}')).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, '{}')).not.toBe(chainHash(GENESIS_HASH, '{ }'));
  });

  it('accepts an intact chain and reports its head', () => {
    const links = buildChain(50);
    const r = verifyLinks(links);
    expect(r).toMatchObject({ ok: true, count: 50, firstSeq: 1, lastSeq: 50, head: links[49]!.hash });
  });

  it('names the first changed event', () => {
    const links = buildChain(10);
    links[4] = { ...links[4]!, event: links[4]!.event.replace('a5', 'a6') };
    const r = verifyLinks(links);
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ seq: 5, reason: 'hash_mismatch' });
    expect(r.count).toBe(4);
  });

  it('detects a deleted event', () => {
    const links = buildChain(10);
    links.splice(6, 1);
    expect(verifyLinks(links).broken).toMatchObject({ seq: 8, reason: 'sequence_gap' });
  });

  it('detects a deleted event even when later sequence numbers are rewritten to hide the gap', () => {
    const links = buildChain(10);
    links.splice(6, 1);
    for (let i = 6; i < links.length; i++) links[i] = { ...links[i]!, seq: i + 1 };
    expect(verifyLinks(links).broken).toMatchObject({ seq: 7, reason: 'prev_hash_mismatch' });
  });

  it('detects reordered events', () => {
    const links = buildChain(10);
    const a = links[2]!;
    const b = links[3]!;
    links[2] = { ...b, seq: 3 };
    links[3] = { ...a, seq: 4 };
    expect(verifyLinks(links).broken?.seq).toBe(3);
  });

  it('verifies a slice when given the hash before it', () => {
    const links = buildChain(20);
    const v = new ChainVerifier({ prevHash: links[9]!.hash, seq: 11 });
    for (const l of links.slice(10)) v.push(l);
    expect(v.result()).toMatchObject({ ok: true, count: 10, firstSeq: 11, lastSeq: 20 });
  });
});

describe('link hashing', () => {
  // The formula in chain.ts's header, written the plain way.
  const reference = (prev: string, event: string) => createHash('sha256').update(Buffer.from(prev, 'hex')).update(event, 'utf8').digest('hex');
  const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

  it('gives the bytes of the formula for any text and any previous hash', () => {
    const hasher = new LinkHasher();
    // Any UTF-16 (lone surrogates included), previous hashes repeated, upper-case or not hex at all.
    const prev = fc.oneof(hex64, hex64.map((h) => h.toUpperCase()), fc.constant(GENESIS_HASH), fc.string(), fc.constant('zz'.repeat(32)));
    fc.assert(
      fc.property(fc.array(fc.tuple(prev, fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)) }))), { minLength: 1, maxLength: 20 }), (links) => {
        for (const [p, e] of links) expect(hasher.hash(p, e)).toBe(reference(p, e));
      }),
      { numRuns: 300 },
    );
  });

  it('grows its buffer for long events and streams very long ones', () => {
    const hasher = new LinkHasher();
    for (const n of [10, 30_000, 100_000, 300_000, 20]) {
      const event = 'é€'.repeat(n);
      expect(hasher.hash(GENESIS_HASH, event)).toBe(reference(GENESIS_HASH, event));
    }
  });
});

describe('parallel verification', () => {
  it('agrees with the sequential verifier on intact and broken chains', async () => {
    const { verifyChainParallel } = await import('./verify-parallel.ts');
    const links = buildChain(3000);
    const opts = { threads: 2, batchSize: 200, parallelFrom: 100 };
    expect(await verifyChainParallel(links, opts)).toEqual(verifyLinks(links));
    const changed = [...links];
    changed[2500] = { ...changed[2500]!, event: changed[2500]!.event.replace('a2501', 'b2501') };
    const p = await verifyChainParallel(changed, opts);
    expect(p).toEqual(verifyLinks(changed));
    expect(p.broken).toMatchObject({ seq: 2501, reason: 'hash_mismatch' });
    const gap = links.filter((l) => l.seq !== 1700);
    expect(await verifyChainParallel(gap, opts)).toEqual(verifyLinks(gap));
    const relinked = [...links];
    relinked[900] = { ...relinked[900]!, prevHash: relinked[898]!.hash };
    expect((await verifyChainParallel(relinked, opts)).broken).toMatchObject({ seq: 901, reason: 'prev_hash_mismatch' });
  });

  it('hashes text beyond ASCII in its workers as the formula does', async () => {
    const { verifyChainParallel } = await import('./verify-parallel.ts');
    const links: ChainLink[] = [];
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 600; seq++) {
      // Accents, astral characters, a lone surrogate, and now and then an event longer than the workers' first buffer.
      const event = canonicalJson({ seq, note: `é😀\ud800 ${seq % 100 === 0 ? 'x'.repeat(70_000) : ''}` });
      const hash = createHash('sha256').update(Buffer.from(prev, 'hex')).update(event, 'utf8').digest('hex');
      links.push({ seq, event, prevHash: prev, hash });
      prev = hash;
    }
    const opts = { threads: 2, batchSize: 50, parallelFrom: 0 };
    expect(await verifyChainParallel(links, opts)).toMatchObject({ ok: true, count: 600, head: prev });
    const changed = [...links];
    changed[450] = { ...changed[450]!, event: changed[450]!.event.replace('é', 'e') };
    expect((await verifyChainParallel(changed, opts)).broken).toMatchObject({ seq: 451, reason: 'hash_mismatch' });
  });
});

describe('canonical JSON against its definition', () => {
  // RFC 8785 stated directly: sorted members, no white space, JSON.stringify for leaves.
  const reference = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map((x) => reference(x === undefined ? null : x)).join(',')}]`;
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${reference(o[k])}`)
      .join(',')}}`;
  };
  it('writes what the definition writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 500 },
    );
  });
});
