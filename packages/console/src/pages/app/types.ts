/**
 * The catalog's shapes as the app page and the catalog read them: the server's own
 * declarations (packages/trellis/src/catalog/schema.ts, imported as types only, so no zod
 * reaches the bundle) and its vocabularies (plain constant lists with no dependencies), so the
 * console never keeps a second copy that could drift from the API.
 */
export type {
  ActorRef,
  AppDetail,
  AppList,
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
export { appStatuses, type AppStatus } from '../../../../trellis/src/catalog/lifecycle.ts';
export { classifications, riskTiers, type Classification, type RiskTier } from '../../../../trellis/src/catalog/vocabulary.ts';

export type Decision = NonNullable<AppDetail['decision']>;

/** GET /api/v1/apps/:name/diff: the two versions compared and the catalog's structured diff of them. */
export type DiffResult = { name: string; from: number; to: number } & StructuredDiff;
