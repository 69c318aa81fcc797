/**
 * The catalog's closed vocabularies, free of dependencies so the CLI can offer them in help
 * and checks without loading the schema library. schema.ts builds its enums from these.
 */

export const classifications = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof classifications)[number];
export const runtimes = ['external', 'sandbox'] as const;
export const accessModes = ['read', 'write', 'read-write'] as const;
export const exportDestinations = ['slack', 'email', 'webhook', 'file', 'teams'] as const;
export const rowFilterOperators = ['eq', 'ne', 'in', 'not_in', 'lt', 'lte', 'gt', 'gte'] as const;
/** Risk tiers are computed by the risk capability (C3); the catalog only stores and filters them. */
export const riskTiers = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof riskTiers)[number];
/**
 * Orders of an app list: a key, descending with a leading `-`. Ties are always broken by name
 * ascending, and an app with no risk score sorts below every score (store.ts `listApps`).
 */
export const appSorts = ['name', '-name', 'updated_at', '-updated_at', 'created_at', '-created_at', 'risk_score', '-risk_score'] as const;
export type AppSort = (typeof appSorts)[number];
