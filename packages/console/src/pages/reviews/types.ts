/**
 * The review queue's shapes (GET /api/v1/reviews, GET /api/v1/reviews/:id, the decisions). The
 * catalog's parts are the server's own declarations (packages/trellis/src/catalog/schema.ts and
 * its vocabularies, imported as types only, so none of the server's code reaches the bundle).
 * The review's own shapes stay written out here: their declarations (governance/schema.ts,
 * governance/reviews.ts) import the catalog module's door, the whole server, which cannot be
 * type-checked under the console's settings; their vocabularies are the server's.
 */
import type { AppDetail } from '../../../../trellis/src/catalog/schema.ts';
import type { Classification, RiskTier } from '../../../../trellis/src/catalog/vocabulary.ts';
import type { checklistItems, reviewStatuses as serverReviewStatuses } from '../../../../trellis/src/governance/vocabulary.ts';
export type { AppVersion } from '../../../../trellis/src/catalog/schema.ts';

export type ReviewStatus = (typeof serverReviewStatuses)[number];
// The statuses as values (the queue's filter); `satisfies` fails the type-check if the list
// names a status the API does not.
export const reviewStatuses = ['open', 'approved', 'rejected', 'changes_requested', 'superseded', 'withdrawn'] as const satisfies readonly ReviewStatus[];

interface ReviewActor {
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

export interface ReviewDetail {
  review: Review;
  /** The app as the catalog gives it: its classification with the fields behind it, risk and decision. */
  app: AppDetail;
  checklist: { item: string; description: string }[];
  /** For an update: how it widens the approved scope. */
  widening: string[];
}

export type Verdict = 'approve' | 'reject' | 'request-changes';

/** The checklist's items are the server's vocabulary: the body is a strict object of them. */
export interface DecideBody {
  comment?: string;
  checklist?: Partial<Record<(typeof checklistItems)[number], boolean>>;
}
