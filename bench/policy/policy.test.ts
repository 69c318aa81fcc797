/** The benchmark policies decide exactly like their hand-written TypeScript counterparts. */
import { describe, expect, it } from 'vitest';
import { admissionHand, admissionScenario, rbacScenario, reseed } from './scenarios.ts';

describe('bench policies', () => {
  it('RBAC: engine and hand-written agree on 3,000 generated inputs', () => {
    reseed(7);
    const { policy, hand, inputs } = rbacScenario(3000);
    let allowed = 0;
    for (const i of inputs) {
      const want = hand(i);
      if (want) allowed++;
      expect(policy.evaluate('data.rbac.allow', { input: i }), JSON.stringify(i)).toBe(want);
    }
    expect(allowed).toBeGreaterThan(0);
  });
  it('admission: engine and hand-written agree on 3,000 generated inputs', () => {
    reseed(11);
    const { policy, inputs } = admissionScenario(3000);
    for (const i of inputs) expect(policy.evaluate('data.admission.deny', { input: i }), JSON.stringify(i)).toEqual(admissionHand(i));
  });
});
