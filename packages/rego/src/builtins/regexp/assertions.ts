/**
 * Zero-width assertions as Go defines them, evaluated on a JS string at a UTF-16 offset:
 * lines break only at `\n`, and `\b` looks at ASCII word characters only.
 */

export const Assert = { bol: 0, eol: 1, bot: 2, eot: 3, word: 4, nonword: 5 } as const;

function isWordAt(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const c = s.charCodeAt(i);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** Whether assertion `code` (a value of `Assert`) holds at offset `pos` of `s`. */
export function assertionHolds(code: number, s: string, pos: number): boolean {
  switch (code) {
    case Assert.bol:
      return pos === 0 || s.charCodeAt(pos - 1) === 10;
    case Assert.eol:
      return pos === s.length || s.charCodeAt(pos) === 10;
    case Assert.bot:
      return pos === 0;
    case Assert.eot:
      return pos === s.length;
    case Assert.word:
      return isWordAt(s, pos - 1) !== isWordAt(s, pos);
    default:
      return isWordAt(s, pos - 1) === isWordAt(s, pos);
  }
}
