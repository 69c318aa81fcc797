import { describe, expect, it } from 'vitest';
import { compileCustomDetector, testCustomDetector } from './custom.ts';
import { scan } from './scan.ts';
import { DlpError } from './errors.ts';
import { expectLinear } from './test-support.ts';

describe('custom detectors', () => {
  it('reports matches on positive and negative samples', () => {
    const report = testCustomDetector({ id: 'employee-id', entity: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' }, { positive: ['id EMP-123456', 'EMP-999999'], negative: ['EMP-12', 'nothing'] });
    expect(report.ok).toBe(true);
    expect(report.positives[0]!.spans).toEqual([{ start: 3, end: 13, confidence: 0.8 }]);
    const bad = testCustomDetector({ id: 'employee-id', entity: 'EMPLOYEE_ID', pattern: 'EMP-\\d+' }, { positive: ['x'], negative: ['EMP-12'] });
    expect(bad).toMatchObject({ ok: false, missed: [0], falseMatches: [0] });
  });
  it('runs a catastrophic-backtracking pattern in linear time under RE2', () => {
    // A backtracking engine never finishes `(a+)+$` on these inputs; RE2's work grows with the length.
    const evil = { id: 'evil', entity: 'EVIL', pattern: '(a+)+$' };
    const text = (n: number) => 'a'.repeat(n) + '!';
    expect(testCustomDetector(evil, { negative: [text(200_000)] }).ok).toBe(true);
    expectLinear([200_000, 400_000, 800_000], text, (t) => testCustomDetector(evil, { negative: [t] }));
  });
  it('uses built-in validators by name and keyword lists', () => {
    const d = compileCustomDetector({ id: 'acct', entity: 'ACCOUNT', pattern: '\\b\\d{16}\\b', validator: 'luhn' });
    expect(scan('4539578763621486 4539578763621487', { detectors: [d] }).map((f) => f.start)).toEqual([0]);
    const terms = compileCustomDetector({ id: 'codenames', entity: 'CODENAME', terms: ['Blue Falcon', 'ares'] });
    expect(scan('Project ARES and blue falcon, not aresx', { detectors: [terms] }).map((f) => f.start)).toEqual([8, 17]);
  });
  it('rejects invalid patterns, unknown validators and malformed definitions with clear errors', () => {
    const cases: Array<[Parameters<typeof compileCustomDetector>[0], string, RegExp]> = [
      [{ id: 'bad', entity: 'X', pattern: '(unclosed' }, 'DLP_INVALID_PATTERN', /custom detector "bad": pattern is not a valid RE2 expression/],
      [{ id: 'bad', entity: 'X', pattern: '(?<=look)behind' }, 'DLP_INVALID_PATTERN', /not a valid RE2/],
      [{ id: 'bad', entity: 'X', pattern: 'a', validator: 'nope' }, 'DLP_UNKNOWN_VALIDATOR', /unknown validator "nope"; built-in validators: luhn/],
      [{ id: 'Bad Id', entity: 'x', pattern: 'a' }, 'DLP_INVALID_DETECTOR', /id: ids are lower-case.*entity: entity names/],
      [{ id: 'both', entity: 'X', pattern: 'a', terms: ['b'] }, 'DLP_INVALID_DETECTOR', /exactly one of pattern or terms/],
    ];
    for (const [def, code, message] of cases) {
      try {
        compileCustomDetector(def);
        expect.unreachable();
      } catch (err) {
        expect((err as DlpError).code).toBe(code);
        expect((err as Error).message).toMatch(message);
      }
    }
  });
  it('joins the default set through extraDetectors', () => {
    const d = compileCustomDetector({ id: 'ticket', entity: 'TICKET', pattern: 'TCK-[0-9]{4}', keywords: ['tck-'] });
    expect(scan('TCK-1234 from a@corp.io', { extraDetectors: [d] }).map((f) => f.entity)).toEqual(['TICKET', 'EMAIL_ADDRESS']);
  });
});
