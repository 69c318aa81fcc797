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
  freeText: z.boolean().optional().meta({ description: "Free text: the gateway scans the field's values with the DLP detectors." }),
});

// ---------------------------------------------------------------------------------------------
// Run-time settings (`spec.connection`): what the gateway needs to reach the source. Credentials
// are references into the secret store by name, never values, so a manifest can be shown,
// versioned and diffed without leaking anything.

/** The secret store's name rule (a DNS label), so a reference that could never resolve is refused at apply. */
const secretNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const secretRefSchema = z.string().max(63).regex(secretNamePattern, 'must be the name of a secret in the secret store (1-63 lower-case letters, digits and hyphens), never the secret itself');

// A hostname (RFC 1123 labels) or an IP literal (IPv6 without brackets).
const hostPattern = /^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?))*\.?|[0-9A-Fa-f:.]+)$/;
const pgName = manifestString().min(1).max(63).regex(/^[^\0"]+$/, 'must be a PostgreSQL name without NUL or double-quote characters');

export const pgTlsModes = ['disable', 'require', 'verify-full'] as const;
export const credentialModes = ['dynamic', 'static'] as const;
export const leaseDefaults = { ttlSeconds: 3600, maxTtlSeconds: 86_400 } as const;
const maxLeaseSeconds = 7 * 86_400;

export const postgresConnectionSchema = z.strictObject({
  host: z.string().min(1).max(253).regex(hostPattern, 'must be a hostname or an IP address (no scheme, port or path)'),
  port: z.int().min(1).max(65535).optional().meta({ description: 'Default 5432.' }),
  database: pgName,
  schema: pgName.optional().meta({ description: 'Default public; resource names may be schema-qualified.' }),
  tls: z.enum(pgTlsModes).optional().meta({ description: 'Default verify-full.' }),
  allowPrivateHost: z.boolean().optional().meta({ description: 'Allow a loopback, private or link-local address (development, in-cluster databases). Default false.' }),
  credentials: z.strictObject({
    mode: z.enum(credentialModes).meta({ description: 'dynamic: a role per app with leases, created by `username`; static: every app reads as `username`.' }),
    username: pgName,
    secret: secretRefSchema.meta({ description: "The secret holding the role's password." }),
  }),
  lease: z
    .strictObject({
      ttlSeconds: z.int().min(60).max(maxLeaseSeconds).optional(),
      maxTtlSeconds: z.int().min(60).max(maxLeaseSeconds).optional(),
    })
    .optional()
    .meta({ description: 'dynamic only: lease length (default 1 h) and its renewal ceiling (default 24 h).' }),
});

export const paginationStyles = ['none', 'cursor', 'page', 'link'] as const;
export const httpAuthTypes = ['none', 'header', 'query', 'basic', 'bearer', 'oauth2'] as const;
export const httpDefaults = { timeoutMs: 10_000, maxResponseBytes: 10 * 1024 * 1024 } as const;
const paramName = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.\-[\]]+$/, 'must be a parameter name (letters, digits, "_", ".", "-", "[", "]")');
const headerName = z.string().min(1).max(100).regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be an HTTP header name');

export const httpConnectionSchema = z.strictObject({
  baseUrl: z.string().min(1).max(2048).meta({ description: 'https: (http: only with allowPrivateHost) URL every resource path is appended to; no query, fragment or credentials.' }),
  allowPrivateHost: z.boolean().optional(),
  allowHosts: z.array(z.string().min(1).max(253).regex(/^(?:\*\.)?[A-Za-z0-9.-]+$/, 'must be a hostname, or *.domain for its subdomains')).max(50).optional().meta({ description: "Hosts an OAuth token URL or a followed link may reach besides the base URL's." }),
  timeoutMs: z.int().min(100).max(60_000).optional().meta({ description: 'Default 10000 (10 s); at most 60 s.' }),
  maxResponseBytes: z.int().min(1024).max(100 * 1024 * 1024).optional().meta({ description: 'Default 10 MiB; at most 100 MiB.' }),
  pagination: z
    .strictObject({
      style: z.enum(paginationStyles),
      param: paramName.optional().meta({ description: 'cursor: the query parameter carrying the cursor; page: the page number parameter.' }),
      responseField: paramName.optional().meta({ description: "cursor: the response body's field holding the next cursor." }),
      sizeParam: paramName.optional().meta({ description: 'page: the page size parameter.' }),
    })
    .optional(),
  auth: z
    .strictObject({
      type: z.enum(httpAuthTypes),
      name: z.string().min(1).max(100).optional().meta({ description: 'header: the header name; query: the query parameter name.' }),
      username: manifestString().min(1).max(200).optional().meta({ description: 'basic: the user name.' }),
      secret: secretRefSchema.optional().meta({ description: 'The secret injected: header/query/bearer value, basic password, oauth2 client secret.' }),
      tokenUrl: z.string().min(1).max(2048).optional().meta({ description: 'oauth2: the client-credentials token endpoint.' }),
      clientId: manifestString().min(1).max(200).optional(),
      scopes: z.array(z.string().min(1).max(200).regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be an OAuth scope token')).max(50).optional(),
    })
    .optional(),
});

type Issues = z.core.$RefinementCtx<unknown>;
const issue = (ctx: Issues, path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });

