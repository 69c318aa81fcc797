/**
 * The catalog's shapes as the app page and the catalog read them: the server's own
 * declarations (packages/trellis/src/catalog/schema.ts, imported as types only, so none of the
 * server's code reaches the bundle), so the console keeps no second copy that could drift.
 */
export type {
  ActorRef,
  AppDetail,
  AppList,
  AppListQuery,
  AppSummary,
  AppVersion,
  AppVersionSummary,
  ClassificationResult,
  RiskResult,
  StatusChange,
} from '../../../../trellis/src/catalog/schema.ts';
import type { AppDetail } from '../../../../trellis/src/catalog/schema.ts';
import type { StructuredDiff } from '../../../../trellis/src/catalog/diff.ts';
export type { DiffEntry } from '../../../../trellis/src/catalog/diff.ts';
import type { AppStatus } from '../../../../trellis/src/catalog/lifecycle.ts';
import type { Classification, RiskTier } from '../../../../trellis/src/catalog/vocabulary.ts';
export type { AppStatus, Classification, RiskTier };

// The vocabularies as values. Only types cross from the server's sources (erased at build), so
// the bundle holds none of its code; `satisfies` fails the type-check if a list names a value the API does not.
export const appStatuses = ['draft', 'pending_review', 'approved', 'rejected', 'suspended', 'retired'] as const satisfies readonly AppStatus[];
export const classifications = ['public', 'internal', 'confidential', 'restricted'] as const satisfies readonly Classification[];
export const riskTiers = ['low', 'medium', 'high', 'critical'] as const satisfies readonly RiskTier[];

export type Decision = NonNullable<AppDetail['decision']>;

/** GET /api/v1/apps/:name/diff: the two versions compared and the catalog's structured diff of them. */
export type DiffResult = { name: string; from: number; to: number } & StructuredDiff;
