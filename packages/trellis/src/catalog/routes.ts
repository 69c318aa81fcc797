/**
 * REST routes of the catalog: thin handlers over CatalogService. Every route declares its
 * params, query, body and per-status responses (generated from catalog/schema.ts, so
 * validation, types and OpenAPI agree) and the permission it needs.
 *
 * Manifests arrive three ways: the manifest as a JSON object; `{"manifest": "<YAML or JSON
 * text>"}`; or the YAML text itself with Content-Type application/yaml. Text is validated
 * with line and column on every error; Ajv does not look inside manifests, so every manifest
 * problem is one 422 with all errors rather than a 400 with the first.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePrincipal, actorOf } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { jsonSchema, responses, type JsonSchema } from '../http/schemas.ts';
import {
  appDetailSchema,
  appListQuerySchema,
  appListSchema,
  appNameSchema,
  appVersionSchema,
  appVersionSummarySchema,
  diffResultSchema,
  importResultSchema,
  manifestJsonSchema,
  statusChangeSchema,
  validateResultSchema,
  type AppListQuery,
} from './schema.ts';
import type { CatalogService, Caller, ManifestInput } from './service.ts';

export const nameParams: JsonSchema = { type: 'object', properties: { name: jsonSchema(appNameSchema) }, required: ['name'], additionalProperties: false };

export const manifestBody: JsonSchema = {
  description:
    'The manifest (trellis.yaml) as a JSON object (see /api/v1/schemas/manifest.json), or {"manifest": "<YAML or JSON text>"}, or the YAML text itself with Content-Type application/yaml.',
  anyOf: [{ type: 'object' }, { type: 'string' }],
};

const importBody: JsonSchema = {
  description: 'A Backstage catalog-info.yaml (one or more entities separated by ---) as text with Content-Type application/yaml, or {"catalog": "<YAML text>"}.',
  anyOf: [{ type: 'object' }, { type: 'string' }],
};

/** The manifest in a request body, whichever of the three forms it came in. */
export function manifestInputOf(body: unknown): ManifestInput {
  if (typeof body === 'string') return { text: body };
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const keys = Object.keys(body);
    const text = (body as { manifest?: unknown }).manifest;
    if (keys.length === 1 && keys[0] === 'manifest') {
      if (typeof text !== 'string') throw new AppError('validation_failed', 'manifest must be the manifest text (YAML or JSON) as a string', { errors: [{ path: 'manifest', message: 'must be a string' }] });
      return { text };
    }
  }
  return { value: body };
}

function catalogTextOf(body: unknown): string {
  if (typeof body === 'string') return body;
  const text = (body as { catalog?: unknown } | null)?.catalog;
  if (typeof text === 'string') return text;
  throw new AppError('validation_failed', 'send the catalog-info.yaml text with Content-Type application/yaml, or as {"catalog": "<text>"}', { errors: [{ path: 'catalog', message: 'is required (a string)' }] });
}

export function callerOf(req: FastifyRequest): Caller {
  return { actor: actorOf(requirePrincipal(req)), srcIp: req.ip };
}

const positiveInt = { type: 'integer', minimum: 1, maximum: 1_000_000 };

