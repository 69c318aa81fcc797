/**
 * The `kind: Connector` manifest and the connectors API's shapes, declared once with zod: the
 * same declarations validate input, give the TypeScript types and generate the routes' JSON
 * Schema. Names, owners and strings follow the app manifest's rules (taken from the catalog,
 * so both manifests agree); objects are strict, because a misspelt `tags` that was silently
 * dropped would leave a field untagged and so unclassified.
 */
import { z } from 'zod';
import { classifications } from '../catalog/index.ts';
import { appNameSchema, fieldErrorSchema, fieldNameSchema, manifestApiVersion, manifestString, ownerPattern, resourceSchema as appResourceSchema } from './catalog-kit.ts';

export const connectorKind = 'Connector';
export const connectorTypes = ['postgres', 'http'] as const;
export type ConnectorType = (typeof connectorTypes)[number];
export const connectorStatuses = ['active', 'retired'] as const;
export type ConnectorStatus = (typeof connectorStatuses)[number];
export const resourceKinds = ['table', 'view'] as const;
export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** `pii.email`, `phi.*`, `secret`: a lower-case word, then dotted parts (`*` allowed in them). */
export const tagPattern = /^[a-z][a-z0-9_-]*(\.[a-z0-9_*-]+)*$/;
export const maxTagsPerField = 20;
export const maxResources = 500;
export const maxFieldsPerResource = 1000;

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

export const tagSchema = manifestString()
  .min(1)
  .max(100)
  .regex(tagPattern, 'must be a data tag: lower-case dotted words such as pii.email, phi.diagnosis or secret');

const tiersSchema = z.array(z.enum(classifications)).min(1, 'list at least one tier, or leave tiers out to allow every tier').max(classifications.length).superRefine(unique((t) => t, 'tier'));

// A path template: starts with '/', URL path characters only, `{name}` for parameters; no query or fragment.
const pathTemplatePattern = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@%/]|\{[A-Za-z_][A-Za-z0-9_]*\})*$/;

export const connectorFieldSchema = z.strictObject({
  name: fieldNameSchema,
  tags: z.array(tagSchema).max(maxTagsPerField).superRefine(unique((t) => t, 'tag')).optional().meta({ description: 'Data tags of the field; none means untagged.' }),
  description: manifestString().max(2000).optional(),
});

export const connectorResourceSchema = z.strictObject({
  name: appResourceSchema.shape.name.meta({ description: 'postgres: a table or view, schema-qualified allowed (hr.employees); http: an identifier.' }),
  description: manifestString().max(2000).optional(),
  path: manifestString().max(1024).regex(pathTemplatePattern, 'must be a path template such as /v1/employees/{id} (starting with "/", no query or fragment)').optional().meta({ description: 'http only: the path template (required for http).' }),
  methods: z.array(z.enum(httpMethods)).min(1).max(httpMethods.length).superRefine(unique((m) => m, 'method')).optional().meta({ description: 'http only: the methods the resource answers.' }),
  kind: z.enum(resourceKinds).optional().meta({ description: 'postgres only: table or view.' }),
  tiers: tiersSchema.optional().meta({ description: "App classification tiers that may bind this resource; a subset of the connector's." }),
  fields: z.array(connectorFieldSchema).min(1, 'list at least one field').max(maxFieldsPerResource).superRefine(unique((f) => f.name, 'field', 'name')),
});

export const connectorSpecSchema = z
  .strictObject({
    type: z.enum(connectorTypes),
    owner: z.string().max(320).regex(ownerPattern, 'must be a user reference like user:jane@example.com (or group:team-name), or an e-mail address'),
    tiers: tiersSchema.optional().meta({ description: 'App classification tiers that may bind this connector (default: all).' }),
    resources: z.array(connectorResourceSchema).min(1, 'list at least one resource').max(maxResources).superRefine(unique((r) => r.name, 'resource', 'name')),
  })
  .superRefine((spec, ctx) => {
    // What a resource may say depends on the connector's type; each misplaced key is named.
    spec.resources.forEach((r, i) => {
      if (spec.type === 'postgres') {
        if (r.path !== undefined) ctx.addIssue({ code: 'custom', path: ['resources', i, 'path'], message: 'is for http connectors; a postgres resource is a table or view named by `name`' });
        if (r.methods !== undefined) ctx.addIssue({ code: 'custom', path: ['resources', i, 'methods'], message: 'is for http connectors only' });
      } else {
        if (r.path === undefined) ctx.addIssue({ code: 'custom', path: ['resources', i, 'path'], message: 'is required for an http resource (its path template, e.g. /v1/employees/{id})' });
        if (r.kind !== undefined) ctx.addIssue({ code: 'custom', path: ['resources', i, 'kind'], message: 'is for postgres connectors only (table or view)' });
      }
      if (r.tiers && spec.tiers) {
        const outside = r.tiers.filter((t) => !spec.tiers!.includes(t));
        if (outside.length > 0) ctx.addIssue({ code: 'custom', path: ['resources', i, 'tiers'], message: `must be a subset of the connector's tiers (${spec.tiers.join(', ')}); ${outside.join(', ')} is not` });
      }
    });
  });

export const connectorMetadataSchema = z.strictObject({
  name: appNameSchema.meta({ description: 'Unique connector name, a DNS label; apps bind it by this name.', examples: ['hr'] }),
  title: manifestString().min(1).max(200).optional(),
  description: manifestString().max(4000).optional(),
});

