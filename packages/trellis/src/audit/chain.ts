/**
 * The hash chain over audit events, as pure functions so the server, the CLI and an auditor's
 * offline check share one definition:
 *
 *   hash(n) = SHA-256( bytes(hash(n-1)) ‖ UTF-8(canonical JSON of event n) )
 *   hash(0) = 32 zero bytes (the genesis value, never stored)
 *
 * Hashes are written as lower-case hex. Each hash covers the one before it, so changing,
 * deleting, inserting or reordering any row breaks the chain at that row. (Someone able to
 * rewrite the whole table could recompute every hash: signed checkpoints close that gap.)
 */
import { createHash, hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** Events longer than this (UTF-16 units) are hashed in a stream rather than copied into the scratch buffer. */
const SCRATCH_EVENT_MAX = 256 * 1024;

/**
 * Computes links as the formula above says, fast: the previous hash's bytes and the event's
 * UTF-8 are written into one reused buffer and hashed with one call (`crypto.hash`), instead of
 * a Hash object, two updates, a digest and a hex string per link — most of what verifying a
 * link cost. (Decoding the previous hash's 64 hex digits is cheap beside the hash; it is kept
 * when the same one comes again.) Anything unusual — a previous hash that is not 64 hex
 * digits, a huge event — takes the plain streaming path, which gives the same bytes.
 */
export class LinkHasher {
  private buf = Buffer.allocUnsafe(64 * 1024);
  /** The hex whose 32 bytes sit at the buffer's start, or undefined. */
  private prefix: string | undefined;

  hash(prevHash: string, canonicalEvent: string): string {
    const need = 32 + canonicalEvent.length * 3; // a UTF-16 unit is at most 3 UTF-8 bytes
    if (canonicalEvent.length > SCRATCH_EVENT_MAX || prevHash.length !== 64) return streamedHash(prevHash, canonicalEvent);
    if (need > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.prefix = undefined;
    }
    if (prevHash !== this.prefix) {
      // Decoding stops at the first pair that is not hex: such a value takes the streaming path.
      if (this.buf.write(prevHash, 0, 32, 'hex') !== 32) {
        this.prefix = undefined;
        return streamedHash(prevHash, canonicalEvent);
      }
      this.prefix = prevHash;
    }
    const n = this.buf.write(canonicalEvent, 32, 'utf8');
    return hash('sha256', this.buf.subarray(0, 32 + n), 'hex');
  }
}

function streamedHash(prevHash: string, canonicalEvent: string): string {
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalEvent, 'utf8').digest('hex');
}

/**
 * LinkHasher as plain JavaScript, for worker threads that run without a TypeScript loader
 * (verify-parallel.ts, sqlite-writer.ts): defines `linkHash(prevHex, event)`, returning the
 * link's hash as hex, the same way and with the same fallbacks; and `linkHashAt(prevHex, event)`
 * for a caller holding the event as bytes (its UTF-8, a Uint8Array): the same hash, or null
 * where linkHash would take its streaming path.
 */
export const linkHashSource = `
const linkCrypto = require('node:crypto');
const linkHashStreamed = (prevHex, event) => linkCrypto.createHash('sha256').update(Buffer.from(prevHex, 'hex')).update(event, 'utf8').digest('hex');
let linkBuf = Buffer.allocUnsafe(1 << 16);
let linkPrefix;
// linkBuf holds prevHex's 32 bytes with room for n more after them; false where prevHex is
// not 64 hex digits (the caller's other path).
const linkReady = (prevHex, n) => {
  if (prevHex.length !== 64) return false;
  if (32 + n > linkBuf.length) {
    linkBuf = Buffer.allocUnsafe(Math.max(32 + n, linkBuf.length * 2));
    linkPrefix = undefined;
  }
  if (prevHex !== linkPrefix) {
    linkPrefix = undefined;
    if (linkBuf.write(prevHex, 0, 32, 'hex') !== 32) return false;
    linkPrefix = prevHex;
  }
  return true;
};
const linkHash = (prevHex, event) => {
  if (event.length > ${SCRATCH_EVENT_MAX} || !linkReady(prevHex, event.length * 3)) return linkHashStreamed(prevHex, event);
  const n = linkBuf.write(event, 32, 'utf8');
  return linkCrypto.hash('sha256', linkBuf.subarray(0, 32 + n), 'hex');
};
const linkHashAt = (prevHex, event) => {
  if (!linkReady(prevHex, event.length)) return null;
  linkBuf.set(event, 32);
  return linkCrypto.hash('sha256', linkBuf.subarray(0, 32 + event.length), 'hex');
};
`;

