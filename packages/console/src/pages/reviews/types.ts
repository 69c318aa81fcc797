/**
 * The review queue's shapes (GET /api/v1/reviews, GET /api/v1/reviews/:id, the decisions),
 * written by hand from packages/trellis/src/governance/schema.ts and catalog/schema.ts: the
 * console does not import the server's schemas.
 */

export const reviewStatuses = ['open', 'approved', 'rejected', 'changes_requested', 'superseded', 'withdrawn'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];
export type RiskTier = 'low' | 'medium' | 'high' | 'critical';
export type Classification = 'public' | 'internal' | 'confidential' | 'restricted';

export interface ReviewActor {
  id: string;
  name: string | null;
  subject: string | null;
}

export interface Review {
  id: string;
  app: string;
  version: number;
  kind: 'register' | 'update' | 'submit';
  status: ReviewStatus;
  owner: string;
  classification: Classification | null;
  risk: { tier: RiskTier; score: number };
  /** Why a person must decide: the risk tier, policy warnings, how an update widens the scope. */
  reasons: string[];
  warnings: string[];
  submitted_at: string;
  submitted_by: ReviewActor;
  decided_at: string | null;
  decided_by: ReviewActor | null;
  comment: string | null;
  checklist: Record<string, boolean> | null;
  decision_ms: number | null;
}

export interface ReviewList {
  items: Review[];
  next_cursor: string | null;
}

export interface RiskFactor {
  name: string;
  weight: number;
  value: number;
  points: number;
  reason: string;
}

/** The app as the review shows it: its classification with the fields behind it, risk and decision. */
export interface ReviewedApp {
  name: string;
  title: string | null;
  status: string;
  version: number;
  classification: {
    declared: Classification | null;
    detected: Classification | null;
    effective: Classification | null;
    because: { source: 'catalog' | 'sample'; field: string; tags: string[]; tier: Classification }[];
  };
  risk: { score: number; tier: RiskTier; computed_tier: RiskTier; factors: RiskFactor[]; override: { tier: RiskTier; reason: string } | null } | null;
  decision: { result: 'allow' | 'deny'; outcome: string; deny: string[]; warn: string[]; reasons: string[] } | null;
}

export interface ReviewDetail {
  review: Review;
  app: ReviewedApp;
  checklist: { item: string; description: string }[];
  /** For an update: how it widens the approved scope. */
  widening: string[];
}

export type Verdict = 'approve' | 'reject' | 'request-changes';

export interface DecideBody {
  comment?: string;
  checklist?: Record<string, boolean>;
}

/** GET /api/v1/apps/:name/versions/:version: the manifest under review. */
export interface AppVersion {
  version: number;
  manifest: Record<string, unknown>;
}
