/**
 * REST routes of the connectors module: thin handlers over ConnectorService, each with its
 * params, query, body and per-status response schemas (generated from connectors/schema.ts)
 * and the permission it needs. Manifests arrive in the catalog's three body forms (a JSON
 * object, `{"manifest": "<text>"}`, or YAML with Content-Type application/yaml), read by the
 * catalog's own `manifestInputOf`, so both kinds of manifest are sent the same way.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import type { Caller } from '../catalog/index.ts';
import { appNameSchema, manifestInputOf } from './catalog-kit.ts';
import { jsonSchema, responses, type JsonSchema } from '../http/schemas.ts';
import {
  applyResultSchema,
  connectorDetailSchema,
  connectorListQuerySchema,
  connectorListSchema,
  connectorSummarySchema,
  connectorVersionSchema,
  connectorVersionSummarySchema,
  draftRequestSchema,
  draftResultSchema,
  statusChangeBodySchema,
  validateResultSchema,
  type ConnectorListQuery,
  type DraftRequest,
} from './schema.ts';
import type { ConnectorService } from './service.ts';

const nameParams: JsonSchema = { type: 'object', properties: { name: jsonSchema(appNameSchema) }, required: ['name'], additionalProperties: false };

const manifestBody: JsonSchema = {
  description: 'The connector manifest (kind: Connector) as a JSON object, or {"manifest": "<YAML or JSON text>"}, or the YAML text itself with Content-Type application/yaml.',
  anyOf: [{ type: 'object' }, { type: 'string' }],
};

function callerOf(req: FastifyRequest): Caller {
  return { actor: actorOf(requirePrincipal(req)), srcIp: req.ip };
}

export function connectorRoutes(app: FastifyInstance, deps: { connectors: ConnectorService }): void {
  const { connectors } = deps;
  const tags = ['connectors'];

  app.post<{ Body: unknown }>(
    '/api/v1/connectors',
    {
      config: { permission: 'connectors:write' },
      schema: {
        summary: 'Apply a connector manifest: 201 when the connector is new, 200 with a new version when it changed, 200 with changed=false when it is identical',
        tags,
        body: manifestBody,
        response: responses({ 200: jsonSchema(applyResultSchema), 201: jsonSchema(applyResultSchema) }),
      },
    },
    async (req, reply) => {
      const result = await connectors.apply(callerOf(req), manifestInputOf(req.body));
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );

  app.post<{ Body: unknown }>(
    '/api/v1/connectors/validate',
    {
      config: { permission: 'connectors:read' },
      schema: {
        summary: 'Validate a connector manifest without storing anything; 200 with valid=false and located errors when it is not valid',
        tags,
        body: manifestBody,
        response: responses({ 200: jsonSchema(validateResultSchema) }),
      },
    },
    async (req) => {
      const r = await connectors.validate(manifestInputOf(req.body));
      return r.ok ? { valid: true, errors: [], manifest: r.manifest } : { valid: false, errors: r.errors, manifest: null };
    },
  );

  app.post<{ Body: DraftRequest }>(
    '/api/v1/connectors/draft',
    {
      config: { permission: 'connectors:write' },
      schema: {
        summary: 'Draft a postgres connector from a live database: tables, views and columns, with tags proposed from sampled values and column names, and the evidence. Nothing is stored; the URL is used for this request only',
        tags,
        body: jsonSchema(draftRequestSchema),
        response: responses({ 200: jsonSchema(draftResultSchema) }),
      },
    },
    async (req) => connectors.draft(callerOf(req), req.body),
  );

  app.get<{ Querystring: ConnectorListQuery }>(
    '/api/v1/connectors',
    {
      config: { permission: 'connectors:read' },
      schema: { summary: 'List connectors in name order; filter by type and status; page with cursor', tags, querystring: jsonSchema(connectorListQuerySchema), response: responses({ 200: jsonSchema(connectorListSchema) }) },
    },
    async (req) => connectors.list(req.query),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/connectors/:name',
    { config: { permission: 'connectors:read' }, schema: { summary: 'Show a connector: its current manifest and field catalog', tags, params: nameParams, response: responses({ 200: jsonSchema(connectorDetailSchema) }) } },
    async (req) => connectors.get(req.params.name),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/connectors/:name/versions',
    {
      config: { permission: 'connectors:read' },
      schema: { summary: 'Every manifest version of a connector, oldest first', tags, params: nameParams, response: responses({ 200: jsonSchema(z.object({ items: z.array(connectorVersionSummarySchema) })) }) },
    },
    async (req) => ({ items: await connectors.versions(req.params.name) }),
  );

  app.get<{ Params: { name: string; version: number } }>(
    '/api/v1/connectors/:name/versions/:version',
    {
      config: { permission: 'connectors:read' },
      schema: {
        summary: 'One manifest version of a connector',
        tags,
        params: { type: 'object', properties: { name: jsonSchema(appNameSchema), version: { type: 'integer', minimum: 1, maximum: 1_000_000 } }, required: ['name', 'version'], additionalProperties: false },
        response: responses({ 200: jsonSchema(connectorVersionSchema) }),
      },
    },
    async (req) => connectors.version(req.params.name, req.params.version),
  );

  for (const [verb, summary] of [
    ['retire', 'Retire a connector: it keeps its history and its catalog says retired; it cannot change until reactivated. 409 when already retired'],
    ['reactivate', 'Reactivate a retired connector. 409 when it is active'],
  ] as const) {
    app.post<{ Params: { name: string }; Body: { reason?: string } | undefined }>(
      `/api/v1/connectors/:name/${verb}`,
      {
        config: { permission: 'connectors:write' },
        // The reason is optional, so is the body: `POST …/retire` with nothing retires.
        preValidation: (req, _reply, done) => {
          req.body ??= {};
          done();
        },
        schema: { summary, tags, params: nameParams, body: jsonSchema(statusChangeBodySchema), response: responses({ 200: jsonSchema(connectorSummarySchema) }) },
      },
      async (req) => (verb === 'retire' ? connectors.retire(callerOf(req), req.params.name, req.body?.reason) : connectors.reactivate(callerOf(req), req.params.name, req.body?.reason)),
    );
  }
}
