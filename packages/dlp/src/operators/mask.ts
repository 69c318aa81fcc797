/** Masking: replace characters with a mask character, keeping the last N letters/digits so a
 *  person can still recognise "their" card (…1111). Separators stay by default so the shape of
 *  the value survives. */
export interface MaskOptions {
  keepLast?: number;
  char?: string;
  preserveSeparators?: boolean;
}

export function mask(value: string, options: MaskOptions = {}): string {
  const keepLast = options.keepLast ?? 4;
  const ch = options.char ?? '*';
  const preserve = options.preserveSeparators ?? true;
  const chars = [...value];
  const isSymbol = (c: string) => /[\p{L}\p{N}]/u.test(c);
  const maskable = chars.filter((c) => !preserve || isSymbol(c)).length;
  // never reveal the whole value, even when it is no longer than keepLast
  if (maskable <= keepLast) return chars.map((c) => (preserve && !isSymbol(c) ? c : ch)).join('');
  let kept = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i]!;
    if (preserve && !isSymbol(c)) continue;
    if (kept < keepLast) {
      kept++;
      continue;
    }
    chars[i] = ch;
  }
  return chars.join('');
}
