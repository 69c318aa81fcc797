/**
 * Which characters a match of a regular expression can contain, read off its source.
 *
 * The scan engine runs an anchored pattern in windows around candidates (scan.ts). A window must
 * not start inside a match the whole-text run would make, even one its validator then rejects:
 * that match consumes text, and a run started in its middle could pair up characters differently
 * and lose a real finding behind it. No match can span a character its pattern can never consume,
 * so the engine moves each window's edges outwards to just past such a character, where the
 * whole-text run is certain to be between matches.
 *
 * The answer is conservative, over the engine's byte view of the text (text-bytes.ts): a byte is
 * marked when some code unit it stands for might be consumed. Look-arounds consume nothing; a
 * back-reference repeats characters already counted; anything not understood marks every byte.
 */
import { DOTTED_I_BYTE, KELVIN_BYTE, OTHER_BYTE } from './text-bytes.ts';

/** Marks, per byte of the byte view, whether a match may contain it; null when every byte may. */
export function matchAlphabet(re: RegExp): Uint8Array | null {
  if (re.flags.includes('v')) return null; // class set syntax is not read here
  const marks = new Uint8Array(256);
  const p: Parser = { src: re.source, i: 0, marks };
  try {
    sequence(p);
    if (p.i !== p.src.length) return null;
  } catch {
    return null;
  }
  if (re.flags.includes('i')) foldCase(marks);
  for (let b = 0; b < 256; b++) if (marks[b] === 0) return marks;
  return null;
}

interface Parser {
  src: string;
  i: number;
  marks: Uint8Array;
}

/** Reads atoms until the end of the source or of the enclosing group. */
function sequence(p: Parser): void {
  while (p.i < p.src.length && p.src[p.i] !== ')') {
    const c = p.src[p.i]!;
    if (c === '(') group(p);
    else if (c === '[') charClass(p);
    else if (c === '\\') escape(p, p.marks, false);
    else if (c === '{') quantifierOrBrace(p);
    else if ('|^$*+?'.includes(c)) p.i++;
    else if (c === '.') {
      p.i++;
      p.marks.fill(1);
    } else {
      p.i++;
      markCode(p.marks, c.charCodeAt(0));
    }
  }
}

function group(p: Parser): void {
  p.i++; // (
  const rest = p.src.slice(p.i, p.i + 3);
  if (rest.startsWith('?=') || rest.startsWith('?!') || rest.startsWith('?<=') || rest.startsWith('?<!')) {
    // a look-around consumes nothing: read it into a scratch table and drop that
    const scratch: Parser = { src: p.src, i: p.i + (rest[1] === '<' ? 3 : 2), marks: new Uint8Array(256) };
    sequence(scratch);
    p.i = scratch.i;
  } else {
    if (rest.startsWith('?:')) p.i += 2;
    else if (rest.startsWith('?<')) p.i = p.src.indexOf('>', p.i) + 1;
    else if (rest.startsWith('?')) throw new Error('unsupported group');
    sequence(p);
  }
  if (p.src[p.i] !== ')') throw new Error('unbalanced');
  p.i++;
}

/** `{n}`, `{n,}`, `{n,m}` quantify; any other '{' is a literal (non-unicode patterns). */
function quantifierOrBrace(p: Parser): void {
  const m = /^\{\d+(?:,\d*)?\}/.exec(p.src.slice(p.i));
  if (m) {
    p.i += m[0].length;
    return;
  }
  p.i++;
  markCode(p.marks, 123);
}

function charClass(p: Parser): void {
  p.i++; // [
  const negated = p.src[p.i] === '^';
  if (negated) p.i++;
  const set = new Uint8Array(256);
  while (p.i < p.src.length && p.src[p.i] !== ']') {
    const lo = classAtom(p, set);
    if (lo >= 0 && p.src[p.i] === '-' && p.src[p.i + 1] !== ']' && p.i + 1 < p.src.length) {
      p.i++; // -
      const hi = classAtom(p, set);
      if (hi < 0) throw new Error('bad range');
      for (let c = lo; c <= Math.min(hi, 0xffff); c++) markCode(set, c);
    }
  }
  if (p.src[p.i] !== ']') throw new Error('unterminated class');
  p.i++;
  for (let b = 0; b < 256; b++) if ((set[b] === 1) !== negated) p.marks[b] = 1;
  // a negated class also matches code units beyond the byte view's markers
  if (negated) markNonAscii(p.marks);
}

