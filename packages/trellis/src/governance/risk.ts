/**
 * Risk (C3), pure: a score from 0 to 100 made of named factors, each with its weight, how
 * strongly it applies (0–1) and its share of the score, so a reviewer sees exactly why an app
 * scored what it did. Weights and tier thresholds are settings an admin changes; the score is
 * Σ weight × value over Σ weight, so changing one weight never pushes the score past 100.
 */
import type { Classification, Manifest, RiskResult, RiskTier } from '../catalog/index.ts';
import { classifications } from '../catalog/index.ts';
import type { BoundField } from './classify.ts';

export const riskFactorNames = [
  'data_tier',
  'write_access',
  'scope',
  'pii_exports',
  'egress',
  'audience',
  'runtime',
  'credential',
  'owner_status',
  'open_findings',
] as const;
export type RiskFactorName = (typeof riskFactorNames)[number];

export interface RiskSettings {
  weights: Record<RiskFactorName, number>;
  /** Lowest score of each tier above low: medium ≥ thresholds.medium, and so on. */
  thresholds: { medium: number; high: number; critical: number };
}

export const defaultRiskSettings: RiskSettings = {
  weights: {
    data_tier: 30,
    write_access: 15,
    scope: 10,
    pii_exports: 10,
    egress: 10,
    audience: 10,
    runtime: 5,
    credential: 5,
    owner_status: 5,
    open_findings: 10,
  },
  thresholds: { medium: 25, high: 50, critical: 75 },
};

export type OwnerStatus = 'active' | 'inactive' | 'unknown';

/** What the score is computed from, all already resolved (classification, fields, owner). */
export interface RiskInput {
  manifest: Manifest;
  effectiveTier: Classification | null;
  fields: readonly BoundField[];
  /** Exports that carry a field tagged as personal data, and whether each is DLP-inspected. */
  piiExports: readonly { inspect: boolean }[];
  ownerKind: 'user' | 'group';
  ownerStatus: OwnerStatus;
  openFindings: number;
}

export function tierOfScore(score: number, thresholds: RiskSettings['thresholds']): RiskTier {
  if (score >= thresholds.critical) return 'critical';
  if (score >= thresholds.high) return 'high';
  if (score >= thresholds.medium) return 'medium';
  return 'low';
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function factorValues(input: RiskInput): Record<RiskFactorName, { value: number; reason: string }> {
  const { manifest, fields } = input;
  const tierIndex = input.effectiveTier === null ? 0 : classifications.indexOf(input.effectiveTier);
  const writes = fields.filter((f) => f.access !== 'read');
  const restrictedWrites = writes.filter((f) => f.tier === 'restricted');
  const connectorCount = manifest.spec.connectors?.length ?? 0;
  const egress = manifest.spec.egress ?? [];
  const users = manifest.spec.users;
  const count = users?.count ?? 0;
  const uninspected = input.piiExports.filter((e) => !e.inspect).length;
  return {
    data_tier: { value: tierIndex / (classifications.length - 1), reason: `data is ${input.effectiveTier ?? 'unclassified'}` },
    write_access: {
      value: restrictedWrites.length > 0 ? 1 : writes.length > 0 ? 0.5 : 0,
      reason: restrictedWrites.length > 0 ? `writes ${restrictedWrites.length} restricted field(s)` : writes.length > 0 ? `writes ${writes.length} field(s)` : 'read only',
    },
    scope: {
      // Each connector beyond the first, and every 10 fields, widen what a leak exposes.
      value: Math.min(1, Math.max(0, connectorCount - 1) * 0.25 + fields.length / 50),
      reason: `${connectorCount} connector(s), ${fields.length} field(s)`,
    },
    pii_exports: {
      value: uninspected > 0 ? 1 : input.piiExports.length > 0 ? 0.4 : 0,
      reason: input.piiExports.length === 0 ? 'no export carries personal data' : `${input.piiExports.length} export(s) carry personal data, ${uninspected} without DLP inspection`,
    },
    egress: { value: Math.min(1, egress.length / 5), reason: egress.length === 0 ? 'no egress outside the gateway' : `${egress.length} egress host(s)` },
    audience: {
      // log scale: 10 users 0.26, 100 users 0.5, 10,000 users 1.
      // External users count double: the app faces people the organisation does not vet.
      value: Math.min(1, Math.log10(count + 1) / 4 + (users?.external ? 0.5 : 0)),
      reason: users ? `${count} user(s)${users.groups?.length ? ` in ${users.groups.length} group(s)` : ''}${users.external ? ', some outside the organisation' : ''}` : 'audience not stated',
    },
    runtime: { value: manifest.spec.runtime === 'sandbox' ? 0 : 1, reason: manifest.spec.runtime === 'sandbox' ? 'runs in the Trellis sandbox' : 'runs outside Trellis (external)' },
    credential: {
      // Until the app has a service identity (issue: identity), it holds no Trellis credential;
      // an external runtime is where a pasted key would live.
      value: manifest.spec.runtime === 'sandbox' ? 0 : 0.5,
      reason: manifest.spec.runtime === 'sandbox' ? 'short-lived tokens issued to the sandbox' : 'credentials held by an external runtime',
    },
    owner_status: {
      value: input.ownerStatus === 'inactive' ? 1 : input.ownerKind === 'group' ? 0.5 : input.ownerStatus === 'unknown' ? 0.5 : 0,
      reason: input.ownerStatus === 'inactive' ? 'owner is no longer active' : input.ownerKind === 'group' ? 'owned by a group, not a person' : `owner status ${input.ownerStatus}`,
    },
    open_findings: { value: Math.min(1, input.openFindings / 5), reason: `${input.openFindings} open finding(s)` },
  };
}

/** Score an app. `override` (an admin's, with its reason) sets the tier in force; the score stays as computed. */
export function scoreRisk(input: RiskInput, settings: RiskSettings, override: RiskResult['override'] = null): RiskResult {
  const values = factorValues(input);
  const total = riskFactorNames.reduce((n, f) => n + Math.max(0, settings.weights[f]), 0);
  const factors = riskFactorNames.map((name) => {
    const weight = Math.max(0, settings.weights[name]);
    const { value, reason } = values[name];
    return { name, weight, value: round1(value * 100) / 100, points: total === 0 ? 0 : round1((100 * weight * value) / total), reason };
  });
  const score = Math.min(100, Math.round(factors.reduce((n, f) => n + (total === 0 ? 0 : (100 * f.weight * values[f.name].value) / total), 0)));
  const computed = tierOfScore(score, settings.thresholds);
  return { score, tier: override?.tier ?? computed, computed_tier: computed, override, factors };
}
