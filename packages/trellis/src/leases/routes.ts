/**
 * REST routes of the leases module: list and show leases (leases:read), renew and revoke
 * (leases:manage). A lease's password never appears in any answer.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import { jsonSchema, responses } from '../http/schemas.ts';
import { leaseIdSchema, leaseListQuerySchema, leaseListSchema, leaseSchema, renewBodySchema, revokeBodySchema, type LeaseListQueryInput, type RenewBody, type RevokeBody } from './schema.ts';
import type { LeaseService } from './service.ts';

const idParams = jsonSchema(z.strictObject({ id: leaseIdSchema }));

/** Both bodies are optional: `POST …/renew` or `DELETE …` with nothing is the default. */
function emptyBodyIsObject(req: FastifyRequest, _reply: unknown, done: () => void): void {
  req.body ??= {};
  done();
}

export function leaseRoutes(app: FastifyInstance, deps: { leases: LeaseService }): void {
  const { leases } = deps;
  const tags = ['leases'];

  app.get<{ Querystring: LeaseListQueryInput }>(
    '/api/v1/leases',
    {
      config: { permission: 'leases:read' },
      schema: { summary: 'List leases, newest first, by app, connector or state', tags, querystring: jsonSchema(leaseListQuerySchema), response: responses({ 200: jsonSchema(leaseListSchema) }) },
    },
    async (req) => leases.list(req.query),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/leases/:id',
    { config: { permission: 'leases:read' }, schema: { summary: 'Show a lease', tags, params: idParams, response: responses({ 200: jsonSchema(leaseSchema) }) } },
    async (req) => leases.get(req.params.id),
  );

  app.post<{ Params: { id: string }; Body: RenewBody | undefined }>(
    '/api/v1/leases/:id/renew',
    {
      config: { permission: 'leases:manage' },
      preValidation: emptyBodyIsObject,
      schema: { summary: "Extend an active lease (and its role's VALID UNTIL), never past its maximum", tags, params: idParams, body: jsonSchema(renewBodySchema), response: responses({ 200: jsonSchema(leaseSchema) }) },
    },
    async (req) => leases.renew(req.params.id, req.body?.ttl_seconds, actorOf(requirePrincipal(req))),
  );

  app.delete<{ Params: { id: string }; Body: RevokeBody | undefined }>(
    '/api/v1/leases/:id',
    {
      config: { permission: 'leases:manage' },
      preValidation: emptyBodyIsObject,
      schema: { summary: 'Revoke a lease: its sessions are ended and its role dropped', tags, params: idParams, body: jsonSchema(revokeBodySchema), response: responses({ 200: jsonSchema(leaseSchema) }) },
    },
    async (req) => {
      const actor = actorOf(requirePrincipal(req));
      return leases.revoke(req.params.id, req.body?.reason ?? `revoked by ${actor.name ?? actor.id}`, actor);
    },
  );
}
