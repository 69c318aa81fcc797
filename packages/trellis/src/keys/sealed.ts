/**
 * Values sealed at rest under a purpose key: AES-256-GCM with a random 96-bit nonce per seal
 * and `trellis/<context>` as additional data, so a ciphertext copied into another row or
 * another purpose (a webhook secret onto another subscription, a signing key under another
 * kid) does not open. Stored as `v1:` + base64(nonce ‖ ciphertext ‖ tag).
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

const VERSION = 'v1:';

// Nonces are cut from a block of random bytes filled 4 KB at a time: the gateway seals a cursor
// per page, and a call into the random generator for each 12 bytes cost more than the seal.
// Every nonce is still fresh random bytes, used once (the block is refilled, never reread).
const NONCE_BYTES = 12;
const nonceBlock = Buffer.alloc(NONCE_BYTES * 341);
let nonceAt = nonceBlock.length;

function freshNonce(): Buffer {
  if (nonceAt + NONCE_BYTES > nonceBlock.length) {
    randomFillSync(nonceBlock);
    nonceAt = 0;
  }
  const nonce = Buffer.from(nonceBlock.subarray(nonceAt, nonceAt + NONCE_BYTES));
  nonceAt += NONCE_BYTES;
  return nonce;
}

function aad(context: string): Buffer {
  return Buffer.from(`trellis/${context}`, 'utf8');
}

export function seal(key: Buffer, context: string, plain: string): string {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad(context));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64');
}

/** Throws when the value was not sealed for this context under this key (`what` names it in the error). */
export function unseal(key: Buffer, context: string, sealed: string, what = 'sealed value'): string {
  if (!sealed.startsWith(VERSION)) throw new Error(`${what} is in an unknown format`);
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
  if (raw.length < 12 + 16 + 1) throw new Error(`${what} is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(aad(context));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}
