/**
 * Reversible, deterministic, format-preserving tokenization. Digits are enciphered as one
 * radix-10 string and ASCII letters as one radix-26 string (case pattern kept), each with a
 * 10-round Feistel network in the style of NIST FF1 whose round function is HMAC-SHA-256 under
 * the key; every other character (separators, '@', '.') stays where it was. So a card keeps its
 * length, digit positions and dashes, a phone number its shape, and only the key holder can
 * turn a token back into the value. A one-symbol class falls back to a keyed shift.
 */
import { createHmac } from 'node:crypto';
import { keyBytes, type KeyInput } from './keys.ts';
import { DlpUnsupportedInputError } from '../errors.ts';

const ROUNDS = 10;

function prf(key: Buffer, radix: number, n: number, tweak: string, round: number, b: string, modulus: bigint): bigint {
  // enough HMAC output to make the reduction mod radix^m close to uniform
  const need = Math.ceil(modulus.toString(16).length / 2) + 16;
  let bytes = Buffer.alloc(0);
  for (let counter = 0; bytes.length < need; counter++) {
    const h = createHmac('sha256', key).update(`trellis-fpe|${radix}|${n}|${tweak}|${round}|${counter}|${b}`).digest();
    bytes = Buffer.concat([bytes, h]);
  }
  return BigInt('0x' + bytes.toString('hex')) % modulus;
}

function num(symbols: number[], radix: number): bigint {
  let x = 0n;
  const r = BigInt(radix);
  for (const s of symbols) x = x * r + BigInt(s);
  return x;
}

function str(x: bigint, m: number, radix: number): number[] {
  const out = new Array<number>(m).fill(0);
  const r = BigInt(radix);
  for (let i = m - 1; i >= 0; i--) {
    out[i] = Number(x % r);
    x /= r;
  }
  return out;
}

function feistel(key: Buffer, symbols: number[], radix: number, tweak: string, decrypt: boolean): number[] {
  const n = symbols.length;
  if (n === 0) return symbols;
  if (n === 1) {
    const shift = Number(prf(key, radix, 1, tweak, 0, '', BigInt(radix)));
    return [(symbols[0]! + (decrypt ? radix - shift : shift)) % radix];
  }
  const u = Math.floor(n / 2);
  const v = n - u;
  let a = symbols.slice(0, u);
  let b = symbols.slice(u);
  const pow = (m: number) => BigInt(radix) ** BigInt(m);
  if (!decrypt) {
    for (let i = 0; i < ROUNDS; i++) {
      const m = i % 2 === 0 ? u : v;
      const y = prf(key, radix, n, tweak, i, b.join(','), pow(m));
      const c = str((num(a, radix) + y) % pow(m), m, radix);
      a = b;
      b = c;
    }
  } else {
    for (let i = ROUNDS - 1; i >= 0; i--) {
      const m = i % 2 === 0 ? u : v;
      const c = b;
      b = a;
      const y = prf(key, radix, n, tweak, i, b.join(','), pow(m));
      a = str((((num(c, radix) - y) % pow(m)) + pow(m)) % pow(m), m, radix);
    }
  }
  return [...a, ...b];
}

function transformClasses(value: string, key: Buffer, tweak: string, decrypt: boolean): string {
  const chars = [...value];
  const digitPos: number[] = [];
  const letterPos: number[] = [];
  chars.forEach((c, i) => {
    if (c >= '0' && c <= '9') digitPos.push(i);
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letterPos.push(i);
  });
  const digits = feistel(key, digitPos.map((i) => chars[i]!.charCodeAt(0) - 48), 10, tweak, decrypt);
  digitPos.forEach((p, j) => (chars[p] = String.fromCharCode(48 + digits[j]!)));
  const letters = feistel(key, letterPos.map((i) => chars[i]!.toLowerCase().charCodeAt(0) - 97), 26, tweak, decrypt);
  letterPos.forEach((p, j) => {
    const lower = String.fromCharCode(97 + letters[j]!);
    chars[p] = chars[p]! >= 'a' ? lower : lower.toUpperCase();
  });
  return chars.join('');
}

/** Most digits or letters one value may have to be tokenized. The Feistel rounds work on numbers
 *  as long as the value, at a cost that grows with the square of its length: a whole tagged field
 *  of a megabyte would hold the server for minutes. Entities (cards, accounts, names, addresses)
 *  are far shorter; longer values are for `hash` or `encrypt`. */
export const MAX_TOKENIZE_SYMBOLS = 1024;

/** `tweak` separates domains (e.g. the entity type) so equal digits in two fields differ. */
export function tokenize(value: string, key: KeyInput | undefined, tweak = ''): string {
  if (symbolCount(value) > MAX_TOKENIZE_SYMBOLS) {
    throw new DlpUnsupportedInputError(`tokenize takes values of at most ${MAX_TOKENIZE_SYMBOLS} letters and digits; use hash or encrypt for longer ones`);
  }
  return transformClasses(value, keyBytes(key, 'tokenize'), tweak, false);
}

/** The larger of a value's ASCII digit and letter counts (each class is one Feistel input). */
function symbolCount(value: string): number {
  let digits = 0;
  let letters = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) letters++;
  }
  return Math.max(digits, letters);
}

export function detokenize(token: string, key: KeyInput | undefined, tweak = ''): string {
  // A token is as long as its value, so a longer one never came from tokenize; refusing it
  // also keeps reveal requests from buying quadratic Feistel work.
  if (symbolCount(token) > MAX_TOKENIZE_SYMBOLS) {
    throw new DlpUnsupportedInputError(`a token has at most ${MAX_TOKENIZE_SYMBOLS} letters and digits; this value is not one`);
  }
  return transformClasses(token, keyBytes(key, 'detokenize'), tweak, true);
}
