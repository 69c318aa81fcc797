/** The pipeline's pure parts: tiers of tags, binding fields, classification, risk, widening, outcomes and the credential scan. */
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../catalog/index.ts';
import type { ConnectorCatalog } from '../connectors/index.ts';
import { admissionInputs, documentsFor } from './admission-input.ts';
import { bindFields, classify, defaultTagTiers, tierOfTag } from './classify.ts';
import { findCredentials } from '../secrets/index.ts';
import { decideOutcome } from './outcome.ts';
import { defaultRiskSettings, scoreRisk, tierOfScore } from './risk.ts';
import { wideningReasons } from './widening.ts';

const hr: ConnectorCatalog = {
  name: 'hr',
  type: 'postgres',
  version: 1,
  status: 'active',
  tiers: ['internal', 'confidential', 'restricted'],
  resources: [
    {
      name: 'employees',
      tiers: ['internal', 'confidential', 'restricted'],
      fields: [
        { name: 'id', tags: [] },
        { name: 'email', tags: ['pii.email'] },
        { name: 'salary', tags: ['confidential'] },
        { name: 'leave_balance', tags: [] },
      ],
    },
  ],
};
const catalogs = new Map([['hr', hr]]);
const nowhere = () => ({});

function app(spec: Partial<Manifest['spec']> = {}): Manifest {
  return { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'a' }, spec: { owner: 'user:ana@example.com', ...spec } } as Manifest;
}
const reads = (fields: string[], access: 'read' | 'write' | 'read-write' = 'read') => ({ connectors: [{ name: 'hr', resources: [{ name: 'employees', fields, access }] }] });

describe('tag tiers', () => {
  it('takes the exact entry, else the longest prefix, else the fallback', () => {
    const table = { ...defaultTagTiers, 'pii.public_name': 'internal' as const, 'pii.work.*': 'confidential' as const };
    expect(tierOfTag('pii.public_name', table)).toBe('internal');
    expect(tierOfTag('pii.work.phone', table)).toBe('confidential');
    expect(tierOfTag('pii.email', table)).toBe('restricted');
    expect(tierOfTag('secret', table)).toBe('restricted');
    expect(tierOfTag('secret.aws', table)).toBe('restricted');
    expect(tierOfTag('marketing.segment', table)).toBe('internal');
    expect(tierOfTag('anything', { public: 'public' })).toBe('internal');
  });
});

