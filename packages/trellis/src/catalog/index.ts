/**
 * The catalog module's public interface (capability C1): what other modules may import.
 * Everything else in catalog/ is internal; its tables are reached only through CatalogService.
 */
export { CatalogService, type Caller, type ManifestInput, type TransitionResult, type AppDiff } from './service.ts';
export { catalogRoutes } from './routes.ts';
export { catalogMigrations } from './migrations.ts';
export type { CatalogTables } from './rows.ts';
export { appStatuses, checkTransition, transitionPermission, type AppStatus } from './lifecycle.ts';
export { parseManifestText, validateManifestValue, manifestLimits, type ManifestResult } from './manifest.ts';
export { manifestSchema, manifestJsonSchema, classifications, riskTiers, type Manifest, type AppSummary, type AppDetail, type Classification, type RiskTier } from './schema.ts';
