import { describe, expect, it } from 'vitest';
import { prng } from './test-support.ts';
import { scanRecord, scanRecordFieldByField } from './structured.ts';
import { DlpTooDeepError } from './errors.ts';

/** Random records with the names and values a connector returns, including values that span
 *  lines (PEM blocks, manifests) and names that are context words. */
function randomRecords(count: number, seed: number): unknown[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const str = (n: number, a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') => Array.from({ length: n }, () => a[int(a.length)]).join('');
  const digits = (n: number) => str(n, '0123456789');
  const names = ['ssn', 'dob', 'account_number', 'api_key', 'email', 'phone', 'notes', 'id', 'password', 'card', 'created', 'amount', 'kind', 'data', 'token', 'iban', 'ip', 'value', 'secret', 'description', 'passport', 'tfn', 'abn'];
  const values: Array<() => unknown> = [
    () => `${100 + int(500)}-${10 + int(89)}-${1000 + int(8999)}`,
    () => `4${digits(15)}`,
    () => `+1 ${200 + int(700)}-${200 + int(700)}-${1000 + int(8999)}`,
    () => `${str(6, 'abcdefghij')}@northwindtraders.com`,
    () => str(32),
    () => `ghp_${str(36)}`,
    () => Number(digits(1 + int(12))),
    () => `19${50 + int(49)}-0${1 + int(9)}-1${int(9)}`,
    () => `10.${int(255)}.${int(255)}.${int(255)}`,
    () => `DE${digits(20)}`,
    () => `X${digits(8)}`,
    () => `-----BEGIN RSA PRIVATE KEY-----\n${str(64)}\n${str(64)}\n-----END RSA PRIVATE KEY-----`,
    () => `kind: Secret\ndata:\n  token: ${Buffer.from(str(24)).toString('base64')}`,
    () => `call ${digits(3)} ${digits(3)} ${digits(4)} or mail ${str(5, 'abcdefgh')}@brightsea.net`,
    () => 'requested leave for the second week of March',
    () => digits(9),
    () => digits(11),
    () => rnd() < 0.5,
    () => '',
  ];
  const node = (depth: number): unknown => {
    const r = rnd();
    if (depth > 2 || r < 0.5) return pick(values)();
    if (r < 0.7) return Array.from({ length: 1 + int(4) }, () => node(depth + 1));
    return Object.fromEntries(Array.from({ length: 1 + int(6) }, () => [pick(names), node(depth + 1)]));
  };
  return Array.from({ length: count }, () => Object.fromEntries(Array.from({ length: 2 + int(10) }, () => [pick(names), node(0)])));
}

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
  it('finds in one joined scan exactly what a scan of each field alone finds', () => {
    let findings = 0;
    for (const [i, record] of randomRecords(400, 99).entries()) {
      for (const options of [{}, { minConfidence: 0.05, includeTestValues: true }]) {
        const together = scanRecord(record, options);
        expect(together, `record ${i}: ${JSON.stringify(record)}`).toEqual(scanRecordFieldByField(record, options));
        findings += together.length;
      }
    }
    expect(findings).toBeGreaterThan(500); // the records do hold things to find
  });
  it('refuses a record nested past the depth limit, naming where, instead of overflowing the stack or skipping it', () => {
    let deep: unknown = 'jane@corp.io';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => scanRecord(deep)).toThrow(DlpTooDeepError);
    try {
      scanRecord({ a: deep });
    } catch (err) {
      expect(err).toMatchObject({ code: 'DLP_TOO_DEEP', path: `$.a${'[0]'.repeat(64)}` });
      expect((err as Error).message).toMatch(/^the record nests deeper than 64 levels at \$\.a\[0\]/);
    }
    let sixtyFour: unknown = 'jane@corp.io';
    for (let i = 0; i < 64; i++) sixtyFour = [sixtyFour];
    expect(scanRecord(sixtyFour)).toEqual([expect.objectContaining({ entity: 'EMAIL_ADDRESS', path: `$${'[0]'.repeat(64)}` })]);
  });
});