describe('binding and classification', () => {
  it('names every connector, resource and field the catalog does not list, at its manifest path', () => {
    const m = app({ connectors: [{ name: 'hr', resources: [{ name: 'employees', fields: ['id', 'ssn'], access: 'read' }, { name: 'payroll', fields: ['x'], access: 'read' }] }, { name: 'crm', resources: [{ name: 'a', fields: ['b'], access: 'read' }] }] } as Partial<Manifest['spec']>);
    const { errors } = bindFields(m, catalogs, defaultTagTiers, nowhere);
    expect(errors.map((e) => e.path)).toEqual(['spec.connectors[0].resources[0].fields[1]', 'spec.connectors[0].resources[1].name', 'spec.connectors[1].name']);
    expect(errors[0]!.message).toContain('"ssn" is not in the field catalog of hr.employees');
    expect(errors[1]!.message).toContain('(it has employees)');
  });

  it('refuses a retired connector', () => {
    const retired = new Map([['hr', { ...hr, status: 'retired' }]]);
    expect(bindFields(app(reads(['id']) as Partial<Manifest['spec']>), retired, defaultTagTiers, nowhere).errors[0]!.message).toContain('retired');
  });

  it('detects the highest tier of the bound fields; effective is the higher of declared and detected', () => {
    const m = app({ ...reads(['id', 'email', 'leave_balance']), classification: 'confidential' } as Partial<Manifest['spec']>);
    const { fields } = bindFields(m, catalogs, defaultTagTiers, nowhere);
    const { classification } = classify(m, fields, [], defaultTagTiers);
    expect(classification).toEqual({ declared: 'confidential', detected: 'restricted', effective: 'restricted', because: [{ source: 'catalog', field: 'hr.employees.email', tags: ['pii.email'], tier: 'restricted' }] });
    const lower = app({ ...reads(['id', 'salary']), classification: 'restricted' } as Partial<Manifest['spec']>);
    const c2 = classify(lower, bindFields(lower, catalogs, defaultTagTiers, nowhere).fields, [], defaultTagTiers).classification;
    expect(c2).toMatchObject({ declared: 'restricted', detected: 'confidential', effective: 'restricted' });
    const none = app();
    expect(classify(none, [], [], defaultTagTiers).classification).toEqual({ declared: null, detected: null, effective: null, because: [] });
  });

  it('raises the tier from sample findings and counts the ones the catalog missed as open', () => {
    const m = app(reads(['id', 'leave_balance', 'email']) as Partial<Manifest['spec']>);
    const { fields } = bindFields(m, catalogs, defaultTagTiers, nowhere);
    const samples = [
      { connector: 'hr', resource: 'employees', field: 'leave_balance', tag: 'pii.ssn', entity: 'US_SSN' },
      { connector: 'hr', resource: 'employees', field: 'leave_balance', tag: 'pii.ssn', entity: 'US_SSN' },
      { connector: 'hr', resource: 'employees', field: 'email', tag: 'pii.email', entity: 'EMAIL_ADDRESS' },
    ];
    const r = classify(m, fields, samples, defaultTagTiers);
    expect(r.classification.effective).toBe('restricted');
    expect(r.classification.because).toContainEqual({ source: 'sample', field: 'hr.employees.leave_balance', tags: ['pii.ssn'], tier: 'restricted' });
    expect(r.openFindings).toEqual([samples[0]]);
  });
});

describe('risk', () => {
  const base = { effectiveTier: 'restricted' as const, fields: [], piiExports: [{ inspect: false }], ownerKind: 'user' as const, ownerStatus: 'unknown' as const, openFindings: 0 };

  it('scores the golden-path app medium, with every factor, its weight and its share', () => {
    const m = app({ runtime: 'sandbox', users: { count: 40, groups: ['hr-managers'] }, ...reads(['id', 'name', 'email', 'leave_balance']) } as Partial<Manifest['spec']>);
    const r = scoreRisk({ ...base, manifest: m }, defaultRiskSettings);
    expect(r.tier).toBe('medium');
    expect(r.factors.map((f) => f.name)).toEqual(['data_tier', 'write_access', 'scope', 'pii_exports', 'egress', 'audience', 'runtime', 'credential', 'owner_status', 'open_findings']);
    expect(r.factors.find((f) => f.name === 'data_tier')).toMatchObject({ weight: 30, value: 1, points: 27.3 });
    expect(Math.abs(r.factors.reduce((n, f) => n + f.points, 0) - r.score)).toBeLessThan(1);
  });

  it('stays within 0–100 whatever the weights, and uses the thresholds it is given', () => {
    const worst = app({ runtime: 'external', egress: ['a.com', 'b.com', 'c.com', 'd.com', 'e.com'], users: { count: 1_000_000, external: true } } as Partial<Manifest['spec']>);
    const writes = [{ connector: 'hr', resource: 'employees', field: 'email', access: 'write' as const, tags: ['pii.email'], tier: 'restricted' as const }];
    const r = scoreRisk({ ...base, manifest: worst, fields: Array(60).fill(writes[0]), ownerStatus: 'inactive', openFindings: 9 }, defaultRiskSettings);
    expect(r.tier).toBe('critical');
    expect(r.score).toBeGreaterThanOrEqual(95);
    expect(r.score).toBeLessThanOrEqual(100);
    const zero = Object.fromEntries(Object.keys(defaultRiskSettings.weights).map((k) => [k, 0])) as typeof defaultRiskSettings.weights;
    expect(scoreRisk({ ...base, manifest: worst }, { ...defaultRiskSettings, weights: zero }).score).toBe(0);
    expect(tierOfScore(24, defaultRiskSettings.thresholds)).toBe('low');
    expect(tierOfScore(25, defaultRiskSettings.thresholds)).toBe('medium');
    expect(tierOfScore(75, defaultRiskSettings.thresholds)).toBe('critical');
  });

  it('takes an override as the tier in force, keeping the computed one', () => {
    const override = { tier: 'low' as const, reason: 'read-only copy of public data', by: { id: 'tok_a', name: 'ann' }, at: '2026-12-06T00:00:00.000Z' };
    const r = scoreRisk({ ...base, manifest: app() }, defaultRiskSettings, override);
    expect(r).toMatchObject({ tier: 'low', computed_tier: 'medium', override });
  });
});

