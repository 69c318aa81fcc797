import { describe, expect, it } from 'vitest';
import { evaluateLines, matchSpans, parseJsonl } from './evaluate.ts';
import { formatEvalReport } from './report.ts';
import { DlpEvalError } from '../errors.ts';

describe('evaluation harness', () => {
  it('scores presidio, context, validate and research lines and lists unsupported entities', async () => {
    const report = await evaluateLines([
      { entity: 'EMAIL_ADDRESS', text: 'mail a@corp.io', expected_count: 1, expected: [{ start: 5, end: 14 }] },
      { entity: 'EMAIL_ADDRESS', text: 'mail b@corp.io', expected_count: 0, expected: [] },
      { entity: 'US_SSN', text: 'my ssn is 536-22-1234', expected: null },
      { entity: 'PERSON', text: 'Dan', expected_count: 1, expected: [{ start: 0, end: 3 }] },
      { entity: 'UK_NHS', text: '9434765919', valid: false },
      { text: 'Call 415-555-0132, Dan', expected: [{ start: 5, end: 17, entity: 'PHONE_NUMBER' }, { start: 19, end: 22, entity: 'PERSON' }] },
    ]);
    expect(report.by_entity.EMAIL_ADDRESS).toMatchObject({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
    expect(report.by_entity.US_SSN).toMatchObject({ tp: 1, fn: 0 });
    expect(report.by_entity.PHONE_NUMBER).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(report.unsupported).toEqual(['PERSON']);
    expect(report.formats).toEqual({ presidio: 3, context: 1, validate: 1, research: 1 });
    expect(formatEvalReport(report)).toContain('TOTAL');
  });
  it('counts count-only lines and matches spans one to one by overlap', async () => {
    expect(matchSpans([{ start: 0, end: 5 }, { start: 3, end: 8 }], [{ start: 4, end: 6 }])).toBe(1);
    const r = await evaluateLines([{ entity: 'EMAIL_ADDRESS', text: 'a@corp.io b@corp.io', expected_count: 2, expected: [] }]);
    expect(r.total).toMatchObject({ tp: 2, fp: 0, fn: 0 });
  });
  it('rejects malformed lines with the line number', () => {
    expect(() => parseJsonl('{"a":1}\nnot json\n', 'x.jsonl')).toThrow(DlpEvalError);
    expect(() => parseJsonl('{"a":1}\nnot json\n', 'x.jsonl')).toThrow('x.jsonl: line 2 is not a JSON object');
  });
  it('reports by_rule, fp_flagged_rate and rule coverage for secret-case datasets', async () => {
    const report = await evaluateLines([
      { rule: 'github-pat', kind: 'tp', text: 'GITHUB_TOKEN=ghp_R4nd0mT0k3nV4lu3Xq9Lm2Zp8Wc7Yb5Nd3Kf1' },
      { rule: 'github-pat', kind: 'fp', text: 'the token is stored in the vault' },
      { rule: 'no-such-rule', kind: 'fp', text: 'nothing secret here' },
    ]);
    expect(report.total).toMatchObject({ tp: 1, fp: 0, fn: 0, precision: 1, recall: 1 });
    expect(report.by_rule?.['github-pat']).toMatchObject({ tp: 1, fn: 0, fp_cases: 1, fp_flagged: 0 });
    expect(report.fp_flagged_rate).toBe(0);
    expect(report.supported_rules).toBe(1);
    expect(report.unsupported).toEqual(['no-such-rule']);
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    for (const key of ['total', 'by_rule', 'fp_flagged_rate', 'unsupported']) expect(json).toHaveProperty(key);
    expect(formatEvalReport(report)).toContain('secret rules: 1 of 2 in the dataset supported');
  });
});
