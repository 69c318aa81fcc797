/** evaluateSecretCases: recall over tp cases, the fp-flagged rate, per-rule results, variants
 *  folded into their rule, and the PartialEval fields the eval harness merges. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../types.ts';
import { evaluateSecretCases, isSecretCase, type SecretCase } from './secrets-dataset.ts';

const finding = (rule: string, testValue = false): Finding => ({
  entity: 'SECRET', start: 0, end: 1, confidence: 0.9, detector: rule, kind: 'secret', rule, ...(testValue ? { testValue } : {}),
});

describe('evaluateSecretCases', () => {
  it('counts found tp cases, misses, flagged fp cases and the rule that fired', async () => {
    const cases: SecretCase[] = [
      { rule: 'github-pat', kind: 'tp', text: 'A' },
      { rule: 'github-pat', kind: 'tp', text: 'B' },
      { rule: 'atlassian-api-token', kind: 'tp', text: 'C' },
      { rule: 'github-pat', kind: 'fp', text: 'D' },
      { rule: 'no-such-rule', kind: 'fp', text: 'E' },
    ];
    const byText: Record<string, Finding[]> = {
      A: [finding('github-pat')],
      B: [finding('github-pat', true)], // a test value is not a live secret
      C: [finding('atlassian-api-token--legacy')],
      D: [finding('generic-api-key')],
      E: [],
    };
    const r = await evaluateSecretCases(cases, (t) => byText[t] ?? []);
    expect(r.total).toEqual({ tp: 2, fp: 1, fn: 1, precision: 0.6667, recall: 0.6667 });
    expect(r.by_rule['github-pat']).toMatchObject({ tp: 1, fn: 1, recall: 0.5, rule_fired: 1, fp_cases: 1, fp_flagged: 1 });
    expect(r.by_rule['atlassian-api-token']?.rule_fired).toBe(1);
    expect(r.fp_flagged_rate).toBe(0.5);
    expect(r.unsupported).toEqual(['no-such-rule']);
    expect(r.supported).toBe(2);
    expect(r.byEntity).toEqual({ SECRET: { tp: 2, fp: 1, fn: 1 } });
  });
  it('recognises secret-case records', () => {
    expect(isSecretCase({ rule: 'x', kind: 'tp', text: 't' })).toBe(true);
    expect(isSecretCase({ rule: null, kind: 'fp', text: 't' })).toBe(true);
    expect(isSecretCase({ entity: 'EMAIL_ADDRESS', text: 't' })).toBe(false);
  });
  it('runs the engine by default', async () => {
    const r = await evaluateSecretCases([{ rule: 'aws-access-token', kind: 'tp', text: 'id = AKIAQ7RZ3XKPLM2VNB4T' }]);
    expect(r.total.tp).toBe(1);
  });
});