describe('widening', () => {
  const approved = app({
    ...reads(['id', 'email']),
    exports: [{ destination: 'slack', target: '#hr', fields: ['id'], inspect: true }],
    egress: ['api.example.com'],
    runtime: 'sandbox',
  } as Partial<Manifest['spec']>);

  it('names each way an update reaches more data or sends it further', () => {
    const next = app({
      connectors: [
        { name: 'hr', resources: [{ name: 'employees', fields: ['id', 'email', 'salary'], access: 'read-write' }, { name: 'leave', fields: ['id'], access: 'read' }] },
        { name: 'crm', resources: [{ name: 'accounts', fields: ['id'], access: 'read' }] },
      ],
      exports: [{ destination: 'slack', target: '#hr', fields: ['id', 'email'] }, { destination: 'email', target: 'boss@example.com', fields: ['id'] }],
      egress: ['api.example.com', 'evil.example.net'],
      runtime: 'external',
    } as Partial<Manifest['spec']>);
    expect(wideningReasons(approved, next)).toEqual([
      'new field hr.employees.salary',
      'write access to hr.employees',
      'new resource hr.leave',
      'new connector crm',
      'export to slack #hr gains email',
      'export to slack #hr drops DLP inspection',
      'new export to email boss@example.com',
      'new egress host evil.example.net',
      'leaves the sandbox (runtime external)',
    ]);
  });

  it('does not count narrowing or unrelated changes', () => {
    const narrower = app({ ...reads(['id']), exports: [], egress: [], runtime: 'sandbox', purpose: 'clearer purpose' } as Partial<Manifest['spec']>);
    expect(wideningReasons(approved, narrower)).toEqual([]);
  });

  it('counts a dropped row filter', () => {
    const filtered = app({ connectors: [{ name: 'hr', resources: [{ name: 'employees', fields: ['id'], access: 'read', rowFilters: [{ field: 'department', op: 'eq', value: 'hr' }] }] }] } as Partial<Manifest['spec']>);
    expect(wideningReasons(filtered, app(reads(['id']) as Partial<Manifest['spec']>))).toEqual(['a row filter on hr.employees removed or changed']);
  });
});

