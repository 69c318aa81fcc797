import { describe, expect, it } from 'vitest';
import { transform } from './transform.ts';
import { detokenize } from './operators/tokenize.ts';
import { luhnCheckDigit } from './validators/luhn.ts';

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
});
