import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tokenize, detokenize, MAX_TOKENIZE_SYMBOLS } from './tokenize.ts';
import { mask } from './mask.ts';
import { hmacHash } from './hash.ts';
import { encrypt, decrypt } from './encrypt.ts';
import { DlpError } from '../errors.ts';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 8);

describe('tokenize (format-preserving, reversible)', () => {
  it('keeps length, digit positions and separators of a card and round-trips with the key', () => {
    const card = '4532-0151-1283-0366';
    const token = tokenize(card, KEY, 'CREDIT_CARD');
    expect(token).not.toBe(card);
    expect(token).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/);
    expect(detokenize(token, KEY, 'CREDIT_CARD')).toBe(card);
  });
  it('refuses values with more letters or digits than it can encipher in bounded time', () => {
    const most = '7'.repeat(MAX_TOKENIZE_SYMBOLS) + 'x'.repeat(MAX_TOKENIZE_SYMBOLS);
    expect(detokenize(tokenize(most, KEY), KEY)).toBe(most);
    expect(() => tokenize('7'.repeat(MAX_TOKENIZE_SYMBOLS + 1), KEY)).toThrow(expect.objectContaining({ code: 'DLP_UNSUPPORTED_INPUT', message: expect.stringContaining('use hash or encrypt') }));
    expect(() => detokenize('7'.repeat(MAX_TOKENIZE_SYMBOLS + 1), KEY)).toThrow(expect.objectContaining({ code: 'DLP_UNSUPPORTED_INPUT' }));
    expect(() => tokenize('x'.repeat(800_000), KEY)).toThrow(DlpError);
  });
  it('keeps the shape of a phone number', () => {
    const phone = '+1 (415) 555-0132';
    const token = tokenize(phone, KEY);
    expect(token.replace(/\d/g, '9')).toBe(phone.replace(/\d/g, '9'));
    expect(detokenize(token, KEY)).toBe(phone);
  });
  it('is deterministic per key and cannot be reversed with another key or without one', () => {
    const v = '4532015112830366';
    expect(tokenize(v, KEY)).toBe(tokenize(v, KEY));
    expect(tokenize(v, OTHER)).not.toBe(tokenize(v, KEY));
    expect(detokenize(tokenize(v, KEY), OTHER)).not.toBe(v);
    expect(() => detokenize(tokenize(v, KEY), undefined)).toThrow(DlpError);
  });
  it('preserves letter case patterns and other characters', () => {
    const t = tokenize('Jane.Doe@corp.io', KEY);
    expect(t).toMatch(/^[A-Z][a-z]{3}\.[A-Z][a-z]{2}@[a-z]{4}\.[a-z]{2}$/);
    expect(detokenize(t, KEY)).toBe('Jane.Doe@corp.io');
  });
});

describe('mask', () => {
  it('keeps the last N characters and the separators', () => {
    expect(mask('4532-0151-1283-0366', { keepLast: 4 })).toBe('****-****-****-0366');
    expect(mask('4532015112830366', { keepLast: 2, char: '#' })).toBe('##############66');
    expect(mask('secret', { keepLast: 0 })).toBe('******');
  });
  it('never reveals a value no longer than keepLast', () => {
    expect(mask('123', { keepLast: 4 })).toBe('***');
  });
});

describe('mask, against its definition', () => {
  // The definition, written plainly: letters and digits of any script are maskable (all
  // characters when separators are not kept); all but the last keepLast are masked, and every
  // one of them when there are no more than keepLast.
  const definition = (value: string, keepLast: number, preserve: boolean) => {
    const chars = [...value];
    const maskable = chars.map((c) => !preserve || /[\p{L}\p{N}]/u.test(c));
    const total = maskable.filter(Boolean).length;
    let seen = 0;
    return chars.map((c, i) => (maskable[i] && (total <= keepLast || ++seen <= total - keepLast) ? '*' : c)).join('');
  };

  it('agrees on ASCII, other scripts, astral characters and separators, either way of keeping separators', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '7', '-', ' ', '@', '.', 'é', 'ß', 'Ж', '٣', '中', '😀', '𝟘', '\u0301', '_'), maxLength: 40 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), (value, keepLast, preserve) => {
        expect(mask(value, { keepLast, preserveSeparators: preserve })).toBe(definition(value, keepLast, preserve));
      }),
      { numRuns: 2000 },
    );
    expect(mask('ana@northwind-hr.com', { keepLast: 4 })).toBe('***@*********-*r.com');
  });
});

describe('hmac hash', () => {
  it('is deterministic, keyed and truncatable', () => {
    const a = hmacHash('078-05-1121', KEY);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hmacHash('078-05-1121', KEY)).toBe(a);
    expect(hmacHash('078-05-1121', OTHER)).not.toBe(a);
    expect(hmacHash('078-05-1121', KEY, 16)).toBe(a.slice(0, 16));
  });
  it('refuses to run without a key (an unkeyed hash of an SSN is guessable)', () => {
    try {
      hmacHash('078-05-1121', undefined);
      expect.unreachable();
    } catch (err) {
      expect((err as DlpError).code).toBe('DLP_KEY_MISSING');
      expect((err as Error).message).not.toContain('078-05-1121');
    }
  });
});

describe('AES-256-GCM', () => {
  it('round-trips and uses a fresh IV each time', () => {
    const a = encrypt('jane@corp.io', KEY);
    expect(a).not.toBe(encrypt('jane@corp.io', KEY));
    expect(decrypt(a, KEY)).toBe('jane@corp.io');
  });
  it('detects tampering and wrong keys without echoing the data', () => {
    const token = encrypt('jane@corp.io', KEY);
    const raw = Buffer.from(token.slice('enc:v1:'.length), 'base64url');
    raw[14] = raw[14]! ^ 1;
    const tampered = 'enc:v1:' + raw.toString('base64url');
    for (const [t, k] of [[tampered, KEY], [token, OTHER]] as const) {
      try {
        decrypt(t, k);
        expect.unreachable();
      } catch (err) {
        expect((err as DlpError).code).toBe('DLP_DECRYPT_FAILED');
        expect((err as Error).message).toBe('cannot decrypt: ciphertext is malformed, was modified, or the key is wrong');
      }
    }
  });
  it('rejects a key of the wrong length', () => {
    expect(() => encrypt('x', Buffer.alloc(16))).toThrow(/must be 32 bytes/);
  });
});
