/** The cutting of scanned text at the server's offsets: merged overlaps, positions, tokens found back. */
import { describe, expect, it } from 'vitest';
import { lineColumn, pieces, transformedPieces } from './spans.ts';

describe('pieces', () => {
  it('cuts plain and marked runs at the offsets and keeps every character once', () => {
    const text = 'mail ana@example.com or call 555-0134 now';
    const p = pieces(text, [
      { start: 29, end: 37, entity: 'PHONE_NUMBER' },
      { start: 5, end: 20, entity: 'EMAIL_ADDRESS' },
    ]);
    expect(p.map((x) => x.text).join('')).toBe(text);
    expect(p.filter((x) => x.entities.length > 0).map((x) => [x.text, x.entities, x.findings])).toEqual([
      ['ana@example.com', ['EMAIL_ADDRESS'], [2]],
      ['555-0134', ['PHONE_NUMBER'], [1]],
    ]);
  });

  it('merges overlapping findings into one run naming both entities', () => {
    const text = 'see https://x.io/?u=ana@example.com.';
    const p = pieces(text, [
      { start: 4, end: 35, entity: 'URL' },
      { start: 20, end: 35, entity: 'EMAIL_ADDRESS' },
    ]);
    expect(p.map((x) => x.text)).toEqual(['see ', 'https://x.io/?u=ana@example.com', '.']);
    expect(p[1]!.entities).toEqual(['URL', 'EMAIL_ADDRESS']);
  });

  it('clamps offsets past the end and drops empty spans', () => {
    expect(pieces('abc', [{ start: 1, end: 99, entity: 'X' }, { start: 2, end: 2, entity: 'Y' }]).map((x) => [x.text, x.entities])).toEqual([
      ['a', []],
      ['bc', ['X']],
    ]);
  });

  it('counts offsets in UTF-16 code units, as the engine does', () => {
    const text = '😀 id EMP-123456';
    const start = text.indexOf('EMP');
    expect(pieces(text, [{ start, end: start + 10, entity: 'EMPLOYEE_ID' }]).at(-1)!.text).toBe('EMP-123456');
  });
});

describe('lineColumn', () => {
  it('names the line and column of an offset from 1', () => {
    expect(lineColumn('ab\ncd\nef', 7)).toEqual({ line: 3, column: 2 });
    expect(lineColumn('ab', 0)).toEqual({ line: 1, column: 1 });
  });
});

describe('transformedPieces', () => {
  it('finds tokens of the same length and ciphertexts by their prefix', () => {
    const text = 'card 4242 4242 4242 4242 ok';
    expect(transformedPieces(text, 'card 9183 0021 7730 5519 ok', [{ start: 5, end: 24, entity: 'CREDIT_CARD' }], 'tokenize')).toEqual([{ entity: 'CREDIT_CARD', start: 5, end: 24, value: '9183 0021 7730 5519' }]);
    expect(transformedPieces(text, 'card enc:v1:AbC-_9 ok', [{ start: 5, end: 24, entity: 'CREDIT_CARD' }], 'encrypt')![0]!.value).toBe('enc:v1:AbC-_9');
  });

  it('offers nothing when the texts do not line up', () => {
    expect(transformedPieces('a 1234 b', 'X <CARD> b', [{ start: 2, end: 6, entity: 'CARD' }], 'tokenize')).toBeNull();
    expect(transformedPieces('a 1234 b', 'a <CARD> b', [{ start: 2, end: 6, entity: 'CARD' }], 'encrypt')).toBeNull();
  });
});
