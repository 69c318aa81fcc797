/**
 * Context words: a weak pattern (nine digits) becomes a strong finding when "ssn" or "passport"
 * sits next to it. Only a small window around each match is lower-cased, never the whole text,
 * so the cost grows with the number of matches, not the input size.
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
