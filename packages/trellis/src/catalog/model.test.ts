/** Pure conversions: owners, search words, cursors, digests. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { canonicalOwner, decodeCursor, encodeCursor, indexWords, manifestDigest, searchWords } from './model.ts';
import type { Manifest } from './schema.ts';

describe('catalog model', () => {
  it('compares owners in one canonical form', () => {
    expect(canonicalOwner('Jane@Example.com')).toBe('user:jane@example.com');
    expect(canonicalOwner('user:jane@example.com')).toBe('user:jane@example.com');
    expect(canonicalOwner('user:default/Jane@example.com')).toBe('user:jane@example.com');
    expect(canonicalOwner('group:HR-Analytics')).toBe('group:hr-analytics');
    expect(canonicalOwner('group:finance/ap')).toBe('group:finance/ap');
  });

  it('splits search text into at most 8 lower-case words', () => {
    expect(searchWords('Leave-Requests  2024!')).toEqual(['leave', 'requests', '2024']);
    expect(searchWords('"*) OR NEAR(')).toEqual(['or', 'near']);
    expect(searchWords('---')).toEqual([]);
    expect(searchWords('a b c d e f g h i j')).toHaveLength(8);
    expect(searchWords('Café')).toEqual(['café']);
  });

  it('indexes the distinct words of name, title and description', () => {
    expect(indexWords('leave-requests', 'Leave Requests', 'Staff request leave; managers approve.')).toEqual(['leave', 'requests', 'staff', 'request', 'managers', 'approve']);
    expect(indexWords('x', null, 'w '.repeat(10) + Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '))).toHaveLength(300);
    expect(indexWords('a', null, 'y'.repeat(100))[1]).toHaveLength(40);
  });

  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor('leave-requests'))).toBe('leave-requests');
    for (const bad of ['', 'abc', Buffer.from('{"v":2,"n":"x"}').toString('base64url'), Buffer.from('{"v":1,"n":5}').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(AppError);
    }
  });

  it('digests content, not key order', () => {
    const a = { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'x' }, spec: { owner: 'a@b.io' } } as Manifest;
    const b = { spec: { owner: 'a@b.io' }, metadata: { name: 'x' }, kind: 'MicroApp', apiVersion: 'trellis.dev/v1' } as Manifest;
    expect(manifestDigest(a)).toBe(manifestDigest(b));
    expect(manifestDigest(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