export function catalogRoutes(app: FastifyInstance, deps: { catalog: CatalogService }): void {
  const { catalog } = deps;
  const tags = ['catalog'];

  app.post<{ Body: unknown }>(
    '/api/v1/apps/validate',
    {
      config: { permission: 'apps:read' },
      schema: {
        summary: 'Validate a manifest without storing anything (dry run); 200 with valid=false and located errors when it is not valid',
        tags,
        body: manifestBody,
        response: responses({ 200: jsonSchema(validateResultSchema) }),
      },
    },
    async (req) => {
      const r = catalog.validate(manifestInputOf(req.body));
      return r.ok ? { valid: true, errors: [], manifest: r.manifest } : { valid: false, errors: r.errors, manifest: null };
    },
  );

  app.post<{ Body: unknown }>(
    '/api/v1/apps/import',
    {
      config: { permission: 'apps:write' },
      schema: { summary: 'Import a Backstage catalog-info.yaml: Components become draft apps; a result per entity', tags, body: importBody, response: responses({ 200: jsonSchema(importResultSchema) }) },
    },
    async (req) => catalog.importBackstage(callerOf(req), catalogTextOf(req.body)),
  );

  app.get<{ Querystring: AppListQuery }>(
    '/api/v1/apps',
    {
      config: { permission: 'apps:read' },
      schema: {
        summary: 'List apps, in name order or by sort: filters combine with AND; q searches name, title and description by word prefix; page with cursor',
        description:
          'sort orders by name (the default), updated_at, created_at or risk_score, descending with a leading "-" (-updated_at: most recently changed first). Ties are broken by name, always ascending; apps with no risk score sort below every score (last in -risk_score, first in risk_score). Filters and q combine with any sort. A next_cursor continues only the sort it was issued for.',
        tags,
        querystring: jsonSchema(appListQuerySchema),
        response: responses({ 200: jsonSchema(appListSchema) }),
      },
    },
    // The page arrives as JSON text written by the database (store.ts): sent as it is.
    async (req, reply) => reply.type('application/json; charset=utf-8').send(await catalog.listPage(req.query)),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/apps/:name',
    { config: { permission: 'apps:read' }, schema: { summary: 'Show an app with its current manifest', tags, params: nameParams, response: responses({ 200: jsonSchema(appDetailSchema) }) } },
    async (req) => catalog.get(req.params.name),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/apps/:name/versions',
    {
      config: { permission: 'apps:read' },
      schema: { summary: 'Every manifest version of an app, oldest first', tags, params: nameParams, response: responses({ 200: jsonSchema(z.object({ items: z.array(appVersionSummarySchema) })) }) },
    },
    async (req) => ({ items: await catalog.versions(req.params.name) }),
  );

  app.get<{ Params: { name: string; version: number } }>(
    '/api/v1/apps/:name/versions/:version',
    {
      config: { permission: 'apps:read' },
      schema: {
        summary: 'One manifest version of an app',
        tags,
        params: { type: 'object', properties: { name: jsonSchema(appNameSchema), version: positiveInt }, required: ['name', 'version'], additionalProperties: false },
        response: responses({ 200: jsonSchema(appVersionSchema) }),
      },
    },
    async (req) => catalog.version(req.params.name, req.params.version),
  );

  app.get<{ Params: { name: string }; Querystring: { from: number; to: number } }>(
    '/api/v1/apps/:name/diff',
    {
      config: { permission: 'apps:read' },
      schema: {
        summary: 'Structured diff between two manifest versions (JSON Pointer paths added, removed, changed)',
        tags,
        params: nameParams,
        querystring: { type: 'object', properties: { from: positiveInt, to: positiveInt }, required: ['from', 'to'], additionalProperties: false },
        response: responses({ 200: jsonSchema(diffResultSchema) }),
      },
    },
    async (req) => catalog.diff(req.params.name, req.query.from, req.query.to),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/apps/:name/transitions',
    {
      config: { permission: 'apps:read' },
      schema: {
        summary: 'Status history of an app, oldest first',
        tags,
        params: nameParams,
        response: responses({
          200: jsonSchema(z.object({ items: z.array(statusChangeSchema) })),
        }),
      },
    },
    async (req) => ({ items: await catalog.statusHistory(req.params.name) }),
  );

  app.get(
    '/api/v1/schemas/manifest.json',
    {
      config: { permission: 'schemas:read' },
      schema: { summary: 'JSON Schema of the app manifest (trellis.yaml)', tags: ['meta'], response: responses({ 200: { type: 'object', additionalProperties: true } }) },
    },
    async (_req, reply) => reply.type('application/schema+json').send(manifestSchemaDocument),
  );
}

// Generated once: the schema does not change while the server runs.
const manifestSchemaDocument = manifestJsonSchema();
