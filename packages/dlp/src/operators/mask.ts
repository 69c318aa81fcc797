/** Masking: replace characters with a mask character, keeping the last N letters/digits so a
 *  person can still recognise "their" card (…1111). Separators stay by default so the shape of
 *  the value survives. */
export interface MaskOptions {
  keepLast?: number;
  char?: string;
  preserveSeparators?: boolean;
}

const letterOrDigit = /[\p{L}\p{N}]/u;

/** A letter or digit in any script; ASCII is decided by its code, which the gateway meets most. */
function isSymbol(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  return letterOrDigit.test(c);
}

export function mask(value: string, options: MaskOptions = {}): string {
  const keepLast = options.keepLast ?? 4;
  const ch = options.char ?? '*';
  const preserve = options.preserveSeparators ?? true;
  // By code point, so a character outside the BMP is one character, masked or kept whole.
  const chars = Array.from(value);
  const maskable = new Uint8Array(chars.length);
  let count = 0;
  for (let i = 0; i < chars.length; i++) {
    if (!preserve || isSymbol(chars[i]!)) {
      maskable[i] = 1;
      count++;
    }
  }
  // Never reveal the whole value, even when it is no longer than keepLast.
  let keep = count <= keepLast ? 0 : keepLast;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (maskable[i] === 0) continue;
    if (keep > 0) {
      keep--;
      continue;
    }
    chars[i] = ch;
  }
  return chars.join('');
}
