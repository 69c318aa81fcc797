/**
 * The app manifest (`trellis.yaml`) and the catalog's API shapes, declared once with zod.
 * The same declarations validate input, give the TypeScript types, and generate the JSON
 * Schema that editors, CI and the API publish (`manifestJsonSchema`). Objects are strict:
 * a misspelt field is an error, never silently ignored, because a governance manifest that
 * quietly drops `egress` or `exports` would approve something other than what was asked.
 */
import { z } from 'zod';
import { appStatuses } from './lifecycle.ts';
import { accessModes, appSorts, classifications, exportDestinations, riskTiers, rowFilterOperators, runtimes } from './vocabulary.ts';

export const manifestApiVersion = 'trellis.dev/v1';
export const manifestKind = 'MicroApp';

export type { Classification, RiskTier } from './vocabulary.ts';

// Kubernetes/DNS-label rules: safe in URLs, file names, database identifiers and hostnames,
// and no '/', '.' or '..' can ever reach a path.
export const appNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const appNameMessage = "must be a DNS label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit (no '/', '.' or other path characters)";

const emailPattern = '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}';
const refNamePattern = `(?:${emailPattern}|[A-Za-z0-9][A-Za-z0-9._-]*)`;
// `user:jane@example.com`, `group:hr-analytics`, Backstage style `user:default/jane`, or an e-mail.
export const ownerPattern = new RegExp(`^(?:(?:user|group):(?:[a-z0-9][a-z0-9._-]*/)?${refNamePattern}|${emailPattern})$`);
const hostnamePattern = /^(?:\*\.)?(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const labelKeyPattern = /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const tagPattern = /^[a-z0-9]+(?:[-:+#.][a-z0-9]+)*$/;
const slugPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Adds one error per repeated value, at the repeat, so the author sees which entry to remove. */
function unique<T>(key: (item: T) => string, what: string, field?: string) {
  return (items: T[], ctx: z.core.$RefinementCtx<T[]>): void => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: field ? [i, field] : [i], message: `duplicate ${what} "${k}"` });
      seen.add(k);
    });
  };
}

/** Every string of a manifest. PostgreSQL can store no U+0000 in text or jsonb, so a NUL would
 *  fail at the database as an internal error; refused here, naming the field, it is a validation
 *  error wherever manifests are checked (API, `trellis validate`, Backstage import). */
export function manifestString() {
  return z.string().refine((s) => !s.includes('\0'), { message: 'must not contain NUL (U+0000) characters', abort: true });
}

export const appNameSchema = manifestString()
  .min(1, { message: appNameMessage, abort: true })
  .max(63, { message: 'must be at most 63 characters', abort: true })
  .regex(appNamePattern, appNameMessage)
  .meta({ description: 'Unique app name, a DNS label (1-63 chars, [a-z0-9-]).', examples: ['leave-requests'] });

const hostnameSchema = manifestString()
  .max(253)
  .regex(hostnamePattern, 'must be a lower-case hostname such as api.example.com (no scheme, port, path or upper case; "*." allowed as a prefix)')
  .refine((h) => !/^(?:\d+\.){3}\d+$/.test(h), 'must be a hostname, not an IP address (the gateway resolves and checks addresses itself)');

export const fieldNameSchema = manifestString().min(1).max(128).regex(identifierPattern, 'must be a field name: letters, digits, "_", "." and "-", not starting with a digit');

const rowFilterScalar = z.union([manifestString().max(1024), z.number(), z.boolean()]);

export const rowFilterSchema = z
  .strictObject({
    field: fieldNameSchema,
    op: z.enum(rowFilterOperators),
    value: z.union([rowFilterScalar, z.array(rowFilterScalar).max(1000)]),
  })
  .meta({ description: 'A row filter the gateway adds to every read of the resource.' });

