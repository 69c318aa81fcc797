/**
 * REST routes of the SIEM sinks, under /api/v1/audit/sinks: thin handlers over SiemService, each
 * declaring its params, body and per-status responses (schema.ts) and the permission it needs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import { jsonSchema, responses } from '../http/schemas.ts';
import {
  createSinkSchema,
  deadLetterListSchema,
  deadLetterQuerySchema,
  replayResultSchema,
  sinkIdSchema,
  sinkListSchema,
  sinkSchema,
  testResultSchema,
  updateSinkSchema,
  type CreateSink,
  type DeadLetterQuery,
  type UpdateSink,
} from './schema.ts';
import type { Caller, SiemService } from './service.ts';

const base = '/api/v1/audit/sinks';
const idParams = jsonSchema(z.strictObject({ id: sinkIdSchema }));

function callerOf(req: FastifyRequest): Caller {
  return { actor: actorOf(requirePrincipal(req)), srcIp: req.ip };
}

export function siemRoutes(app: FastifyInstance, deps: { siem: SiemService }): void {
  const { siem } = deps;
  const tags = ['siem'];

  app.get(
    base,
    { config: { permission: 'siem:read' }, schema: { summary: 'List SIEM sinks with their cursor, lag and dead letters', tags, response: responses({ 200: jsonSchema(sinkListSchema) }) } },
    async () => ({ items: await siem.list() }),
  );

  app.post<{ Body: CreateSink }>(
    base,
    {
      config: { permission: 'siem:manage' },
      schema: { summary: 'Add a sink: audit events leave for a SIEM as they are sealed', tags, body: jsonSchema(createSinkSchema), response: responses({ 201: jsonSchema(sinkSchema) }) },
    },
    async (req, reply) => reply.code(201).send(await siem.create(callerOf(req), req.body)),
  );

  app.get<{ Params: { id: string } }>(
    `${base}/:id`,
    { config: { permission: 'siem:read' }, schema: { summary: 'Show a sink', tags, params: idParams, response: responses({ 200: jsonSchema(sinkSchema) }) } },
    async (req) => siem.get(req.params.id),
  );

  app.patch<{ Params: { id: string }; Body: UpdateSink }>(
    `${base}/:id`,
    {
      config: { permission: 'siem:manage' },
      schema: { summary: 'Pause or resume a sink, or change its filter or config (retries start again at once)', tags, params: idParams, body: jsonSchema(updateSinkSchema), response: responses({ 200: jsonSchema(sinkSchema) }) },
    },
    async (req) => siem.update(callerOf(req), req.params.id, req.body),
  );

  app.delete<{ Params: { id: string } }>(
    `${base}/:id`,
    { config: { permission: 'siem:manage' }, schema: { summary: 'Delete a sink and its dead letters', tags, params: idParams, response: responses({ 204: { type: 'null' } }) } },
    async (req, reply) => {
      await siem.remove(callerOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    `${base}/:id/test`,
    {
      config: { permission: 'siem:manage' },
      schema: { summary: "Send one synthetic test event (not from the trail) now and show the receiver's answer", tags, params: idParams, response: responses({ 200: jsonSchema(testResultSchema) }) },
    },
    async (req) => siem.test(callerOf(req), req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: DeadLetterQuery }>(
    `${base}/:id/dead-letters`,
    {
      config: { permission: 'siem:read' },
      schema: { summary: 'Events the receiver refused for good, in seq order', tags, params: idParams, querystring: jsonSchema(deadLetterQuerySchema), response: responses({ 200: jsonSchema(deadLetterListSchema) }) },
    },
    async (req) => siem.deadLetters(req.params.id, req.query),
  );

  app.post<{ Params: { id: string } }>(
    `${base}/:id/dead-letters/replay`,
    {
      config: { permission: 'siem:manage' },
      schema: { summary: 'Send the dead letters again (up to 500); those acknowledged are removed', tags, params: idParams, response: responses({ 200: jsonSchema(replayResultSchema) }) },
    },
    async (req) => siem.replay(callerOf(req), req.params.id),
  );
}
