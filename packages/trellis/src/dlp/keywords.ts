/**
 * The keyword prefilter: an Aho-Corasick automaton over all detector keywords, run once per
 * text. It folds ASCII case as it reads (so the text is never lower-cased as a whole) and maps
 * every non-ASCII code unit to one "other" symbol, which can only make it report a keyword
 * that is not there — harmless for a prefilter, whose job is to say which detectors may fire.
 * One table lookup per character keeps it far faster than a case-insensitive alternation; the
 * table has one column per character class (the characters keywords use, plus "anything else"),
 * not per character, so it stays small enough to live in cache.
 */

const SYMBOLS = 129; // ASCII folded to lower case, plus one symbol for everything else

function symbolOf(code: number): number {
  if (code >= 65 && code <= 90) return code + 32;
  return code < 128 ? code : 128;
}

export class KeywordMatcher {
  /** UTF-16 code unit → character class: the symbols that occur in some keyword get a class each,
   *  every other symbol shares class 0, which keeps the transition table small enough to stay in
   *  cache. */
  private readonly classOf: Uint8Array;
  /** Transitions: `delta[row + class]`, where a state's row is its number times `stride`; the
   *  entry is the next state's row, or `-row - 1` when that state completes a keyword. */
  private readonly delta: Int32Array;
  private readonly stride: number;
  /** For each state, the keyword indexes it completes (own and via failure links), or null. */
  private readonly outputs: Array<number[] | null>;
  readonly size: number;

  constructor(readonly keywords: readonly string[]) {
    const classOf = new Uint8Array(SYMBOLS);
    let classes = 1;
    for (const kw of keywords) {
      for (let i = 0; i < kw.length; i++) {
        const c = symbolOf(kw.charCodeAt(i));
        if (classOf[c] === 0) classOf[c] = classes++;
      }
    }
    const goto: Array<Map<number, number>> = [new Map()];
    const out: number[][] = [[]];
    keywords.forEach((kw, k) => {
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = classOf[symbolOf(kw.charCodeAt(i))]!;
        let next = goto[s]!.get(c);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          out.push([]);
          goto[s]!.set(c, next);
        }
        s = next;
      }
      out[s]!.push(k);
    });
    const n = goto.length;
    const next = new Int32Array(n * classes);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let c = 1; c < classes; c++) {
      const t = goto[0]!.get(c);
      if (t !== undefined) {
        next[c] = t;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      out[s]!.push(...out[fail[s]!]!);
      for (let c = 0; c < classes; c++) {
        const t = goto[s]!.get(c);
        if (t !== undefined) {
          fail[t] = next[fail[s]! * classes + c]!;
          next[s * classes + c] = t;
          queue.push(t);
        } else {
          next[s * classes + c] = next[fail[s]! * classes + c]!;
        }
      }
    }
    this.outputs = out.map((o) => (o.length > 0 ? [...new Set(o)] : null));
    const delta = new Int32Array(n * classes);
    for (let k = 0; k < delta.length; k++) {
      const t = next[k]!;
      delta[k] = this.outputs[t] !== null ? -t * classes - 1 : t * classes;
    }
    // indexed by UTF-16 code unit, case folded in: one lookup per character of the text
    const byCode = new Uint8Array(65536);
    for (let code = 0; code < 65536; code++) byCode[code] = classOf[symbolOf(code)]!;
    // the two code units JavaScript lower-cases to ASCII letters (KELVIN SIGN → "k", and
    // "İ" → "i" + a combining dot) read as those letters, so a context word found by the
    // lower-casing check in context.ts is always seen here too
    byCode[0x212a] = classOf[107]!;
    byCode[0x130] = classOf[105]!;
    this.classOf = byCode;
    this.delta = delta;
    this.stride = classes;
    this.size = n;
  }

  /** Indexes of the keywords occurring in `text`; stops early once all have been seen. */
  find(text: string): Set<number> {
    const found = new Set<number>();
    const { delta, classOf, outputs, stride } = this;
    const total = this.keywords.length;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const x = delta[s + classOf[text.charCodeAt(i)]!]!;
      if (x >= 0) {
        s = x;
        continue;
      }
      s = -x - 1;
      for (const k of outputs[s / stride]!) found.add(k);
      if (found.size === total) break;
    }
    return found;
  }

  /**
   * Every occurrence of every keyword, in the same single pass: `hits[k]` lists the end offsets
   * (exclusive) of keyword `k` in ascending order, or is undefined when `k` does not occur. The
   * engine runs a keyword-gated pattern only in windows around these offsets.
   */
  findAll(text: string): Array<number[] | undefined> {
    const hits = new Array<number[] | undefined>(this.keywords.length);
    const { delta, classOf, outputs, stride } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const x = delta[s + classOf[text.charCodeAt(i)]!]!;
      if (x >= 0) {
        s = x;
        continue;
      }
      s = -x - 1;
      for (const k of outputs[s / stride]!) {
        const list = hits[k];
        if (list === undefined) hits[k] = [i + 1];
        else list.push(i + 1);
      }
    }
    return hits;
  }
}
