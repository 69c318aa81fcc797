import { describe, expect, it } from 'vitest';
import { transform } from './transform.ts';
import { detokenize } from './operators/tokenize.ts';
import { luhnCheckDigit } from './validators/luhn.ts';
import { DlpTooDeepError } from './errors.ts';
import type { Finding } from './types.ts';

const PAN = '453201511283036' + luhnCheckDigit('453201511283036');
const keys = { hash: Buffer.alloc(32, 1), tokenize: Buffer.alloc(32, 2), encrypt: Buffer.alloc(32, 3) };
const plan = {
  default: { type: 'replace' as const },
  rules: [{ entity: 'CREDIT_CARD', operator: { type: 'mask' as const }, byClearance: { privileged: { type: 'tokenize' as const } } }],
};

describe('transform', () => {
  it('masks for ordinary callers and tokenizes reversibly for privileged ones', () => {
    const text = `card ${PAN} from jane@corp.io`;
    const basic = transform(text, plan, { keys });
    expect(basic.value).toBe(`card ************${PAN.slice(-4)} from <EMAIL_ADDRESS>`);
    const priv = transform(text, plan, { keys, clearance: 'privileged' });
    const token = priv.value.slice(5, 21);
    expect(token).toMatch(/^\d{16}$/);
    expect(detokenize(token, keys.tokenize, 'CREDIT_CARD')).toBe(PAN);
  });
  it('transforms a record using catalog tags and reports paths but not values', () => {
    const record = { employees: [{ email: 'jane@corp.io', note: `paid with ${PAN}`, age: 41 }] };
    const out = transform(record, { rules: [{ tag: 'pii.email', operator: { type: 'hash', length: 12 } }] }, { keys, scan: { fieldTags: { 'employees.email': 'pii.email' } } });
    expect(out.value.employees[0]!.email).toMatch(/^[0-9a-f]{12}$/);
    expect(out.value.employees[0]!.note).toBe('paid with ');
    expect(out.value.employees[0]!.age).toBe(41);
    expect(record.employees[0]!.email).toBe('jane@corp.io'); // input untouched
    expect(out.applied.map((a) => a.path)).toEqual(['$.employees[0].email', '$.employees[0].note']);
    expect(JSON.stringify(out.applied)).not.toContain('jane');
  });
  it('fails with a key error that does not contain the value', () => {
    expect(() => transform(`card ${PAN}`, { default: { type: 'encrypt' } }, {})).toThrow(/needs a key/);
    try {
      transform(`card ${PAN}`, { default: { type: 'encrypt' } }, {});
    } catch (err) {
      expect((err as Error).message).not.toContain(PAN);
    }
  });
  it('rewrites every finding of a long text, lists them last first, and keeps the text between them', () => {
    const emails = Array.from({ length: 3000 }, (_, i) => `u${i}@corp.io`);
    const out = transform(emails.join(' | '), { default: { type: 'replace' } });
    expect(out.value).toBe(emails.map(() => '<EMAIL_ADDRESS>').join(' | '));
    expect(out.applied).toHaveLength(3000);
    expect(out.applied[0]!.start).toBeGreaterThan(out.applied[1]!.start);
  });
  it('rewrites each character once when the caller passes overlapping findings', () => {
    const f = (start: number, end: number, entity: string): Finding => ({ entity, start, end, confidence: 1, detector: 'test', kind: 'pii' });
    const plan = { default: { type: 'replace' as const } };
    // B starts inside A: only the part of B that A left is rewritten; C lies wholly inside A
    const out = transform('0123456789abcdef', plan, { findings: [f(6, 12, 'B'), f(2, 8, 'A'), f(3, 5, 'C')] });
    expect(out.value).toBe('01<A><B>cdef');
    expect(out.applied.map((a) => [a.entity, a.start, a.end])).toEqual([['B', 6, 12], ['A', 2, 8]]);
    // of two findings that start together the longer one wins
    expect(transform('0123456789', plan, { findings: [f(2, 4, 'S'), f(2, 7, 'L')] }).value).toBe('01<L>789');
  });
  it('copies only what it rewrites, never changes the input, and keeps odd keys plain fields', () => {
    const record = JSON.parse('{"__proto__": {"email": "jane@corp.io"}, "other": {"n": 1}, "list": ["x", "mail ana@corp.io"]}') as Record<string, unknown>;
    const before = JSON.stringify(record);
    const out = transform(record, { default: { type: 'redact' } });
    expect(JSON.stringify(record)).toBe(before);
    expect(JSON.stringify(out.value)).toBe('{"__proto__":{"email":""},"other":{"n":1},"list":["x","mail "]}');
    expect(Object.getPrototypeOf(out.value)).toBe(Object.prototype);
    expect((out.value as Record<string, unknown>).other).toBe(record.other);
  });
  it('transforms a record whose root is a value', () => {
    expect(transform(['jane@corp.io'], { default: { type: 'redact' } }).value).toEqual(['']);
    expect(transform(4532015112830366 as unknown, { default: { type: 'redact' } }, { findings: [{ entity: 'CREDIT_CARD', start: 0, end: 16, confidence: 1, detector: 'x', kind: 'pii', path: '$' }] }).value).toBe('');
  });
  it('refuses a record nested past the depth limit rather than overflowing the stack or passing it through', () => {
    let deep: unknown = 'jane@corp.io';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(() => transform(deep, { default: { type: 'redact' } })).toThrow(DlpTooDeepError);
    // with the caller's own findings the scan is skipped; the walk still refuses
    expect(() => transform(deep, { default: { type: 'redact' } }, { findings: [] })).toThrow(DlpTooDeepError);
  });
});
