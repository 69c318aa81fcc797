/**
 * The identity REST routes: the directory as people see it (`/api/v1/people`), ownership
 * offers of departed owners' apps (`/api/v1/ownership-offers`) and the identity settings
 * (`/api/v1/identity/settings`). SCIM itself is in scim-routes.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../audit/index.ts';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import type { Caller } from '../catalog/index.ts';
import { AppError } from '../errors.ts';
import { jsonSchema, responses, type JsonSchema } from '../http/schemas.ts';
import { offerQuerySchema, offerSchema, peopleQuerySchema, personSchema, settingsSchema, type PeopleQuery } from './schema.ts';
import type { IdentityService } from './service.ts';
import { updateSettings } from './settings.ts';

const offerParams: JsonSchema = { type: 'object', properties: { id: { type: 'string', pattern: '^off_[0-9a-f]{16}$' } }, required: ['id'], additionalProperties: false };
const personParams: JsonSchema = { type: 'object', properties: { key: { type: 'string', minLength: 1, maxLength: 320 } }, required: ['key'], additionalProperties: false };

export async function identityRoutes(app: FastifyInstance, deps: { identity: IdentityService; audit: AuditLog }): Promise<void> {
  const { identity, audit } = deps;
  const caller = (req: FastifyRequest): Caller => ({ actor: actorOf(requirePrincipal(req)), srcIp: req.ip });
  const tags = ['identity'];

  app.get<{ Querystring: PeopleQuery }>(
    '/api/v1/people',
    {
      config: { permission: 'people:read' },
      schema: { summary: 'People in the directory (provisioned through SCIM), with their ABAC attributes; filter by active and department', tags, querystring: jsonSchema(peopleQuerySchema), response: responses({ 200: jsonSchema(z.object({ items: z.array(personSchema) })) }) },
    },
    async (req) => ({ items: await identity.directory.people(req.query) }),
  );

  app.get<{ Params: { key: string } }>(
    '/api/v1/people/:key',
    {
      config: { permission: 'people:read' },
      schema: { summary: 'One person, by id or reference (user:<email>)', tags, params: personParams, response: responses({ 200: jsonSchema(personSchema) }) },
    },
    async (req) => {
      const p = await identity.directory.person(req.params.key);
      if (!p) throw new AppError('not_found', `person ${req.params.key} not found`);
      return p;
    },
  );

  app.get<{ Querystring: { status?: 'open' | 'accepted' | 'declined' } }>(
    '/api/v1/ownership-offers',
    {
      config: { permission: 'ownership:respond' },
      schema: { summary: "Ownership offers of departed owners' apps made to the caller (every offer for an admin), newest first", tags, querystring: jsonSchema(offerQuerySchema), response: responses({ 200: jsonSchema(z.object({ items: z.array(offerSchema) })) }) },
    },
    async (req) => ({ items: await identity.offers.list(requirePrincipal(req), req.query.status) }),
  );

  for (const verdict of ['accept', 'decline'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/ownership-offers/:id/${verdict}`,
      {
        config: { permission: 'ownership:respond' },
        schema: {
          summary: verdict === 'accept' ? 'Accept an ownership offer: the caller (or, for an admin, the person offered) becomes the app’s owner; a suspended app stays suspended until a reviewer reinstates it' : 'Decline an ownership offer',
          tags,
          params: offerParams,
          response: responses({ 200: jsonSchema(offerSchema) }),
        },
      },
      async (req) => identity.offers.decide(caller(req), requirePrincipal(req), req.params.id, verdict),
    );
  }

  app.get(
    '/api/v1/identity/settings',
    { config: { permission: 'identity:manage' }, schema: { summary: 'The identity settings (the fallback owner of departed owners’ apps)', tags, response: responses({ 200: jsonSchema(settingsSchema) }) } },
    async () => identity.settings(),
  );

  app.put<{ Body: unknown }>(
    '/api/v1/identity/settings',
    {
      config: { permission: 'identity:manage' },
      schema: { summary: 'Change the identity settings', tags, body: jsonSchema(settingsSchema), response: responses({ 200: jsonSchema(settingsSchema) }) },
    },
    async (req) => updateSettings(identity.database, audit, caller(req), req.body),
  );
}
