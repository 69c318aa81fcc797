/**
 * The keyword prefilter: an Aho-Corasick automaton over all detector keywords, run once per
 * text. It folds ASCII case as it reads (so the text is never lower-cased as a whole) and maps
 * every non-ASCII code unit to one "other" symbol, which can only make it report a keyword
 * that is not there — harmless for a prefilter, whose job is to say which detectors may fire.
 * One table lookup per character keeps it far faster than a case-insensitive alternation.
 */

const SYMBOLS = 129; // ASCII folded to lower case, plus one symbol for everything else

function symbolOf(code: number): number {
  if (code >= 65 && code <= 90) return code + 32;
  return code < 128 ? code : 128;
}

export class KeywordMatcher {
  private readonly delta: Int32Array;
  /** For each state, the keyword indexes it completes (own and via failure links), or null. */
  private readonly outputs: Array<number[] | null>;
  readonly size: number;

  constructor(readonly keywords: readonly string[]) {
    const goto: Array<Map<number, number>> = [new Map()];
    const out: number[][] = [[]];
    keywords.forEach((kw, k) => {
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = symbolOf(kw.charCodeAt(i));
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
    const delta = new Int32Array(n * SYMBOLS);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let c = 0; c < SYMBOLS; c++) {
      const t = goto[0]!.get(c);
      if (t !== undefined) {
        delta[c] = t;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      out[s]!.push(...out[fail[s]!]!);
      for (let c = 0; c < SYMBOLS; c++) {
        const t = goto[s]!.get(c);
        if (t !== undefined) {
          fail[t] = delta[fail[s]! * SYMBOLS + c]!;
          delta[s * SYMBOLS + c] = t;
          queue.push(t);
        } else {
          delta[s * SYMBOLS + c] = delta[fail[s]! * SYMBOLS + c]!;
        }
      }
    }
    this.delta = delta;
    this.outputs = out.map((o) => (o.length > 0 ? [...new Set(o)] : null));
    this.size = n;
  }

  /** Indexes of the keywords occurring in `text`; stops early once all have been seen. */
  find(text: string): Set<number> {
    const found = new Set<number>();
    const delta = this.delta;
    const outputs = this.outputs;
    const total = this.keywords.length;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const c = code >= 65 && code <= 90 ? code + 32 : code < 128 ? code : 128;
      s = delta[s * SYMBOLS + c]!;
      const o = outputs[s];
      if (o !== null && o !== undefined) {
        for (const k of o) found.add(k);
        if (found.size === total) break;
      }
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
    const delta = this.delta;
    const outputs = this.outputs;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const c = code >= 65 && code <= 90 ? code + 32 : code < 128 ? code : 128;
      s = delta[s * SYMBOLS + c]!;
      const o = outputs[s];
      if (o !== null && o !== undefined) {
        for (const k of o) {
          const list = hits[k];
          if (list === undefined) hits[k] = [i + 1];
          else list.push(i + 1);
        }
      }
    }
    return hits;
  }
}