export const resourceSchema = z.strictObject({
  name: manifestString().min(1).max(128).regex(identifierPattern, 'must be a resource name: letters, digits, "_", "." and "-", not starting with a digit'),
  fields: z.array(fieldNameSchema).min(1, 'list at least one field (the gateway only returns listed fields)').max(500).superRefine(unique((f) => f, 'field')),
  access: z.enum(accessModes),
  rowFilters: z.array(rowFilterSchema).max(50).optional(),
});

export const connectorUseSchema = z.strictObject({
  name: manifestString().min(1).max(63).regex(slugPattern, 'must be a connector name: lowercase letters, digits and "-"'),
  resources: z.array(resourceSchema).min(1, 'list at least one resource').max(200).superRefine(unique((r) => r.name, 'resource', 'name')),
});

export const exportSchema = z.strictObject({
  destination: z.enum(exportDestinations),
  target: manifestString().min(1).max(1024).meta({ description: 'Channel, address, URL or path, depending on the destination.' }),
  fields: z.array(fieldNameSchema).max(500).superRefine(unique((f) => f, 'field')),
  inspect: z.boolean().optional().meta({ description: 'Route the export through the DLP export gate, which masks personal data by policy before it leaves.' }),
});

export const manifestMetadataSchema = z.strictObject({
  name: appNameSchema,
  title: manifestString().min(1).max(200).optional(),
  description: manifestString().max(4000).optional(),
  labels: z.record(manifestString().max(317).regex(labelKeyPattern, 'must be a label key like team or example.com/cost-center'), manifestString().max(63)).optional(),
  annotations: z.record(manifestString().max(317).regex(labelKeyPattern, 'must be an annotation key like example.com/runbook'), manifestString().max(4096)).optional(),
  tags: z.array(manifestString().min(1).max(63).regex(tagPattern, 'must be a lower-case tag like hr or data-export')).max(32).superRefine(unique((t) => t, 'tag')).optional(),
});

export const manifestSpecSchema = z.strictObject({
  owner: z
    .string()
    .max(320)
    .regex(ownerPattern, 'must be a user reference like user:jane@example.com (or group:team-name), or an e-mail address')
    .meta({ description: 'Accountable owner: user:<email|name>, group:<name>, or an e-mail address.' }),
  team: manifestString().min(1).max(100).optional(),
  purpose: manifestString().min(1).max(2000).optional(),
  classification: z.enum(classifications).optional().meta({ description: 'Declared data classification; the detected one wins when higher.' }),
  template: manifestString().min(1).max(100).regex(slugPattern, 'must be a template name: lowercase letters, digits and "-"').optional(),
  runtime: z.enum(runtimes).optional(),
  connectors: z.array(connectorUseSchema).max(100).superRefine(unique((c) => c.name, 'connector', 'name')).optional(),
  exports: z.array(exportSchema).max(100).optional(),
  egress: z.array(hostnameSchema).max(200).superRefine(unique((h) => h, 'egress host')).optional().meta({ description: 'Hostnames the app may reach outside the gateway.' }),
  users: z
    .strictObject({
      count: z.int().min(0).max(10_000_000).optional(),
      groups: z.array(manifestString().min(1).max(256)).max(100).optional(),
      external: z.boolean().optional().meta({ description: 'Whether people outside the organisation (customers, partners) use the app.' }),
    })
    .refine((u) => u.count !== undefined || u.groups !== undefined, 'give count, groups or both')
    .optional(),
  retention: z.strictObject({ days: z.int().min(1).max(36500) }).optional(),
});

export const manifestSchema = z
  .strictObject({
    apiVersion: z.literal(manifestApiVersion),
    kind: z.literal(manifestKind),
    metadata: manifestMetadataSchema,
    spec: manifestSpecSchema,
  })
  .meta({
    title: 'Trellis micro-app manifest (trellis.yaml)',
    description: 'Describes one micro-app: who owns it, what data it touches and where data may go.',
  });

