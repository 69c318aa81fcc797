/**
 * What a decision does to an app, pure (docs/governance.md, "The pipeline"):
 * - any `deny` rejects the version; an app already in force keeps its approved version;
 * - a new app (or a draft submitted) with no warning and low risk is approved automatically,
 *   otherwise it is queued for review;
 * - an update of an app in force is approved automatically unless it widens the data scope,
 *   raises the risk tier or brings a warning the approved version did not have.
 */
import type { AppStatus, Assessment, RiskTier } from '../catalog/index.ts';
import { riskTiers } from '../catalog/index.ts';

export interface OutcomeInput {
  deny: readonly string[];
  warn: readonly string[];
  riskTier: RiskTier;
  /** The app as it stands, or null for a new app. */
  prior: { status: AppStatus; approvedVersion: number | null; approvedAssessment: Assessment | null } | null;
  /** How the update widens the approved scope (widening.ts); empty for new apps. */
  widening: readonly string[];
  /** Keep the version as a draft: assessed, not decided. */
  draft: boolean;
}

export interface Outcome {
  status: AppStatus;
  outcome: 'approved' | 'pending_review' | 'rejected' | 'draft';
  /** The version becomes the one in force. */
  approve: boolean;
  reasons: string[];
}

/** An app whose approved version is in force, whatever is happening to its newest version. */
export function inForce(prior: OutcomeInput['prior']): boolean {
  return prior !== null && prior.approvedVersion !== null && (prior.status === 'approved' || prior.status === 'pending_review');
}

export function decideOutcome(i: OutcomeInput): Outcome {
  if (i.draft) return { status: 'draft', outcome: 'draft', approve: false, reasons: ['kept as a draft: submit it for a decision'] };
  const live = inForce(i.prior);
  if (i.deny.length > 0) {
    // The version is refused; an app in force stays on its approved version.
    return { status: live ? 'approved' : 'rejected', outcome: 'rejected', approve: false, reasons: [...i.deny] };
  }
  if (live) {
    const approved = i.prior!.approvedAssessment;
    const reasons = [...i.widening];
    const before = approved?.risk.tier;
    if (before && riskTiers.indexOf(i.riskTier) > riskTiers.indexOf(before)) reasons.push(`risk rose from ${before} to ${i.riskTier}`);
    const known = new Set(approved?.decision.warn ?? []);
    for (const w of i.warn) if (!known.has(w)) reasons.push(`new warning: ${w}`);
    return reasons.length === 0 ? { status: 'approved', outcome: 'approved', approve: true, reasons: ['does not widen the approved scope'] } : { status: 'pending_review', outcome: 'pending_review', approve: false, reasons };
  }
  const reasons = [...i.warn.map((w) => `warning: ${w}`)];
  if (i.riskTier !== 'low') reasons.push(`risk is ${i.riskTier}`);
  return reasons.length === 0 ? { status: 'approved', outcome: 'approved', approve: true, reasons: ['no warning and low risk'] } : { status: 'pending_review', outcome: 'pending_review', approve: false, reasons };
}