describe('outcome', () => {
  const assessment = (tier: 'low' | 'medium', warn: string[] = []) => ({ risk: { tier }, decision: { warn } }) as never;

  it('rejects on deny, keeping an app in force on its approved version', () => {
    expect(decideOutcome({ deny: ['no'], warn: [], riskTier: 'low', prior: null, widening: [], draft: false })).toMatchObject({ status: 'rejected', outcome: 'rejected', approve: false, reasons: ['no'] });
    const live = { status: 'approved' as const, approvedVersion: 2, approvedAssessment: assessment('low') };
    expect(decideOutcome({ deny: ['no'], warn: [], riskTier: 'low', prior: live, widening: [], draft: false })).toMatchObject({ status: 'approved', outcome: 'rejected', approve: false });
  });

  it('approves a new app with no warning and low risk, and queues anything else', () => {
    expect(decideOutcome({ deny: [], warn: [], riskTier: 'low', prior: null, widening: [], draft: false })).toMatchObject({ status: 'approved', approve: true });
    expect(decideOutcome({ deny: [], warn: ['w'], riskTier: 'low', prior: null, widening: [], draft: false })).toMatchObject({ status: 'pending_review', reasons: ['warning: w'] });
    expect(decideOutcome({ deny: [], warn: [], riskTier: 'medium', prior: null, widening: [], draft: false })).toMatchObject({ status: 'pending_review', reasons: ['risk is medium'] });
    expect(decideOutcome({ deny: [], warn: [], riskTier: 'low', prior: null, widening: [], draft: true })).toMatchObject({ status: 'draft', outcome: 'draft' });
  });

  it('re-approves an update of an app in force unless it widens, raises the risk or brings a new warning', () => {
    const live = { status: 'approved' as const, approvedVersion: 1, approvedAssessment: assessment('low', ['old']) };
    expect(decideOutcome({ deny: [], warn: ['old'], riskTier: 'low', prior: live, widening: [], draft: false })).toMatchObject({ status: 'approved', approve: true });
    expect(decideOutcome({ deny: [], warn: ['old'], riskTier: 'medium', prior: live, widening: ['new connector crm'], draft: false })).toMatchObject({
      status: 'pending_review',
      reasons: ['new connector crm', 'risk rose from low to medium'],
    });
    expect(decideOutcome({ deny: [], warn: ['old', 'fresh'], riskTier: 'low', prior: live, widening: [], draft: false }).reasons).toEqual(['new warning: fresh']);
  });
});

describe('credential scan', () => {
  it('finds a key in a JSON value by its path, and in YAML text by line and column, never echoing it', async () => {
    const m = app({ purpose: 'sync with key AKIAIOSFODNN7EXAMPLE nightly' } as Partial<Manifest['spec']>);
    const fromValue = await findCredentials(m, undefined, nowhere);
    expect(fromValue).toHaveLength(1);
    expect(fromValue[0]).toMatchObject({ path: 'spec.purpose' });
    const text = 'apiVersion: trellis.dev/v1\nkind: MicroApp\nmetadata:\n  name: a\nspec:\n  owner: user:ana@example.com\n  purpose: sync with key AKIAIOSFODNN7EXAMPLE nightly\n';
    const fromText = await findCredentials(m, text, nowhere);
    expect(fromText[0]).toMatchObject({ path: 'spec.purpose', line: 7, column: 26 });
    expect(JSON.stringify(fromText)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(await findCredentials(app({ purpose: 'no secrets here' } as Partial<Manifest['spec']>), undefined, nowhere)).toEqual([]);
  });
});

describe('admission documents', () => {
  it('makes one document per bound connector, or one without input.connector for a bundle that never reads it', () => {
    const m = app({ connectors: [{ name: 'hr', resources: [{ name: 'employees', fields: ['id'], access: 'read' }] }, { name: 'crm', resources: [{ name: 'accounts', fields: ['id'], access: 'read' }] }] } as Partial<Manifest['spec']>);
    const facts = {
      kind: 'register' as const, manifest: m, version: 1, status: 'draft' as const, approvedAt: null, owner: 'user:ana@example.com', ownerStatus: 'unknown' as const,
      classification: { declared: null, detected: null, effective: null, because: [] },
      risk: scoreRisk({ manifest: m, effectiveTier: null, fields: [], piiExports: [], ownerKind: 'user', ownerStatus: 'unknown', openFindings: 0 }, defaultRiskSettings),
      fields: [], catalogs, widening: [], openFindings: 0, subject: { id: 't', name: null, role: null, subject: null }, now: '2026-12-06T00:00:00.000Z',
    };
    const inputs = admissionInputs(facts);
    expect(inputs.map((i) => i['connector'])).toEqual(['hr', 'crm']);
    expect(documentsFor(inputs, true)).toBe(inputs);
    const once = documentsFor(inputs, false);
    expect(once).toHaveLength(1);
    expect('connector' in once[0]!).toBe(false);
    expect(once[0]!['connectors']).toEqual(inputs[0]!['connectors']);
    expect(admissionInputs({ ...facts, manifest: app() })).toHaveLength(1);
  });
});
