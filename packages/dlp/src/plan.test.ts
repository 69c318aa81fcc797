import { describe, expect, it } from 'vitest';
import { parseTransformPlan, operatorFor } from './plan.ts';
import { DlpInvalidPlanError } from './errors.ts';

describe('transform plan', () => {
  it('applies defaults and picks operators by entity, tag prefix and clearance', () => {
    const plan = parseTransformPlan({
      rules: [
        { entity: 'CREDIT_CARD', operator: { type: 'mask' }, byClearance: { privileged: { type: 'tokenize' } } },
        { tag: 'pii.*', operator: { type: 'replace' } },
      ],
    });
    expect(plan.default).toEqual({ type: 'redact' });
    expect(operatorFor(plan, 'CREDIT_CARD', 'pci.pan', undefined)).toEqual({ type: 'mask', keepLast: 4, char: '*', preserveSeparators: true });
    expect(operatorFor(plan, 'CREDIT_CARD', 'pci.pan', 'privileged').type).toBe('tokenize');
    expect(operatorFor(plan, 'EMAIL_ADDRESS', 'pii.email', 'privileged').type).toBe('replace');
    expect(operatorFor(plan, 'SECRET', undefined, undefined).type).toBe('redact');
  });
  it('reports every invalid field by path', () => {
    try {
      parseTransformPlan({ default: { type: 'shred' }, rules: [{ entity: 'card', operator: { type: 'mask', keepLast: -2 } }, { operator: { type: 'redact' } }] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DlpInvalidPlanError);
      const e = err as DlpInvalidPlanError;
      expect(e.code).toBe('DLP_INVALID_PLAN');
      expect(e.message).toContain('default.type');
      expect(e.message).toContain('rules.0.entity');
      expect(e.message).toContain('rules.0.operator.keepLast');
      expect(e.message).toContain('a rule needs an entity or a tag');
    }
  });
  it('rejects unknown fields', () => {
    expect(() => parseTransformPlan({ rules: [], defualt: { type: 'redact' } })).toThrow(/Unrecognized key/i);
  });
});