/** One member of a class: marks it in `set`; returns its code for a range, or -1 (a class escape). */
function classAtom(p: Parser, set: Uint8Array): number {
  const c = p.src[p.i]!;
  if (c === '\\') return escape(p, set, true);
  p.i++;
  markCode(set, c.charCodeAt(0));
  return c.charCodeAt(0);
}

/** An escape at `p.i`: marks what it matches in `set`; returns the code of a single character, or
 *  -1 for a class (\d, \w, …), an assertion (\b) or a back-reference. */
function escape(p: Parser, set: Uint8Array, inClass: boolean): number {
  const c = p.src[p.i + 1];
  if (c === undefined) throw new Error('trailing backslash');
  p.i += 2;
  const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
  if (inClass && c === 'b') return mark(set, 8);
  if (!inClass && (c === 'b' || c === 'B')) return -1;
  if (c >= '0' && c <= '9') {
    // outside a class \1…\9 is a back-reference (its characters are counted where its group is);
    // \0 alone is NUL; octal escapes and digits escaped inside a class are not read here
    if (c === '0' && !/[0-9]/.test(p.src[p.i] ?? '')) return mark(set, 0);
    if (inClass || c === '0') throw new Error('octal escape');
    while (p.i < p.src.length && p.src[p.i]! >= '0' && p.src[p.i]! <= '9') p.i++;
    return -1;
  }
  if (c === 'k' && !inClass && p.src[p.i] === '<') {
    p.i = p.src.indexOf('>', p.i) + 1;
    return -1;
  }
  if (simple[c] !== undefined) return mark(set, simple[c]);
  if (c === 'x' || c === 'u') {
    const digits = c === 'x' ? 2 : 4;
    const hex = p.src.slice(p.i, p.i + digits);
    if (hex.length !== digits || !HEX.test(hex)) throw new Error('unusual escape');
    p.i += digits;
    return mark(set, parseInt(hex, 16));
  }
  if (c === 'c') {
    if (!/[A-Za-z]/.test(p.src[p.i] ?? '')) throw new Error('unusual escape');
    const code = p.src.charCodeAt(p.i) % 32;
    p.i++;
    return mark(set, code);
  }
  if (c === 'p' || c === 'P') throw new Error('property escape');
  const shorthand = SHORTHANDS[c];
  if (shorthand) {
    for (let b = 0; b < 256; b++) if (shorthand[b]) set[b] = 1;
    return -1;
  }
  return mark(set, c.charCodeAt(0)); // an escaped literal: \. \- \/ …
}

const HEX = /^[0-9A-Fa-f]+$/;

function mark(set: Uint8Array, code: number): number {
  markCode(set, code);
  return code;
}

/** Marks the byte a UTF-16 code unit becomes in the byte view. */
function markCode(set: Uint8Array, code: number): void {
  if (code < 128) set[code] = 1;
  else markNonAscii(set);
}

function markNonAscii(set: Uint8Array): void {
  set[OTHER_BYTE] = 1;
  set[KELVIN_BYTE] = 1;
  set[DOTTED_I_BYTE] = 1;
}

/** Case-insensitive patterns also match the other case of each letter, and (with `u`) a few
 *  non-ASCII letters that fold to ASCII ones. */
function foldCase(marks: Uint8Array): void {
  let letters = false;
  for (let c = 65; c <= 90; c++) {
    if (marks[c] || marks[c + 32]) {
      marks[c] = 1;
      marks[c + 32] = 1;
      letters = true;
    }
  }
  if (letters) markNonAscii(marks);
}

/** Bytes matched by \d \D \w \W \s \S (the negated ones include every non-ASCII marker; \s
 *  includes them too, for the Unicode spaces). */
const SHORTHANDS: Record<string, Uint8Array> = (() => {
  const table = (test: (c: number) => boolean, nonAscii: boolean): Uint8Array => {
    const t = new Uint8Array(256);
    for (let c = 0; c < 128; c++) if (test(c)) t[c] = 1;
    if (nonAscii) markNonAscii(t);
    return t;
  };
  const digit = (c: number) => c >= 48 && c <= 57;
  const word = (c: number) => digit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const space = (c: number) => (c >= 9 && c <= 13) || c === 32;
  return {
    d: table(digit, false),
    D: table((c) => !digit(c), true),
    w: table(word, false),
    W: table((c) => !word(c), true),
    s: table(space, true),
    S: table((c) => !space(c), true),
  };
})();
