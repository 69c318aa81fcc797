/**
 * Base64 decoding that behaves like Go's `encoding/base64` (which OPA uses): the same accepted
 * inputs (CR and LF are skipped, padding rules per encoding) and the same error text,
 * `illegal base64 data at input byte N`, so error messages match OPA's byte for byte.
 */

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}

const stdMap = decodeMap(STD);
const urlMap = decodeMap(URL);

export class Base64Error extends Error {
  readonly offset: number;
  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.offset = offset;
  }
}

export interface Base64Options {
  /** URL-safe alphabet (`-_`) instead of the standard one (`+/`). */
  url?: boolean;
  /** Whether `=` padding is required (Go's StdEncoding/URLEncoding) or absent (Raw*). */
  padded?: boolean;
}

const isNL = (c: number): boolean => c === 10 || c === 13;

/** Decode `src` (bytes) as Go does; throws Base64Error with Go's offset on bad input. */
export function decodeBase64Bytes(src: Uint8Array, opts: Base64Options = {}): Buffer {
  const map = opts.url ? urlMap : stdMap;
  const padded = opts.padded ?? true;
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let done = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        if (j === 1 || padded) throw new Base64Error(si - j);
        dlen = j;
        done = true;
        break;
      }
      const c = src[si]!;
      si++;
      const v = map[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNL(c)) {
        j--;
        continue;
      }
      if (!padded || c !== 61 /* = */) throw new Base64Error(si - 1);
      // Padding reached: only valid after two or three data characters.
      if (j === 0 || j === 1) throw new Base64Error(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si]!)) si++;
        if (si === src.length) throw new Base64Error(src.length);
        if (src[si] !== 61) throw new Base64Error(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si]!)) si++;
      if (si < src.length) throw new Base64Error(si);
      dlen = j;
      done = true;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k]!);
    if (done) break;
  }
  return Buffer.from(out);
}

/** Decode a JS string (taken as UTF-8 bytes) as base64. */
export function decodeBase64(s: string, opts: Base64Options = {}): Buffer {
  return decodeBase64Bytes(Buffer.from(s, 'utf8'), opts);
}

export function encodeBase64(b: Uint8Array, opts: Base64Options = {}): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let s = buf.toString(opts.url ? 'base64url' : 'base64');
  if (opts.url && (opts.padded ?? true)) while (s.length % 4 !== 0) s += '=';
  if (!opts.url && opts.padded === false) s = s.replace(/=+$/, '');
  return s;
}

/** Go's `string(bytes)` for arbitrary bytes: invalid UTF-8 becomes U+FFFD. */
export function bytesToString(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

/**
 * Restore the `=` padding that base64url encoders may omit (RFC 7515 Appendix C), as OPA's
 * base64url.decode and JWT decoding do. Undefined when the length cannot be valid base64url.
 */
export function restoreBase64urlPadding(s: string): string | undefined {
  if (s.endsWith('=')) return s;
  switch (Buffer.byteLength(s) % 4) {
    case 0:
      return s;
    case 2:
      return s + '==';
    case 3:
      return s + '=';
    default:
      return undefined;
  }
}
