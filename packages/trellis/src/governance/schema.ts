/**
 * Governance's API shapes, defined once with zod: route schemas, OpenAPI and types come from
 * these. Settings (the tag → tier table, risk weights and thresholds), reviews and their
 * decisions, risk overrides, sample records attached to a registration, impact analysis.
 */
import { z } from 'zod';
import { classifications, riskTiers } from '../catalog/index.ts';
import { riskFactorNames } from './risk.ts';
import { checklistItems, reviewStatuses } from './vocabulary.ts';

export { checklistItems, reviewStatuses };

const tierSchema = z.enum(classifications);
const tagPattern = /^(?:\*|[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*(?:\.\*)?)$/;

export const settingsSchema = z.strictObject({
  tag_tiers: z
    .record(z.string().max(100).regex(tagPattern, 'must be a tag (pii.email), a prefix (pii.*) or * for any other tag'), tierSchema)
    .refine((t) => Object.keys(t).length <= 500, 'at most 500 entries')
    .meta({ description: 'Data tag or prefix → the tier it makes an app. The most specific entry wins; * covers any other tag.' }),
  risk: z.strictObject({
    weights: z.strictObject(Object.fromEntries(riskFactorNames.map((n) => [n, z.number().min(0).max(100)])) as Record<(typeof riskFactorNames)[number], z.ZodNumber>),
    thresholds: z
      .strictObject({ medium: z.int().min(1).max(100), high: z.int().min(1).max(100), critical: z.int().min(1).max(100) })
      .refine((t) => t.medium < t.high && t.high < t.critical, 'must rise: medium < high < critical'),
  }),
});
export type GovernanceSettings = z.infer<typeof settingsSchema>;

/** A patch of the settings: either part, or both. */
export const settingsPatchSchema = settingsSchema.partial();


export const checklistDescriptions: Record<(typeof checklistItems)[number], string> = {
  classification: 'The effective classification matches the data the app reads, and the reasons hold',
  retention: 'The retention period fits the data and the purpose',
  connectors: 'Each connector, resource and field is needed for the stated purpose',
  isolation: 'The runtime and egress keep data where it belongs (sandbox, no needless hosts)',
  monitoring: 'Someone owns the app, and its exports and errors are watched',
};


const actorSchema = z.object({ id: z.string(), name: z.string().nullable(), subject: z.string().nullable() });

export const reviewSchema = z.object({
  id: z.string(),
  app: z.string(),
  version: z.int(),
  kind: z.enum(['register', 'update', 'submit']),
  status: z.enum(reviewStatuses),
  owner: z.string(),
  classification: tierSchema.nullable(),
  risk: z.object({ tier: z.enum(riskTiers), score: z.int() }),
  reasons: z.array(z.string()).meta({ description: 'Why a person must decide: the risk tier, policy warnings, how an update widens the approved scope.' }),
  warnings: z.array(z.string()),
  submitted_at: z.string(),
  submitted_by: actorSchema,
  decided_at: z.string().nullable(),
  decided_by: actorSchema.nullable(),
  comment: z.string().nullable(),
  checklist: z.record(z.string(), z.boolean()).nullable(),
  decision_ms: z.number().nullable().meta({ description: 'Milliseconds from submission to decision.' }),
});
export type Review = z.infer<typeof reviewSchema>;

export const reviewListQuerySchema = z.strictObject({
  status: z.enum(reviewStatuses).optional(),
  app: z.string().max(63).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
});
export type ReviewListQuery = z.infer<typeof reviewListQuerySchema>;

export const reviewListSchema = z.object({ items: z.array(reviewSchema), next_cursor: z.string().nullable() });

export const decideBodySchema = z.strictObject({
  comment: z.string().max(4000).optional(),
  checklist: z
    .strictObject(Object.fromEntries(checklistItems.map((i) => [i, z.boolean()])) as Record<(typeof checklistItems)[number], z.ZodBoolean>)
    .partial()
    .optional()
    .meta({ description: `The reviewer's checklist: ${checklistItems.join(', ')}. Approving needs every item true.` }),
});
export type DecideBody = z.infer<typeof decideBodySchema>;

export const riskOverrideBodySchema = z.strictObject({
  tier: z.enum(riskTiers),
  reason: z.string().min(10, 'state the reason in a sentence (at least 10 characters)').max(2000),
});

/** Sample records an owner attaches to a registration: scanned by the DLP engine, never stored. */
export const samplesSchema = z
  .array(
    z.strictObject({
      connector: z.string().min(1).max(63),
      resource: z.string().min(1).max(128),
      records: z.array(z.record(z.string().max(128), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]))).min(1).max(100),
    }),
  )
  .max(20);
export type Samples = z.infer<typeof samplesSchema>;

export const impactBodySchema = z.strictObject({
  bundle: z.union([
    z.int().min(1).meta({ description: 'A stored bundle version.' }),
    z.strictObject({ modules: z.record(z.string().max(500), z.string()), data: z.record(z.string(), z.unknown()).optional(), regoVersion: z.enum(['v0', 'v1']).optional() }),
  ]),
  limit: z.int().min(1).max(10_000).optional().meta({ description: 'Most changed apps listed (default 1,000); the counts cover all.' }),
});
export type ImpactBody = z.infer<typeof impactBodySchema>;

const decisionSummary = z.object({ result: z.enum(['allow', 'deny']), deny: z.array(z.string()), warn: z.array(z.string()) });

export const impactResultSchema = z.object({
  apps: z.int().meta({ description: 'Apps evaluated.' }),
  changed: z.int().meta({ description: 'Apps whose decision or messages change.' }),
  flips: z.object({ to_deny: z.int(), to_allow: z.int() }),
  bundle: z.object({ from: z.int().nullable(), to: z.int().nullable() }),
  items: z.array(
    z.object({
      app: z.string(),
      status: z.string(),
      before: decisionSummary,
      after: decisionSummary,
      change: z.enum(['to_deny', 'to_allow', 'messages']),
      added: z.array(z.string()),
      removed: z.array(z.string()),
    }),
  ),
  truncated: z.boolean(),
  duration_ms: z.number(),
});
export type ImpactResult = z.infer<typeof impactResultSchema>;
