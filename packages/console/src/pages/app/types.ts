/**
 * The shapes the catalog API sends for one app (GET /api/v1/apps/:name and its sub-resources),
 * written out for the console: the console is a separate package and does not import the
 * server's zod schemas, so these follow packages/trellis/src/catalog/schema.ts by hand.
 */

export const appStatuses = ['draft', 'pending_review', 'approved', 'rejected', 'suspended', 'retired'] as const;
export type AppStatus = (typeof appStatuses)[number];

export const classifications = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof classifications)[number];

export const riskTiers = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof riskTiers)[number];

/** Who made a change; the name is null for changes stored before names were kept. */
export interface ActorRef {
  id: string;
  name: string | null;
}

/** One row of the catalog list (GET /api/v1/apps). */
export interface AppSummary {
  name: string;
  title: string | null;
  description: string | null;
  owner: string;
  team: string | null;
  status: AppStatus;
  classification: Classification | null;
  risk_tier: RiskTier | null;
  runtime: 'external' | 'sandbox';
  connectors: string[];
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AppList {
  items: AppSummary[];
  next_cursor: string | null;
}

/** One field (or DLP sample finding) that raised the detected classification. */
export interface ClassificationReason {
  source: 'catalog' | 'sample';
  /** connector.resource.field */
  field: string;
  tags: string[];
  tier: Classification;
}

export interface ClassificationResult {
  declared: Classification | null;
  detected: Classification | null;
  /** The higher of declared and detected. */
  effective: Classification | null;
  because: ClassificationReason[];
}

export interface RiskFactor {
  name: string;
  weight: number;
  /** How strongly the factor applies, 0 to 1. */
  value: number;
  /** The factor's share of the score (all weights together make 100). */
  points: number;
  reason: string;
}

export interface RiskOverride {
  tier: RiskTier;
  reason: string;
  by: ActorRef;
  at: string;
}

export interface RiskResult {
  score: number;
  /** The tier in force: the override when one is set, else the computed tier. */
  tier: RiskTier;
  computed_tier: RiskTier;
  override: RiskOverride | null;
  factors: RiskFactor[];
}

export interface Decision {
  result: 'allow' | 'deny';
  outcome: 'approved' | 'pending_review' | 'rejected' | 'draft';
  deny: string[];
  warn: string[];
  reasons: string[];
  bundle: { version: number | null; digest: string | null };
  at: string;
}

/** A manifest as stored: the server validated it, the console only reads it. */
export type ManifestJson = Record<string, unknown>;

/** GET /api/v1/apps/:name: the app with its current manifest and governance's last verdict. */
export interface AppDetail extends Omit<AppSummary, 'classification'> {
  classification: ClassificationResult;
  risk: RiskResult | null;
  decision: Decision | null;
  /** The version in force (the last approved); null before any approval. */
  approved_version: number | null;
  manifest: ManifestJson;
  created_by: ActorRef;
  updated_by: ActorRef;
}

export interface AppVersionSummary {
  version: number;
  created_at: string;
  created_by: ActorRef;
  digest: string;
}

export interface AppVersion extends AppVersionSummary {
  manifest: ManifestJson;
}

/** One entry of GET /api/v1/apps/:name/transitions. */
export interface StatusChange {
  from: AppStatus;
  to: AppStatus;
  reason: string | null;
  at: string;
  by: ActorRef;
}

export interface DiffEntry {
  op: 'add' | 'remove' | 'change';
  /** JSON Pointer into the manifest. */
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface DiffResult {
  name: string;
  from: number;
  to: number;
  added: DiffEntry[];
  removed: DiffEntry[];
  changed: DiffEntry[];
}
