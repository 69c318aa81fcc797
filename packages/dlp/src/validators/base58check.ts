/** Base58Check as used by Bitcoin legacy (P2PKH "1…") and script (P2SH "3…") addresses: the last
 *  four bytes are the first four bytes of SHA-256(SHA-256(payload)). */
import { createHash } from 'node:crypto';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58Decode(s: string): Uint8Array | null {
  const bytes: number[] = [0];
  for (const ch of s) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    let carry = v;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < s.length && s[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

export function base58CheckValid(s: string): boolean {
  const raw = base58Decode(s);
  if (!raw || raw.length < 5) return false;
  const payload = raw.subarray(0, raw.length - 4);
  const check = raw.subarray(raw.length - 4);
  const h = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  return h[0] === check[0] && h[1] === check[1] && h[2] === check[2] && h[3] === check[3];
}

/** A Bitcoin mainnet address: version byte 0x00 (P2PKH) or 0x05 (P2SH), 21-byte payload. */
export function bitcoinBase58Valid(s: string): boolean {
  const raw = base58Decode(s);
  if (!raw || raw.length !== 25) return false;
  if (raw[0] !== 0x00 && raw[0] !== 0x05) return false;
  return base58CheckValid(s);
}
