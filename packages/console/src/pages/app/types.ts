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
import type { z } from 'zod';
import type { AppDetail, diffResultSchema } from '../../../../trellis/src/catalog/schema.ts';
export { appStatuses, type AppStatus } from '../../../../trellis/src/catalog/lifecycle.ts';
export { classifications, riskTiers, type Classification, type RiskTier } from '../../../../trellis/src/catalog/vocabulary.ts';

/** One field (or DLP sample finding) that raised the detected classification. */
export type ClassificationReason = AppDetail['classification']['because'][number];
export type RiskFactor = NonNullable<AppDetail['risk']>['factors'][number];
export type Decision = NonNullable<AppDetail['decision']>;
/** A manifest as stored: the server validated it, the console only reads it. */
export type ManifestJson = AppDetail['manifest'];

/** GET /api/v1/apps/:name/diff: the route's schema, as a type (`typeof` of a type-only import). */
export type DiffResult = z.infer<typeof diffResultSchema>;
export type DiffEntry = DiffResult['added'][number];
