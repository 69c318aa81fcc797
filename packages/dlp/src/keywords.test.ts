/**
 * The keyword automaton must report exactly the occurrences a plain case-insensitive search
 * finds, on short texts (one automaton) and long ones (two halves read in step), including
 * keywords that straddle the middle where the second automaton takes over.
 */
import { describe, expect, it } from 'vitest';
import { prng } from './test-support.ts';
import { KeywordMatcher } from './keywords.ts';
import { textBytes } from './text-bytes.ts';

const KEYWORDS = ['key', 'api_key', 'token', 'sk_live_', 'ghp_', 'ssn', 'social security', 'aws', 'secret', 'a', 'aa', 'x-api-key'];

/** End offsets of every (overlapping) occurrence of each keyword in the ASCII-lower-cased text. */
function naive(text: string, keywords: readonly string[]): Array<number[] | undefined> {
  const folded = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return keywords.map((kw) => {
    const ends: number[] = [];
    for (let i = folded.indexOf(kw); i >= 0; i = folded.indexOf(kw, i + 1)) ends.push(i + kw.length);
    return ends.length > 0 ? ends : undefined;
  });
}


function text(rnd: () => number, length: number): string {
  const pieces = [...KEYWORDS, 'KEY', 'Token', 'SSN', 'soc', 'ial', 'x-', 'api', ' ', '\n', '=', 'the', 'order', 'id'];
  let s = '';
  while (s.length < length) s += pieces[Math.floor(rnd() * pieces.length)];
  return s;
}

describe('KeywordMatcher.findAll', () => {
  const matcher = new KeywordMatcher(KEYWORDS);

  it('finds what a plain search finds, in short and long texts', () => {
    const rnd = prng(7);
    for (const length of [0, 1, 50, 4095, 4096, 4097, 9000, 20_001]) {
      for (let t = 0; t < 5; t++) {
        const s = text(rnd, length).slice(0, length);
        expect(matcher.findAll(textBytes(s))).toEqual(naive(s, KEYWORDS));
      }
    }
  });

  it('finds keywords that straddle the middle of a long text', () => {
    for (const kw of ['social security', 'x-api-key', 'sk_live_']) {
      for (let shift = -kw.length - 1; shift <= kw.length + 1; shift++) {
        const length = 10_000;
        const at = length / 2 + shift;
        const s = `${'.'.repeat(at)}${kw}${'.'.repeat(length - at - kw.length)}`;
        expect(matcher.findAll(textBytes(s))).toEqual(naive(s, KEYWORDS));
      }
    }
  });
});