export const connectorManifestSchema = z
  .strictObject({
    apiVersion: z.literal(manifestApiVersion),
    kind: z.literal(connectorKind),
    metadata: connectorMetadataSchema,
    spec: connectorSpecSchema,
  })
  .meta({ title: 'Trellis connector (kind: Connector)', description: 'A data source apps bind, with the data tags of every field it exposes.' });

export type ConnectorManifest = z.infer<typeof connectorManifestSchema>;

// ---------------------------------------------------------------------------------------------
// API shapes.

const actorRefSchema = z.object({ id: z.string(), name: z.string().nullable() });

const catalogFieldSchema = z.object({ name: z.string(), tags: z.array(z.string()) });
const catalogResourceSchema = z.object({
  name: z.string(),
  kind: z.enum(resourceKinds).optional(),
  path: z.string().optional(),
  methods: z.array(z.string()).optional(),
  tiers: z.array(z.enum(classifications)),
  fields: z.array(catalogFieldSchema),
});
/** The field catalog governance reads: tiers resolved (defaults applied), every field with its tags. */
export const connectorCatalogSchema = z.object({
  name: z.string(),
  type: z.enum(connectorTypes),
  version: z.int(),
  status: z.enum(connectorStatuses),
  tiers: z.array(z.enum(classifications)),
  resources: z.array(catalogResourceSchema),
});

export const connectorSummarySchema = z.object({
  name: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  type: z.enum(connectorTypes),
  owner: z.string(),
  status: z.enum(connectorStatuses),
  tiers: z.array(z.enum(classifications)),
  resources: z.int(),
  fields: z.int(),
  tagged_fields: z.int(),
  version: z.int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConnectorSummary = z.infer<typeof connectorSummarySchema>;

export const connectorDetailSchema = connectorSummarySchema.extend({
  manifest: z.record(z.string(), z.unknown()),
  catalog: connectorCatalogSchema,
  created_by: actorRefSchema,
  updated_by: actorRefSchema,
});
export type ConnectorDetail = z.infer<typeof connectorDetailSchema>;

/** The answer to an apply: the connector, and whether a new version was stored (false when the manifest was identical). */
export const applyResultSchema = connectorDetailSchema.extend({ changed: z.boolean(), created: z.boolean() });
export type ApplyResult = z.infer<typeof applyResultSchema>;

export const connectorVersionSchema = z.object({
  version: z.int(),
  created_at: z.string(),
  created_by: actorRefSchema,
  digest: z.string(),
  manifest: z.record(z.string(), z.unknown()),
});
export type ConnectorVersion = z.infer<typeof connectorVersionSchema>;
export const connectorVersionSummarySchema = connectorVersionSchema.omit({ manifest: true });
export type ConnectorVersionSummary = z.infer<typeof connectorVersionSummarySchema>;

export const connectorListQuerySchema = z.strictObject({
  type: z.enum(connectorTypes).optional(),
  status: z.enum(connectorStatuses).optional(),
  limit: z.int().min(1).max(200).optional(),
  cursor: z.string().max(512).optional(),
});
export type ConnectorListQuery = z.infer<typeof connectorListQuerySchema>;

export const connectorListSchema = z.object({ items: z.array(connectorSummarySchema), next_cursor: z.string().nullable() });
export type ConnectorList = z.infer<typeof connectorListSchema>;

export const validateResultSchema = z.object({
  valid: z.boolean(),
  errors: z.array(fieldErrorSchema),
  manifest: z.record(z.string(), z.unknown()).nullable(),
});

export const statusChangeBodySchema = z.strictObject({ reason: z.string().min(1).max(2000).optional() });

// PostgreSQL identifiers: what `schema` and `tables` may name (quoted when used, never spliced raw).
const pgIdentifier = z.string().min(1).max(63).refine((s) => !s.includes('\0'), 'must not contain NUL characters');

export const draftRequestSchema = z.strictObject({
  name: appNameSchema,
  url: z.string().min(1).max(2048).meta({ description: 'postgres:// or postgresql:// URL of the database to read; used for this request only, never stored, logged or echoed.' }),
  owner: z.string().max(320).regex(ownerPattern, 'must be a user reference like user:jane@example.com (or group:team-name), or an e-mail address').optional(),
  title: z.string().min(1).max(200).optional(),
  schema: pgIdentifier.optional().meta({ description: 'The PostgreSQL schema to read (default public).' }),
  tables: z.array(pgIdentifier).min(1).max(maxResources).optional().meta({ description: 'Only these tables and views (default: all in the schema).' }),
  sample: z.int().min(0).max(1000).optional().meta({ description: 'Rows sampled per table or view (default 100; 0 reads names only).' }),
});
export type DraftRequest = z.infer<typeof draftRequestSchema>;

export const draftEvidenceSchema = z.object({
  resource: z.string(),
  field: z.string(),
  tag: z.string(),
  source: z.enum(['values', 'name']),
  reason: z.string(),
  entity: z.string().optional(),
  matched: z.int().optional(),
  sampled: z.int().optional(),
});
export type DraftEvidence = z.infer<typeof draftEvidenceSchema>;

export const draftResultSchema = z.object({
  manifest: z.record(z.string(), z.unknown()),
  yaml: z.string(),
  evidence: z.array(draftEvidenceSchema),
  resources: z.array(z.object({ name: z.string(), kind: z.enum(resourceKinds), columns: z.int(), sampled_rows: z.int() })),
  warnings: z.array(z.string()),
});
export type DraftResult = Omit<z.infer<typeof draftResultSchema>, 'manifest'> & { manifest: ConnectorManifest };
