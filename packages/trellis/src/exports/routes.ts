/**
 * REST routes of the exports module: admins' export destinations and reviewers' quarantine
 * queue, thin handlers over ExportService. The export itself arrives through the gateway
 * (`POST /gw/v1/exports/{destination}`), authenticated as the app, not here.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import { jsonSchema, responses } from '../http/schemas.ts';
import { createDestinationSchema, decisionBodySchema, destinationIdSchema, destinationListSchema, destinationSchema, quarantineIdSchema, quarantineListQuerySchema, quarantineListSchema, quarantineSchema, type QuarantineListQuery } from './schema.ts';
import type { Caller, ExportService } from './service.ts';

const destinationParams = jsonSchema(z.strictObject({ id: destinationIdSchema }));
const quarantineParams = jsonSchema(z.strictObject({ id: quarantineIdSchema }));

function callerOf(req: FastifyRequest): Caller {
  return { actor: actorOf(requirePrincipal(req)), srcIp: req.ip };
}

export function exportRoutes(app: FastifyInstance, deps: { exports: ExportService }): void {
  const { exports } = deps;
  const tags = ['exports'];

  app.post(
    '/api/v1/export-destinations',
    {
      config: { permission: 'exports:manage' },
      schema: {
        summary: 'Configure how a declared export destination (slack, teams, webhook, email, file) and target delivers',
        tags,
        body: jsonSchema(createDestinationSchema),
        response: responses({ 201: jsonSchema(destinationSchema) }),
      },
    },
    async (req, reply) => reply.code(201).send(await exports.createDestination(callerOf(req), req.body)),
  );

  app.get(
    '/api/v1/export-destinations',
    { config: { permission: 'exports:read' }, schema: { summary: 'List the configured export destinations (secret names, never values)', tags, response: responses({ 200: jsonSchema(destinationListSchema) }) } },
    async () => ({ items: await exports.listDestinations() }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/export-destinations/:id',
    { config: { permission: 'exports:read' }, schema: { summary: 'Show an export destination', tags, params: destinationParams, response: responses({ 200: jsonSchema(destinationSchema) }) } },
    async (req) => exports.getDestination(req.params.id),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/export-destinations/:id',
    { config: { permission: 'exports:manage' }, schema: { summary: 'Remove an export destination; exports to it are refused until one is configured again', tags, params: destinationParams, response: responses({ 204: { type: 'null' } }) } },
    async (req, reply) => {
      await exports.removeDestination(callerOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: QuarantineListQuery }>(
    '/api/v1/exports/quarantine',
    {
      config: { permission: 'exports:read' },
      schema: { summary: 'Exports held for review, newest first (tags and messages, never the payload)', tags, querystring: jsonSchema(quarantineListQuerySchema), response: responses({ 200: jsonSchema(quarantineListSchema) }) },
    },
    async (req) => ({ items: await exports.listQuarantine(req.query) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/exports/quarantine/:id',
    { config: { permission: 'exports:read' }, schema: { summary: 'Show a quarantined export', tags, params: quarantineParams, response: responses({ 200: jsonSchema(quarantineSchema) }) } },
    async (req) => exports.getQuarantine(req.params.id),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/exports/quarantine/:id/release',
    {
      config: { permission: 'exports:review' },
      schema: { summary: 'Deliver a held export as it was sent (it stays held if delivery fails)', tags, params: quarantineParams, body: jsonSchema(decisionBodySchema), response: responses({ 200: jsonSchema(quarantineSchema) }) },
    },
    async (req) => exports.release(callerOf(req), req.params.id, req.body.reason),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/exports/quarantine/:id/discard',
    {
      config: { permission: 'exports:review' },
      schema: { summary: 'Discard a held export: its payload is deleted, the record stays', tags, params: quarantineParams, body: jsonSchema(decisionBodySchema), response: responses({ 200: jsonSchema(quarantineSchema) }) },
    },
    async (req) => exports.discard(callerOf(req), req.params.id, req.body.reason),
  );
}
