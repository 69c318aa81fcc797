import { describe, expect, it } from 'vitest';
import { scanRecord } from './structured.ts';

describe('scanRecord', () => {
  it('uses catalog tags without guessing and detectors elsewhere, with JSON paths', () => {
    const record = { employees: [{ id: 7, contact: 'not-an-email', notes: 'reach me at jane@corp.io' }], 'odd key': 'ip 10.0.0.1' };
    const findings = scanRecord(record, { fieldTags: { 'employees.contact': 'pii.email' } });
    expect(findings.map((f) => [f.path, f.entity, f.detector])).toEqual([
      ['$.employees[0].contact', 'EMAIL_ADDRESS', 'catalog-tag'],
      ['$.employees[0].notes', 'EMAIL_ADDRESS', 'email'],
      ['$["odd key"]', 'IP_ADDRESS', 'ipv4'],
    ]);
    expect(findings[1]).toMatchObject({ start: 12, end: 24 });
  });
  it('accepts exact and wildcard paths for tags and scans numbers as text', () => {
    const findings = scanRecord({ rows: [{ ssn: 536221234 }] }, { fieldTags: { '$.rows[*].ssn': 'pii.ssn' } });
    expect(findings).toMatchObject([{ entity: 'US_SSN', tag: 'pii.ssn', path: '$.rows[0].ssn' }]);
  });
  it('reads a field name as the context of its value', () => {
    const entities = (r: unknown) => scanRecord(r).map((f) => [f.path, f.entity, f.start, f.end]);
    expect(entities({ dob: '1984-03-12' })).toEqual([['$.dob', 'DATE_OF_BIRTH', 0, 10]]);
    expect(entities({ created: '1984-03-12' })).toEqual([]);
    expect(entities({ account_number: '000123456789' })).toEqual([['$.account_number', 'US_BANK_NUMBER', 0, 12]]);
    expect(entities({ quantity: '000123456789' })).toEqual([]);
    // `key = value` secret rules see the name too; a bare high-entropy value is not enough.
    const key = 'Zx8Qp2LmN4vR7tY1wK9sJ3hG6fD5aB0c';
    expect(entities({ settings: { api_key: key } })).toEqual([['$.settings.api_key', 'SECRET', 0, 32]]);
    expect(entities({ value: key })).toEqual([]);
    const [named] = scanRecord({ ssn: '536-22-1234' });
    const [bare] = scanRecord({ note: '536-22-1234' });
    expect(named!.confidence).toBeGreaterThan(bare!.confidence);
    // Array items are filed under the array's name; the name itself is never a finding.
    expect(entities({ 'jane@corp.io': ['call 212-555-0143 after 5'] }).map((f) => f[1])).not.toContain('EMAIL_ADDRESS');
  });
  it('stops at the depth limit instead of overflowing the stack', () => {
    let deep: unknown = 'jane@corp.io';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(scanRecord(deep)).toEqual([]);
  });
});