/** Why a URL is not acceptable as a base or token URL, or null. */
export function urlProblem(text: string, allowPrivateHost: boolean, what: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `must be an absolute URL (${what})`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an https: URL, not ${url.protocol}`;
  if (url.protocol === 'http:' && !allowPrivateHost) return 'must be an https: URL (http: only with allowPrivateHost, for development)';
  if (url.username || url.password) return 'must not carry credentials: reference a secret in auth instead';
  if (url.search || url.hash) return 'must not have a query or fragment';
  return null;
}

function checkHttpConnection(c: z.infer<typeof httpConnectionSchema>, ctx: Issues, at: PropertyKey[]): void {
  const priv = c.allowPrivateHost === true;
  const base = urlProblem(c.baseUrl, priv, 'the API base, e.g. https://api.example.com/v2');
  if (base) issue(ctx, [...at, 'baseUrl'], base);
  const p = c.pagination;
  if (p) {
    const wants: Record<(typeof paginationStyles)[number], readonly ('param' | 'responseField' | 'sizeParam')[]> = { none: [], link: [], cursor: ['param', 'responseField'], page: ['param'] };
    const allowed: Record<(typeof paginationStyles)[number], readonly string[]> = { none: [], link: [], cursor: ['param', 'responseField'], page: ['param', 'sizeParam'] };
    for (const k of wants[p.style]) if (p[k] === undefined) issue(ctx, [...at, 'pagination', k], `is required for pagination style ${p.style}`);
    for (const k of ['param', 'responseField', 'sizeParam'] as const) if (p[k] !== undefined && !allowed[p.style].includes(k)) issue(ctx, [...at, 'pagination', k], `is not used by pagination style ${p.style}`);
  }
  const a = c.auth;
  if (!a) return;
  const needs: Record<(typeof httpAuthTypes)[number], readonly string[]> = {
    none: [],
    header: ['name', 'secret'],
    query: ['name', 'secret'],
    basic: ['username', 'secret'],
    bearer: ['secret'],
    oauth2: ['tokenUrl', 'clientId', 'secret'],
  };
  const optional: Partial<Record<(typeof httpAuthTypes)[number], readonly string[]>> = { oauth2: ['scopes'] };
  const rec = a as Record<string, unknown>;
  for (const k of needs[a.type]) if (rec[k] === undefined) issue(ctx, [...at, 'auth', k], `is required for auth type ${a.type}`);
  for (const k of ['name', 'username', 'secret', 'tokenUrl', 'clientId', 'scopes']) {
    if (rec[k] !== undefined && !needs[a.type].includes(k) && !(optional[a.type] ?? []).includes(k)) issue(ctx, [...at, 'auth', k], `is not used by auth type ${a.type}`);
  }
  if (a.type === 'header' && a.name !== undefined && !headerName.safeParse(a.name).success) issue(ctx, [...at, 'auth', 'name'], 'must be an HTTP header name');
  if (a.type === 'header' && a.name !== undefined && ['host', 'content-length', 'transfer-encoding', 'connection', 'cookie'].includes(a.name.toLowerCase())) issue(ctx, [...at, 'auth', 'name'], `cannot be ${a.name}: the gateway sets it`);
  if (a.type === 'query' && a.name !== undefined && !paramName.safeParse(a.name).success) issue(ctx, [...at, 'auth', 'name'], 'must be a query parameter name');
  if (a.tokenUrl !== undefined) {
    const t = urlProblem(a.tokenUrl, priv, 'the OAuth token endpoint');
    if (t) issue(ctx, [...at, 'auth', 'tokenUrl'], t);
  }
}

function checkPostgresConnection(c: z.infer<typeof postgresConnectionSchema>, ctx: Issues, at: PropertyKey[]): void {
  if (c.lease && c.credentials.mode === 'static') issue(ctx, [...at, 'lease'], 'is for dynamic credentials only (static credentials have no lease)');
  const ttl = c.lease?.ttlSeconds ?? leaseDefaults.ttlSeconds;
  const max = c.lease?.maxTtlSeconds ?? leaseDefaults.maxTtlSeconds;
  if (ttl > max) issue(ctx, [...at, 'lease', 'ttlSeconds'], `must not exceed maxTtlSeconds (${max})`);
}

const postgresOnlyKeys = Object.keys(postgresConnectionSchema.shape).filter((k) => !(k in httpConnectionSchema.shape));
const httpOnlyKeys = Object.keys(httpConnectionSchema.shape).filter((k) => !(k in postgresConnectionSchema.shape));

const connectionSchema = z.record(z.string(), z.unknown()).meta({ description: 'Run-time settings: postgres (host, port, database, schema, tls, credentials, lease) or http (baseUrl, timeoutMs, maxResponseBytes, pagination, auth). See docs/connectors.md.' });

export const connectorResourceSchema = z.strictObject({
  name: appResourceSchema.shape.name.meta({ description: 'postgres: a table or view, schema-qualified allowed (hr.employees); http: an identifier.' }),
  key: z.array(fieldNameSchema).min(1).max(8).superRefine(unique((k) => k, 'key field')).optional().meta({ description: 'postgres only: the fields that identify a row, for keyset pagination (default [id] when there is an id field).' }),
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
    connection: connectionSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    // A connection is checked against its type's shape here rather than with a union, so a key of
    // the other type is named ("is for http connectors") instead of a generic "no union member".
    if (spec.connection !== undefined) {
      const [own, otherKeys, other] = spec.type === 'postgres' ? ([postgresConnectionSchema, httpOnlyKeys, 'http'] as const) : ([httpConnectionSchema, postgresOnlyKeys, 'postgres'] as const);
      const misplaced = Object.keys(spec.connection).filter((k) => otherKeys.includes(k));
      for (const k of misplaced) issue(ctx, ['connection', k], `is for ${other} connectors only`);
      const rest = Object.fromEntries(Object.entries(spec.connection).filter(([k]) => !misplaced.includes(k)));
      const parsed = own.safeParse(rest);
      if (!parsed.success) for (const i of parsed.error.issues) ctx.addIssue({ ...i, path: ['connection', ...i.path] } as never);
      else if (spec.type === 'postgres') checkPostgresConnection(parsed.data as z.infer<typeof postgresConnectionSchema>, ctx, ['connection']);
      else checkHttpConnection(parsed.data as z.infer<typeof httpConnectionSchema>, ctx, ['connection']);
    }
    // What a resource may say depends on the connector's type; each misplaced key is named.
    spec.resources.forEach((r, i) => {
      if (spec.type === 'postgres') {
        if (r.path !== undefined) ctx.addIssue({ code: 'custom', path: ['resources', i, 'path'], message: 'is for http connectors; a postgres resource is a table or view named by `name`' });
        if (r.methods !== undefined) ctx.addIssue({ code: 'custom', path: ['resources', i, 'methods'], message: 'is for http connectors only' });
        if (r.key) for (const [j, k] of r.key.entries()) if (!r.fields.some((f) => f.name === k)) ctx.addIssue({ code: 'custom', path: ['resources', i, 'key', j], message: `names no field of the resource ("${k}")` });
      } else {
        if (r.key !== undefined) ctx.addIssue({ code: 'custom', path: ['resources', i, 'key'], message: 'is for postgres connectors only' });
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

const catalogFieldSchema = z.object({ name: z.string(), tags: z.array(z.string()), freeText: z.boolean().optional() });
const catalogResourceSchema = z.object({
  name: z.string(),
  kind: z.enum(resourceKinds).optional(),
  key: z.array(z.string()).optional(),
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
  connection: z.record(z.string(), z.unknown()).optional().meta({ description: 'The run-time settings with defaults applied (secret names only); absent: catalog-only, the gateway refuses calls.' }),
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
