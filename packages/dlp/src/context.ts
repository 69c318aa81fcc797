/**
 * Context words: a weak pattern (nine digits) becomes a strong finding when "ssn" or "passport"
 * sits next to it. Only a small window around each match is looked at, never the whole text, so
 * the cost grows with the number of matches, not the input size; ASCII windows are searched in
 * place with case folded on the fly (no slice or lower-cased copy per match).
 */

/** Characters looked at before a match (Presidio uses a few words; 40 chars is about five). */
export const CONTEXT_BEFORE = 40;
/** Characters looked at after a match ("4111… is my card"). */
export const CONTEXT_AFTER = 24;
/** Added to a detector's confidence when a context word is near (Presidio's factor). */
export const CONTEXT_BOOST = 0.35;
/** A boosted finding reaches at least this, so it passes the default 0.5 threshold. */
export const CONTEXT_FLOOR = 0.5;

export function hasContext(text: string, start: number, end: number, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const a0 = Math.max(0, start - CONTEXT_BEFORE);
  const b1 = Math.min(text.length, end + CONTEXT_AFTER);
  for (let i = a0; i < b1; i++) {
    if (i === start) i = end;
    if (i < b1 && text.charCodeAt(i) >= 128) return hasContextSlow(text, start, end, words);
  }
  // ASCII: search the window "before + ' ' + after" in place, folding case as we read
  const lenBefore = start - a0;
  const length = lenBefore + 1 + (b1 - end);
  for (const w of words) {
    const first = w.charCodeAt(0);
    for (let i = 0; i + w.length <= length; i++) {
      if (windowChar(text, i, a0, lenBefore, end) !== first) continue;
      let k = 1;
      while (k < w.length && windowChar(text, i + k, a0, lenBefore, end) === w.charCodeAt(k)) k++;
      if (k < w.length) continue;
      // a context word must start a word ("passportnumber" counts, "ship" is not "ip")
      const before = i === 0 ? 32 : windowChar(text, i - 1, a0, lenBefore, end);
      if (!((before >= 97 && before <= 122) || (before >= 48 && before <= 57))) return true;
    }
  }
  return false;
}

/** Character `j` of the window `text[a0, a0 + lenBefore) + ' ' + text[end, …)`, ASCII lower-cased.
 *  (A plain function rather than a closure inside `hasContext`, which would be allocated on
 *  every call: context checks run once per match.) */
function windowChar(text: string, j: number, a0: number, lenBefore: number, end: number): number {
  const c = j < lenBefore ? text.charCodeAt(a0 + j) : j === lenBefore ? 32 : text.charCodeAt(end + j - lenBefore - 1);
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** The general case: non-ASCII text is lower-cased as JavaScript does (which may change lengths). */
function hasContextSlow(text: string, start: number, end: number, words: readonly string[]): boolean {
  const window = (text.slice(Math.max(0, start - CONTEXT_BEFORE), start) + ' ' + text.slice(end, end + CONTEXT_AFTER)).toLowerCase();
  for (const w of words) {
    // a context word must start a word ("passportnumber" counts, "ship" is not "ip")
    for (let i = window.indexOf(w); i >= 0; i = window.indexOf(w, i + 1)) {
      const before = i === 0 ? 32 : window.charCodeAt(i - 1);
      if (!((before >= 97 && before <= 122) || (before >= 48 && before <= 57))) return true;
    }
  }
  return false;
}

export function boosted(confidence: number, override?: number): number {
  if (override !== undefined) return Math.max(confidence, override);
  return Math.min(1, Math.max(confidence + CONTEXT_BOOST, CONTEXT_FLOOR));
}
