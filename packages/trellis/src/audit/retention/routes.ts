/** REST routes of audit retention, legal holds and shredding (audit/retention/service.ts). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import { responses } from '../../http/schemas.ts';
import { ocsfClasses, type Actor } from '../ocsf.ts';
import type { AuditRetention, HoldScope } from './service.ts';

const days = { type: ['integer', 'null'], minimum: 1, maximum: 36_500 };
const classNames = Object.keys(ocsfClasses);

const settingsSchema = {
  type: 'object',
  properties: {
    default: { ...days, description: 'days an event of a class not listed is kept; null: forever' },
    classes: { type: 'object', description: 'OCSF class name → days (null: forever)', propertyNames: { enum: classNames }, additionalProperties: days },
  },
  required: ['default', 'classes'],
};

const scopeSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'what the hold covers; an absent or empty list means every one',
  properties: {
    apps: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 200 } },
    subjects: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 320 }, description: 'person refs (user:<email>); answered as keyed hashes' },
    classes: { type: 'array', maxItems: 20, items: { type: 'string', enum: classNames } },
    since: { type: 'string', format: 'date-time' },
    until: { type: 'string', format: 'date-time' },
  },
};

const holdSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    reason: { type: 'string' },
    scope: { type: 'object', additionalProperties: true },
    created_at: { type: 'string' },
    created_by: { type: 'string' },
    released_at: { type: ['string', 'null'] },
    released_by: { type: ['string', 'null'] },
    release_reason: { type: ['string', 'null'] },
  },
  required: ['id', 'name', 'reason', 'scope', 'created_at', 'created_by', 'released_at'],
};

/** Who is asking, as the trail records an actor (the auth plugin has authenticated the request). */
function who(req: FastifyRequest): { actor: Actor; srcIp: string } {
  const p = req.principal;
  if (!p) throw new AppError('unauthenticated', 'authentication required');
  return { actor: { type: p.kind === 'session' ? 'user' : 'token', id: p.tokenId, name: p.name, role: p.role, ...(p.subject ? { subject: p.subject } : {}) }, srcIp: req.ip };
}

export function retentionRoutes(app: FastifyInstance, deps: { auditRetention: AuditRetention }): void {
  const retention = deps.auditRetention;

  app.get(
    '/api/v1/audit/retention',
    { config: { permission: 'audit:read' }, schema: { summary: 'Retention of audit events per OCSF class', tags: ['audit'], response: responses({ 200: settingsSchema }) } },
    async () => retention.settings(),
  );

  app.put<{ Body: { default: number | null; classes?: Record<string, number | null> } }>(
    '/api/v1/audit/retention',
    {
      config: { permission: 'audit:manage' },
      schema: {
        summary: 'Set retention per OCSF class: the pruner removes the content of sealed events older than that, unless a legal hold covers them',
        tags: ['audit'],
        body: { type: 'object', additionalProperties: false, properties: settingsSchema.properties, required: ['default'] },
        response: responses({ 200: settingsSchema }),
      },
    },
    async (req) => retention.setSettings(who(req), req.body),
  );

  app.post<{ Body: { name: string; reason: string; scope?: HoldScope } }>(
    '/api/v1/audit/holds',
    {
      config: { permission: 'audit:manage' },
      schema: {
        summary: 'Place a legal hold: what it covers is neither pruned nor shredded until it is released',
        tags: ['audit'],
        body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, reason: { type: 'string', minLength: 1, maxLength: 2000 }, scope: scopeSchema }, required: ['name', 'reason'] },
        response: responses({ 201: holdSchema }),
      },
    },
    async (req, reply) => reply.code(201).send(await retention.addHold(who(req), req.body)),
  );

  app.get(
    '/api/v1/audit/holds',
    { config: { permission: 'audit:read' }, schema: { summary: 'Legal holds, active and released', tags: ['audit'], response: responses({ 200: { type: 'object', properties: { items: { type: 'array', items: holdSchema } }, required: ['items'] } }) } },
    async () => ({ items: await retention.holds() }),
  );

  app.delete<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/audit/holds/:id',
    {
      config: { permission: 'audit:manage' },
      schema: {
        summary: 'Release a legal hold (the reason is recorded in the trail)',
        tags: ['audit'],
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
        body: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } }, required: ['reason'] },
        response: responses({ 200: holdSchema }),
      },
    },
    async (req) => retention.releaseHold(who(req), req.params.id, req.body.reason),
  );

  app.post<{ Body: { subject: string } }>(
    '/api/v1/audit/subjects/shred',
    {
      config: { permission: 'audit:manage' },
      schema: {
        summary: "Destroy a person's audit data keys: their personal values in every event read as [shredded]; hashes, MACs and proofs still verify",
        tags: ['audit'],
        body: { type: 'object', additionalProperties: false, properties: { subject: { type: 'string', minLength: 1, maxLength: 320, description: 'person ref, user:<email> or an e-mail' } }, required: ['subject'] },
        response: responses({ 200: { type: 'object', properties: { subject_hash: { type: 'string' }, keys_shredded: { type: 'integer' } }, required: ['subject_hash', 'keys_shredded'] } }),
      },
    },
    async (req) => retention.shred(who(req), req.body.subject),
  );
}