export type Manifest = z.infer<typeof manifestSchema>;

/** The manifest's JSON Schema (draft 2020-12), as served by the API and committed under docs/schemas. */
export function manifestJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(manifestSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  // $id set here rather than through zod's `id` meta, which would move the schema into $defs.
  const { $schema, ...rest } = generated;
  return { $schema, $id: manifestSchemaId, ...rest };
}

export const manifestSchemaId = 'https://trellis.dev/schemas/trellis-manifest.schema.json';

// ---------------------------------------------------------------------------------------------
// API shapes. Route schemas are generated from these, so the wire format has one definition.

export const appStatusSchema = z.enum(appStatuses);

export const appSummarySchema = z.object({
  name: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  owner: z.string(),
  team: z.string().nullable(),
  status: appStatusSchema,
  classification: z.enum(classifications).nullable(),
  risk_tier: z.enum(riskTiers).nullable(),
  /** 0–100, the number behind the tier (what sort=-risk_score orders by); null until assessed. */
  risk_score: z.int().min(0).max(100).nullable(),
  runtime: z.enum(runtimes),
  connectors: z.array(z.string()),
  version: z.int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AppSummary = z.infer<typeof appSummarySchema>;

/**
 * Who made a change: the actor's id (for API tokens, the token id) and display name at the
 * time (the token's name). The name is null for changes stored before names were kept.
 */
const actorRefSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
});
export type ActorRef = z.infer<typeof actorRefSchema>;

const tierSchema = z.enum(classifications);

/** Why an app's data is classified as it is: one entry per field (or sample finding) that raised the tier. */
export const classificationReasonSchema = z.object({
  source: z.enum(['catalog', 'sample']).meta({ description: "catalog: the connector's field catalog tags the field; sample: the DLP engine found the data in an attached sample record" }),
  field: z.string().meta({ description: 'connector.resource.field' }),
  tags: z.array(z.string()),
  tier: tierSchema,
});

export const classificationSchema = z.object({
  declared: tierSchema.nullable(),
  detected: tierSchema.nullable(),
  effective: tierSchema.nullable().meta({ description: 'The higher of declared and detected.' }),
  because: z.array(classificationReasonSchema),
});
export type ClassificationResult = z.infer<typeof classificationSchema>;

export const riskFactorSchema = z.object({
  name: z.string(),
  weight: z.number(),
  value: z.number().meta({ description: 'How strongly the factor applies, 0 to 1.' }),
  points: z.number().meta({ description: "The factor's share of the score: weight × value, scaled so all weights together make 100." }),
  reason: z.string(),
});

export const riskOverrideSchema = z.object({ tier: z.enum(riskTiers), reason: z.string(), by: z.object({ id: z.string(), name: z.string().nullable() }), at: z.string() });

export const riskSchema = z.object({
  score: z.int(),
  tier: z.enum(riskTiers).meta({ description: 'The tier in force: the override when an admin set one, else the computed tier.' }),
  computed_tier: z.enum(riskTiers),
  override: riskOverrideSchema.nullable(),
  factors: z.array(riskFactorSchema),
});
export type RiskResult = z.infer<typeof riskSchema>;

export const decisionSchema = z.object({
  result: z.enum(['allow', 'deny']).meta({ description: 'What the admission policy answered.' }),
  outcome: z.enum(['approved', 'pending_review', 'rejected', 'draft']).meta({ description: 'What happened to the version: approved automatically, queued for review, rejected, or kept as a draft.' }),
  deny: z.array(z.string()),
  warn: z.array(z.string()),
  reasons: z.array(z.string()).meta({ description: 'Why the outcome: the risk tier, warnings, or how an update widens the approved scope.' }),
  bundle: z.object({ version: z.int().nullable(), digest: z.string().nullable() }),
  at: z.string(),
});

