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
  it('stops at the depth limit instead of overflowing the stack', () => {
    let deep: unknown = 'jane@corp.io';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(scanRecord(deep)).toEqual([]);
  });
});
