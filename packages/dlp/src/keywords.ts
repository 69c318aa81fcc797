/**
 * The keyword prefilter: an Aho-Corasick automaton over all detector keywords, run once per
 * text. It reads the text's byte view (text-bytes.ts) and folds ASCII case as it reads (so the
 * text is never lower-cased as a whole); every non-ASCII code unit reads as one "other" symbol,
 * which can only make it report a keyword that is not there — harmless for a prefilter, whose
 * job is to say which detectors may fire. One table lookup per character keeps it far faster
 * than a case-insensitive alternation; the table has one column per character class (the
 * characters keywords use, plus "anything else"), not per character, so it stays small enough to
 * live in cache.
 */
import { DOTTED_I_BYTE, KELVIN_BYTE } from './text-bytes.ts';

const SYMBOLS = 129; // ASCII folded to lower case, plus one symbol for everything else
/** Texts shorter than this are read by one automaton (see `findAll`). */
const TWO_STREAMS_MIN = 4096;

function symbolOf(code: number): number {
  if (code >= 65 && code <= 90) return code + 32;
  return code < 128 ? code : 128;
}

export class KeywordMatcher {
  /** Byte of the text's byte view → character class: the symbols that occur in some keyword get
   *  a class each, every other symbol shares class 0, which keeps the transition table small
   *  enough to stay in cache. */
  private readonly classOf: Uint8Array;
  /** Transitions: `delta[row + class]`, where a state's row is its number times `stride`; the
   *  entry is the next state's row, or `-row - 1` when that state completes a keyword. */
  private readonly delta: Int32Array;
  private readonly stride: number;
  /** For each state, the keyword indexes it completes (own and via failure links), or null. */
  private readonly outputs: Array<number[] | null>;
  readonly size: number;
  /** Length of the longest keyword. */
  private readonly longest: number;

  constructor(readonly keywords: readonly string[]) {
    const classOf = new Uint8Array(SYMBOLS);
    let classes = 1;
    for (const kw of keywords) {
      for (let i = 0; i < kw.length; i++) {
        const c = symbolOf(kw.charCodeAt(i));
        if (classOf[c] === 0) classOf[c] = classes++;
      }
    }
    // the keyword trie, flat: `trie[state * classes + class]` is the child state, 0 for none (no
    // edge leads back to the root); at most one state per keyword character, plus the root
    const maxStates = 1 + keywords.reduce((sum, kw) => sum + kw.length, 0);
    const trie = new Int32Array(maxStates * classes);
    const out: number[][] = [[]];
    let n = 1;
    keywords.forEach((kw, k) => {
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const edge = s * classes + classOf[symbolOf(kw.charCodeAt(i))]!;
        if (trie[edge] === 0) {
          trie[edge] = n++;
          out.push([]);
        }
        s = trie[edge]!;
      }
      out[s]!.push(k);
    });
    const next = new Int32Array(n * classes);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let c = 1; c < classes; c++) {
      const t = trie[c]!;
      if (t !== 0) {
        next[c] = t;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      out[s]!.push(...out[fail[s]!]!);
      for (let c = 0; c < classes; c++) {
        const t = trie[s * classes + c]!;
        if (t !== 0) {
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
    // indexed by byte, case folded in: one lookup per character of the text
    const byByte = new Uint8Array(256);
    for (let b = 0; b < 256; b++) byByte[b] = classOf[symbolOf(b)]!;
    // the two code units JavaScript lower-cases to ASCII letters (KELVIN SIGN → "k", and
    // "İ" → "i" + a combining dot) read as those letters, so a context word found by the
    // lower-casing check in context.ts is always seen here too
    byByte[KELVIN_BYTE] = classOf[107]!;
    byByte[DOTTED_I_BYTE] = classOf[105]!;
    this.classOf = byByte;
    this.delta = delta;
    this.stride = classes;
    this.size = n;
    this.longest = keywords.reduce((m, kw) => Math.max(m, kw.length), 0);
  }

  /**
   * Every occurrence of every keyword, in the same single pass: `hits[k]` lists the end offsets
   * (exclusive) of keyword `k` in ascending order, or is undefined when `k` does not occur. The
   * engine runs a keyword-gated pattern only in windows around these offsets. `bytes` is the
   * text's byte view (text-bytes.ts). The indexes of the keywords that occur are appended to
   * `found` (in no particular order), so a caller need not walk every keyword of a large set.
   *
   * Each step's table lookup needs the state the previous one produced, so one automaton keeps
   * the processor waiting on memory; a long text is read as two halves in step, whose independent
   * lookups overlap. The second automaton starts `longest` bytes before the middle, from the
   * root: a state stands for at most the last `longest` characters, so by the middle it is in the
   * state one pass would be in, and it reports only keywords that end after the middle.
   */
  findAll(bytes: Uint8Array, found: number[] = []): Array<number[] | undefined> {
    const hits = new Array<number[] | undefined>(this.keywords.length);
    const n = bytes.length;
    if (n < TWO_STREAMS_MIN) {
      this.read(bytes, 0, 0, n, hits, found);
      return hits;
    }
    const mid = n >> 1;
    const from = Math.max(0, mid - this.longest);
    const later = new Array<number[] | undefined>(this.keywords.length);
    const foundLater: number[] = [];
    const state = this.readTwo(bytes, mid, from, hits, later, found, foundLater);
    this.read(bytes, state, from + mid, n, later, foundLater);
    for (const k of foundLater) {
      const tail = later[k]!;
      const head = hits[k];
      if (head === undefined) {
        hits[k] = tail;
        found.push(k);
      } else {
        for (const e of tail) head.push(e);
      }
    }
    return hits;
  }

  /** Reads bytes `[start, end)` from state `s`, recording in `hits` (and `found`) the keywords
   *  that end after `start`; returns the state reached. */
  private read(bytes: Uint8Array, s: number, start: number, end: number, hits: Array<number[] | undefined>, found: number[]): number {
    const { delta, classOf } = this;
    for (let i = start; i < end; i++) {
      const x = delta[s + classOf[bytes[i]!]!]!;
      if (x >= 0) {
        s = x;
        continue;
      }
      s = -x - 1;
      this.record(s, i + 1, hits, found);
    }
    return s;
  }

  /** Reads `[0, mid)` and `[from, from + mid)` in step (see `findAll`): the first into `hits`,
   *  the second into `later` from the middle on; returns the second automaton's state. */
  private readTwo(bytes: Uint8Array, mid: number, from: number, hits: Array<number[] | undefined>, later: Array<number[] | undefined>, found: number[], foundLater: number[]): number {
    const { delta, classOf } = this;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < mid; i++) {
      const j = from + i;
      const x1 = delta[s1 + classOf[bytes[i]!]!]!;
      const x2 = delta[s2 + classOf[bytes[j]!]!]!;
      if (x1 >= 0) {
        s1 = x1;
      } else {
        s1 = -x1 - 1;
        this.record(s1, i + 1, hits, found);
      }
      if (x2 >= 0) {
        s2 = x2;
      } else {
        s2 = -x2 - 1;
        if (j >= mid) this.record(s2, j + 1, later, foundLater);
      }
    }
    return s2;
  }

  /** Adds end offset `end` to the list of every keyword that state row `s` completes; a keyword
   *  seen for the first time is added to `found`. */
  private record(s: number, end: number, hits: Array<number[] | undefined>, found: number[]): void {
    for (const k of this.outputs[s / this.stride]!) {
      const list = hits[k];
      if (list === undefined) {
        hits[k] = [end];
        found.push(k);
      } else {
        list.push(end);
      }
    }
  }
}