// One per thread: hashing is synchronous, so callers never interleave inside it.
const shared = new LinkHasher();

export function chainHash(prevHash: string, canonicalEvent: string): string {
  return shared.hash(prevHash, canonicalEvent);
}

/** One stored link of the chain: what verification needs, nothing more. */
export interface ChainLink {
  seq: number;
  event: string;
  prevHash: string;
  hash: string;
}

export type BreakReason = 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

export interface ChainBreak {
  seq: number;
  reason: BreakReason;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
  head: string;
  broken?: ChainBreak;
}

/**
 * Incremental verifier: feed links in sequence order (from a database cursor, a file stream
 * or an array); it stops at the first break. Starting mid-chain is allowed when the caller
 * passes the hash that precedes the first link.
 */
export class ChainVerifier {
  private head: string;
  private expectedSeq: number | null;
  private count = 0;
  private firstSeq: number | null = null;
  private broken: ChainBreak | undefined;

  constructor(start: { prevHash?: string; seq?: number } = {}) {
    this.head = start.prevHash ?? GENESIS_HASH;
    this.expectedSeq = start.seq ?? null;
  }

  /** Returns false once the chain is broken (further links are ignored). */
  push(link: ChainLink): boolean {
    // No closure here: this runs once per link, and a function made per call costs as much as
    // the checks around the hash.
    if (this.broken) return false;
    if (this.expectedSeq !== null && link.seq !== this.expectedSeq) return this.fail(link.seq, 'sequence_gap');
    if (link.prevHash !== this.head) return this.fail(link.seq, 'prev_hash_mismatch');
    const h = shared.hash(this.head, link.event);
    if (h !== link.hash) return this.fail(link.seq, 'hash_mismatch');
    this.accept(link.seq, h);
    return true;
  }

  private fail(seq: number, reason: BreakReason, expectedSeq = this.expectedSeq): false {
    this.broken = { seq, reason, message: breakMessage(seq, reason, expectedSeq) };
    return false;
  }

  /**
   * Accept a link whose hash was already checked elsewhere (a worker thread): only the
   * cheap order and linkage checks run here.
   */
  pushVerified(link: { seq: number; prevHash: string; hash: string }, hashOk = true): boolean {
    if (this.broken) return false;
    if (this.expectedSeq !== null && link.seq !== this.expectedSeq) return this.fail(link.seq, 'sequence_gap');
    if (link.prevHash !== this.head) return this.fail(link.seq, 'prev_hash_mismatch');
    if (!hashOk) return this.fail(link.seq, 'hash_mismatch');
    this.accept(link.seq, link.hash);
    return true;
  }

  /**
   * Accept `count` links that follow the last one accepted, checked elsewhere (order, linkage
   * and hashes: a worker thread that read them), ending at `lastSeq` with hash `lastHash`.
   */
  pushRun(count: number, lastSeq: number, lastHash: string): void {
    if (this.broken || count <= 0) return;
    this.head = lastHash;
    this.expectedSeq = lastSeq + 1;
    this.count += count;
  }

  /** Record a break found elsewhere at the link after the last one accepted (see `pushRun`). */
  breakAt(seq: number, reason: BreakReason): false {
    if (this.broken) return false;
    return this.fail(seq, reason);
  }

  private accept(seq: number, hash: string): void {
    if (this.firstSeq === null) this.firstSeq = seq;
    this.head = hash;
    this.expectedSeq = seq + 1;
    this.count++;
  }

  result(): VerifyResult {
    const r: VerifyResult = {
      ok: this.broken === undefined,
      count: this.count,
      firstSeq: this.firstSeq,
      lastSeq: this.expectedSeq === null || this.count === 0 ? null : this.expectedSeq - 1,
      head: this.head,
    };
    if (this.broken) r.broken = this.broken;
    return r;
  }
}

/** What a break says: the same words wherever the break was found (here, or in a worker thread). */
function breakMessage(seq: number, reason: BreakReason, expectedSeq: number | null): string {
  if (reason === 'sequence_gap') return `expected event ${expectedSeq} but found ${seq}: an event was removed or reordered`;
  if (reason === 'prev_hash_mismatch') return `event ${seq} does not link to the event before it`;
  return `event ${seq} was changed after it was written (hash mismatch)`;
}

export function verifyLinks(links: Iterable<ChainLink>, start?: { prevHash?: string; seq?: number }): VerifyResult {
  const v = new ChainVerifier(start);
  for (const l of links) if (!v.push(l)) break;
  return v.result();
}
