/**
 * HMAC-SHA-256 of text under one fixed key, for checking many rows in a row: RFC 2104's
 * construction, H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), computed with two one-shot `crypto.hash`
 * calls over buffers kept from one message to the next. `createHmac` builds an object and
 * keys it for every message, which was most of what checking a row's MAC cost; the digest is
 * the same (tests hold it to `createHmac` and to RFC 4231's vectors).
 */
import { createHmac, hash } from 'node:crypto';

const BLOCK = 64;
/** Messages longer than this (UTF-16 units) go through `createHmac` rather than the buffer. */
const BUFFERED_MAX = 256 * 1024;

export class HmacSha256 {
  private readonly key: Buffer;
  /** K ⊕ ipad, then the message's UTF-8. */
  private inner = Buffer.allocUnsafe(16 * 1024);
  /** K ⊕ opad, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + 32);

  constructor(key: Buffer) {
    this.key = Buffer.from(key);
    const k = key.length > BLOCK ? hash('sha256', key, 'buffer') : key;
    for (let i = 0; i < BLOCK; i++) {
      const b = i < k.length ? k[i]! : 0;
      this.inner[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
  }

  /**
   * The MAC of `message`'s UTF-8, as lower-case hex; with `body`, of message ‖ LF ‖ body (the
   * audit row MAC's v3 input), written straight after it rather than joined into a new string.
   */
  hex(message: string, body?: string): string {
    const length = message.length + (body === undefined ? 0 : 1 + body.length);
    if (length > BUFFERED_MAX) {
      const h = createHmac('sha256', this.key).update(message, 'utf8');
      if (body !== undefined) h.update('\n', 'utf8').update(body, 'utf8');
      return h.digest('hex');
    }
    const need = BLOCK + length * 3; // a UTF-16 unit is at most 3 UTF-8 bytes
    if (need > this.inner.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.inner.length * 2));
      this.inner.copy(grown, 0, 0, BLOCK);
      this.inner = grown;
    }
    let n = BLOCK + this.inner.write(message, BLOCK, 'utf8');
    if (body !== undefined) {
      this.inner[n++] = 0x0a;
      n += this.inner.write(body, n, 'utf8');
    }
    // The inner digest as a latin1 ('binary') string, not a Buffer: a Buffer per digest cost more than the hash.
    this.outer.write(hash('sha256', this.inner.subarray(0, n), 'binary'), BLOCK, 'latin1');
    return hash('sha256', this.outer, 'hex');
  }
}

/**
 * HmacSha256 as plain JavaScript, for worker threads that run without a TypeScript loader
 * (verify-ranges.ts, sqlite-writer.ts): defines `makeMacHex(key)`, returning a function from a
 * message to its MAC as lower-case hex (of message ‖ LF ‖ body when given a body), computed the
 * same way and with the same fallback for long messages; and `makeMacRaw(key)`, for a caller
 * that already holds the message as bytes: `room(n)` returns the buffer to write n message bytes
 * into from offset 64, and `digest(n)` the MAC of those n bytes as lower-case hex.
 */
export const hmacSource = `
const makeMacRaw = (key) => {
  const crypto = require('node:crypto');
  const k = key.length > ${BLOCK} ? crypto.hash('sha256', key, 'buffer') : key;
  const outer = Buffer.alloc(${BLOCK} + 32);
  let inner = Buffer.allocUnsafe(16 * 1024);
  for (let i = 0; i < ${BLOCK}; i++) {
    const b = i < k.length ? k[i] : 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  return {
    room(n) {
      if (${BLOCK} + n > inner.length) {
        const grown = Buffer.allocUnsafe(Math.max(${BLOCK} + n, inner.length * 2));
        inner.copy(grown, 0, 0, ${BLOCK});
        inner = grown;
      }
      return inner;
    },
    digest(n) {
      outer.write(crypto.hash('sha256', inner.subarray(0, ${BLOCK} + n), 'latin1'), ${BLOCK}, 'latin1');
      return crypto.hash('sha256', outer, 'hex');
    },
  };
};
const makeMacHex = (key) => {
  const raw = makeMacRaw(key);
  return (message, body) => {
    const length = message.length + (body === undefined ? 0 : 1 + body.length);
    if (length > ${BUFFERED_MAX}) {
      const h = require('node:crypto').createHmac('sha256', key).update(message, 'utf8');
      if (body !== undefined) h.update('\\n', 'utf8').update(body, 'utf8');
      return h.digest('hex');
    }
    const inner = raw.room(length * 3); // a UTF-16 unit is at most 3 UTF-8 bytes
    let n = inner.write(message, ${BLOCK}, 'utf8');
    if (body !== undefined) {
      inner[${BLOCK} + n++] = 0x0a;
      n += inner.write(body, ${BLOCK} + n, 'utf8');
    }
    return raw.digest(n);
  };
};
`;
