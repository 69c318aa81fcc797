/**
 * A byte view of the scanned text for the engine's character-by-character passes (the keyword
 * automaton in keywords.ts, the digit and token profile in anchors.ts): one byte per UTF-16 code
 * unit, so offsets into it are offsets into the text. ASCII stays as it is; every other code unit
 * becomes one of a few marker bytes above 0x7f, which none of those passes treats as a digit or a
 * letter.
 *
 * Why bytes: reading a Uint8Array is as fast as `charCodeAt` on a flat string and much faster on
 * the sliced and concatenated strings callers often pass (a chunk cut from a larger text), and an
 * ASCII text is copied into one by the runtime's native encoder at memory speed. The buffer is
 * reused from scan to scan: a large typed array lives outside the JavaScript heap, and allocating
 * a fresh one per scan costs more than all the passes that read it.
 */

/** Any non-ASCII code unit without a marker of its own. */
export const OTHER_BYTE = 0x80;
/** KELVIN SIGN (U+212A), which JavaScript lower-cases to ASCII "k". */
export const KELVIN_BYTE = 0x81;
/** LATIN CAPITAL LETTER I WITH DOT ABOVE (U+0130), which lower-cases to "i" + a combining dot. */
export const DOTTED_I_BYTE = 0x82;

const encoder = new TextEncoder();
/** Texts up to this long reuse one buffer; a longer one gets its own, so an occasional huge
 *  text does not pin its size in memory. */
const MAX_SPARE = 8 * 1024 * 1024;
const MIN_SPARE = 64 * 1024;
/** The reusable buffer while no scan holds it (see `textBytes` / `releaseTextBytes`). */
let spare: ArrayBuffer | null = null;

/** The text as bytes, one per code unit (see the module comment). The caller hands the view back
 *  with `releaseTextBytes` when the scan is done; until then a nested scan gets its own buffer. */
export function textBytes(text: string): Uint8Array {
  let buffer: ArrayBuffer;
  if (spare !== null && spare.byteLength >= text.length) {
    buffer = spare;
    spare = null;
  } else {
    buffer = new ArrayBuffer(text.length <= MAX_SPARE ? Math.max(MIN_SPARE, text.length) : text.length);
  }
  const bytes = new Uint8Array(buffer, 0, text.length);
  const { read, written } = encoder.encodeInto(text, bytes);
  // UTF-8 spends one byte per ASCII character and more on anything else, so the copy is exact
  // only when every code unit was read and each took one byte
  if (read === text.length && written === text.length) return bytes;
  return foldNonAscii(text, bytes);
}

/** Hands a view from `textBytes` back for the next scan to reuse. */
export function releaseTextBytes(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer;
  if (buffer.byteLength <= MAX_SPARE && (spare === null || buffer.byteLength > spare.byteLength)) spare = buffer;
}

/** The general case: code units are copied one by one, non-ASCII ones replaced by markers. */
function foldNonAscii(text: string, bytes: Uint8Array): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes[i] = c < 0x80 ? c : c === 0x212a ? KELVIN_BYTE : c === 0x130 ? DOTTED_I_BYTE : OTHER_BYTE;
  }
  return bytes;
}
