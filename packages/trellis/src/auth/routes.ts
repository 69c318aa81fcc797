/** REST routes for API tokens and the caller's own identity. */
import type { FastifyInstance } from 'fastify';
import { responses } from '../http/schemas.ts';
import { roles } from '../module.ts';
import { actorOf, type TokenService } from './service.ts';
import { requirePrincipal } from './plugin.ts';

const tokenInfoSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    created_by: { type: 'string' },
    created_at: { type: 'string' },
    expires_at: { type: ['string', 'null'] },
    revoked_at: { type: ['string', 'null'] },
    last_used_at: { type: ['string', 'null'] },
    subject: { type: ['string', 'null'] },
  },
  required: ['id', 'name', 'role', 'created_at'],
};

export function authRoutes(app: FastifyInstance, deps: { tokens: TokenService }): void {
  const { tokens } = deps;

  app.post<{ Body: { name: string; role: string; expires_in_days?: number; subject?: string } }>(
    '/api/v1/tokens',
    {
      config: { permission: 'tokens:manage' },
      schema: {
        summary: 'Create an API token (the secret is shown once, in this response)',
        tags: ['tokens'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'role'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._@-]*$' },
            role: { type: 'string', enum: [...roles] },
            expires_in_days: { type: 'integer', minimum: 1, maximum: 3650 },
            // The person the token acts for: separation of duties compares it with apps' owners.
            subject: { type: 'string', maxLength: 320, pattern: '^(?:[Uu][Ss][Ee][Rr]:)?[^\\s:@]+@[^\\s:@]+$', description: 'The person the token acts for: user:<email> or an e-mail address' },
          },
        },
        response: responses({ 201: { type: 'object', properties: { ...tokenInfoSchema.properties, token: { type: 'string' } }, required: [...tokenInfoSchema.required, 'token'] } }),
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req);
      const created = await tokens.create(actorOf(p), { name: req.body.name, role: req.body.role, ...(req.body.expires_in_days ? { expiresInDays: req.body.expires_in_days } : {}), ...(req.body.subject ? { subject: req.body.subject } : {}) });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/tokens',
    { config: { permission: 'tokens:manage' }, schema: { summary: 'List API tokens (never their secrets)', tags: ['tokens'], response: responses({ 200: { type: 'object', properties: { items: { type: 'array', items: tokenInfoSchema } }, required: ['items'] } }) } },
    async () => ({ items: await tokens.list() }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/tokens/:id',
    {
      config: { permission: 'tokens:manage' },
      schema: {
        summary: 'Revoke an API token',
        tags: ['tokens'],
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } }, required: ['id'] },
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (req, reply) => {
      await tokens.revoke(actorOf(requirePrincipal(req)), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/whoami',
    {
      config: { permission: 'self:read' },
      schema: {
        summary: "The identity behind the current token, and what its role may do (so clients such as the console need not copy the permission matrix)",
        tags: ['tokens'],
        response: responses({
          200: {
            type: 'object',
            properties: {
              kind: { type: 'string' },
              token_id: { type: 'string' },
              name: { type: 'string' },
              role: { type: 'string' },
              subject: { type: ['string', 'null'], description: 'The person the token acts for, if any' },
              permissions: { type: 'array', items: { type: 'string' }, description: "The role's permissions, sorted (docs/permissions.md)" },
            },
            required: ['kind', 'name', 'role', 'permissions'],
          },
        }),
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      return { kind: p.kind, token_id: p.tokenId, name: p.name, role: p.role, subject: p.subject, permissions: [...p.permissions].sort() };
    },
  );
}