/** Governance's verdict on one manifest version, stored with it. */
export const assessmentSchema = z.object({ classification: classificationSchema, risk: riskSchema, decision: decisionSchema });
export type Assessment = z.infer<typeof assessmentSchema>;

export const appDetailSchema = appSummarySchema.extend({
  classification: classificationSchema,
  risk: riskSchema.nullable(),
  decision: decisionSchema.nullable(),
  approved_version: z.int().nullable().meta({ description: 'The version in force: the last one approved; null before any approval.' }),
  manifest: z.record(z.string(), z.unknown()),
  created_by: actorRefSchema,
  updated_by: actorRefSchema,
});
export type AppDetail = z.infer<typeof appDetailSchema>;

export const appVersionSchema = z.object({
  version: z.int(),
  created_at: z.string(),
  created_by: actorRefSchema,
  digest: z.string(),
  manifest: z.record(z.string(), z.unknown()),
});
export type AppVersion = z.infer<typeof appVersionSchema>;

export const appVersionSummarySchema = appVersionSchema.omit({ manifest: true });
export type AppVersionSummary = z.infer<typeof appVersionSummarySchema>;

export const appListQuerySchema = z.strictObject({
  owner: z.string().max(320).optional(),
  team: z.string().max(100).optional(),
  status: appStatusSchema.optional(),
  classification: z.enum(classifications).optional(),
  risk: z.enum(riskTiers).optional(),
  connector: z.string().max(63).optional(),
  q: z.string().min(1).max(200).optional(),
  sort: z.enum(appSorts).optional().meta({ description: 'Order of the list: a key, descending with a leading "-"; ties by name ascending; apps with no risk score sort below every score. Default name.' }),
  limit: z.int().min(1).max(200).optional(),
  cursor: z.string().max(512).optional(),
});
export type AppListQuery = z.infer<typeof appListQuerySchema>;

export const appListSchema = z.object({
  items: z.array(appSummarySchema),
  next_cursor: z.string().nullable(),
});
export type AppList = z.infer<typeof appListSchema>;

export const transitionBodySchema = z.strictObject({
  to: appStatusSchema,
  reason: z.string().max(2000).optional(),
});
export type TransitionBody = z.infer<typeof transitionBodySchema>;

export const transitionResultSchema = z.object({
  name: z.string(),
  from: appStatusSchema,
  to: appStatusSchema,
  by: actorRefSchema,
  app: appSummarySchema,
});

/** One entry of an app's status history. */
export const statusChangeSchema = z.object({
  from: appStatusSchema,
  to: appStatusSchema,
  reason: z.string().nullable(),
  at: z.string(),
  by: actorRefSchema,
});
export type StatusChange = z.infer<typeof statusChangeSchema>;

export const fieldErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
  line: z.int().optional(),
  column: z.int().optional(),
});

export const validateResultSchema = z.object({
  valid: z.boolean(),
  errors: z.array(fieldErrorSchema),
  manifest: z.record(z.string(), z.unknown()).nullable(),
});

export const diffEntrySchema = z.object({
  op: z.enum(['add', 'remove', 'change']),
  path: z.string(),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
});

export const diffResultSchema = z.object({
  name: z.string(),
  from: z.int(),
  to: z.int(),
  added: z.array(diffEntrySchema),
  removed: z.array(diffEntrySchema),
  changed: z.array(diffEntrySchema),
});

export const importEntrySchema = z.object({
  index: z.int(),
  kind: z.string().nullable(),
  name: z.string().nullable(),
  status: z.enum(['imported', 'skipped', 'failed']),
  reason: z.string().optional(),
  app: z.string().optional(),
  errors: z.array(fieldErrorSchema).optional(),
});
export type ImportEntry = z.infer<typeof importEntrySchema>;

export const importResultSchema = z.object({
  imported: z.int(),
  skipped: z.int(),
  failed: z.int(),
  entities: z.array(importEntrySchema),
});
export type ImportResult = z.infer<typeof importResultSchema>;
