/**
 * SCIM 2.0 under /scim/v2 (RFC 7644): Users and Groups (list with filter, pagination, sorting
 * and attribute selection; get; create; replace; patch; delete), ServiceProviderConfig,
 * ResourceTypes and Schemas. The IdP's provisioning client calls these with a bearer token
 * (role provisioner, permission scim:provision); the platform's route guard checks it.
 *
 * Everything here answers in SCIM's error format (scim-error.ts), including the guard's 401
 * and 403 and the body parser's refusals, because provisioning clients read `scimType`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/index.ts';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import type { Caller } from '../catalog/index.ts';
import { publicUrlOf, type Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { ScimError, scimErrorSchema } from './scim-error.ts';
import { groupSchema, resourceTypes, schemaDocuments, serviceProviderConfig, UnknownSchemaError, userSchema, LIST_SCHEMA } from './scim-schema.ts';
import type { IdentityService } from './service.ts';
import { project, type ListQuery } from './directory.ts';

export const scimContentType = 'application/scim+json';
const MAX_DEPTH = 32;

function nestedTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === '}' || c === ']') depth--;
  }
  return false;
}

const scimTypeOfStatus: Record<number, ScimError['scimType']> = { 400: 'invalidSyntax', 415: 'invalidSyntax' };

/** Any error as a SCIM error. */
function toScimError(err: unknown): ScimError {
  if (err instanceof ScimError) return err;
  if (err instanceof UnknownSchemaError) return new ScimError(400, err.message, 'invalidSyntax');
  if (err instanceof AppError) return new ScimError(err.status, err.message, scimTypeOfStatus[err.status]);
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new ScimError(status, (err as Error).message, scimTypeOfStatus[status]);
  return new ScimError(500, 'internal error');
}

export async function scimRoutes(app: FastifyInstance, deps: { identity: IdentityService; audit: AuditLog; config: Config }): Promise<void> {
  const { identity, audit, config } = deps;
  const directory = identity.directory;

  await app.register(
    async (scim) => {
      scim.addContentTypeParser(scimContentType, { parseAs: 'string' }, (_req, body, done) => {
        const text = body as string;
        if (nestedTooDeep(text)) return done(new ScimError(400, `the body is nested deeper than ${MAX_DEPTH} levels`, 'invalidSyntax'), undefined);
        try {
          done(null, JSON.parse(text));
        } catch {
          done(new ScimError(400, 'the body is not valid JSON', 'invalidSyntax'), undefined);
        }
      });

      // Bodies are SCIM JSON or plain JSON; the YAML and text parsers the rest of the API has do not apply here.
      scim.addHook('preValidation', async (req) => {
        if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return;
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== scimContentType && type !== 'application/json') throw new ScimError(415, `send the body as ${scimContentType} (or application/json), not ${type || 'nothing'}`, 'invalidSyntax');
      });

      // The route guard and the platform's hooks answer with problem details; a SCIM client reads SCIM errors.
      scim.addHook('onSend', async (_req, reply, payload) => {
        const type = String(reply.getHeader('content-type') ?? '');
        if (!type.startsWith('application/problem+json') || typeof payload !== 'string') return payload;
        let problem: { status?: number; detail?: string };
        try {
          problem = JSON.parse(payload) as { status?: number; detail?: string };
        } catch {
          return payload;
        }
        reply.type(`${scimContentType}; charset=utf-8`);
        return JSON.stringify({ schemas: [scimErrorSchema], status: String(problem.status ?? reply.statusCode), detail: problem.detail ?? '' });
      });

      scim.setErrorHandler(async (err, req, reply) => {
        const e = toScimError(err);
        if (err instanceof UnknownSchemaError) {
          await audit.record({
            class: 'account_change',
            activity: 'other',
            action: 'scim.refuse',
            actor: req.principal ? actorOf(req.principal) : { type: 'user', id: 'anonymous' },
            outcome: 'failure',
            message: `SCIM ${req.method} ${req.routeOptions.url ?? ''} refused: ${err.message}`,
            details: { schemas: err.schemas.slice(0, 10), method: req.method, route: req.routeOptions.url ?? '' },
            srcIp: req.ip,
          });
        }
        if (e.status >= 500) req.log.error({ err }, 'SCIM request failed');
        return reply.code(e.status).type(`${scimContentType}; charset=utf-8`).send(e.body());
      });

      scim.setNotFoundHandler(async (req, reply) => reply.code(404).type(`${scimContentType}; charset=utf-8`).send(new ScimError(404, `${req.method} ${req.url.split('?')[0]} is not a SCIM endpoint here`).body()));

      const base = (req: FastifyRequest) => `${config.publicUrl ? publicUrlOf(config).replace(/\/$/, '') : `${req.protocol}://${req.host}`}/scim/v2`;
      const caller = (req: FastifyRequest): Caller => ({ actor: actorOf(requirePrincipal(req)), srcIp: req.ip });
      const ifMatch = (req: FastifyRequest) => (typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined);
      const send = (reply: FastifyReply, code: number, doc: Record<string, unknown>) => {
        const meta = doc.meta as { version?: string; location?: string } | undefined;
        if (meta?.version) reply.header('etag', meta.version);
        if (code === 201 && meta?.location) reply.header('location', meta.location);
        return reply.code(code).type(`${scimContentType}; charset=utf-8`).send(doc);
      };
      const config_ = { permission: 'scim:provision' };
      // A parameter given twice arrives as a list: refused rather than guessed at.
      scim.addHook('preHandler', async (req) => {
        for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
          if (typeof v !== 'string') throw new ScimError(400, `${k} must be given once`, 'invalidValue');
        }
      });

      scim.get('/ServiceProviderConfig', { config: config_ }, async (req, reply) => send(reply, 200, serviceProviderConfig(base(req), 'https://github.com/trellis/trellis/blob/main/docs/identity.md')));
      scim.get('/ResourceTypes', { config: config_ }, async (req, reply) => {
        const all = resourceTypes(base(req));
        return send(reply, 200, { schemas: [LIST_SCHEMA], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all });
      });
      scim.get<{ Params: { id: string } }>('/ResourceTypes/:id', { config: config_ }, async (req, reply) => {
        const one = resourceTypes(base(req)).find((r) => r.id === req.params.id);
        if (!one) throw new ScimError(404, `resource type ${req.params.id} not found`);
        return send(reply, 200, one);
      });
      scim.get('/Schemas', { config: config_ }, async (req, reply) => {
        const all = schemaDocuments(base(req));
        return send(reply, 200, { schemas: [LIST_SCHEMA], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all });
      });
      scim.get<{ Params: { id: string } }>('/Schemas/:id', { config: config_ }, async (req, reply) => {
        const one = schemaDocuments(base(req)).find((r) => r.id === req.params.id);
        if (!one) throw new ScimError(404, `schema ${req.params.id} not found`);
        return send(reply, 200, one);
      });

      for (const [path, kind] of [
        ['/Users', 'User'],
        ['/Groups', 'Group'],
      ] as const) {
        const isUser = kind === 'User';
        scim.get<{ Querystring: ListQuery }>(path, { config: config_ }, async (req, reply) => send(reply, 200, isUser ? await directory.listUsers(req.query, base(req)) : await directory.listGroups(req.query, base(req))));
        scim.get<{ Params: { id: string }; Querystring: ListQuery }>(`${path}/:id`, { config: config_ }, async (req, reply) => {
          const doc = isUser ? await directory.getUser(req.params.id, base(req)) : await directory.getGroup(req.params.id, base(req));
          return send(reply, 200, project(isUser ? userSchema : groupSchema, doc, req.query));
        });
        scim.post<{ Body: unknown }>(path, { config: config_ }, async (req, reply) => send(reply, 201, isUser ? await directory.createUser(caller(req), req.body, base(req)) : await directory.createGroup(caller(req), req.body, base(req))));
        scim.put<{ Params: { id: string }; Body: unknown }>(`${path}/:id`, { config: config_ }, async (req, reply) =>
          send(reply, 200, isUser ? await directory.replaceUser(caller(req), req.params.id, req.body, base(req), ifMatch(req)) : await directory.replaceGroup(caller(req), req.params.id, req.body, base(req), ifMatch(req))),
        );
        scim.patch<{ Params: { id: string }; Body: unknown }>(`${path}/:id`, { config: config_ }, async (req, reply) => {
          const doc = isUser ? await directory.patchUser(caller(req), req.params.id, req.body, base(req), ifMatch(req)) : await directory.patchGroup(caller(req), req.params.id, req.body, base(req), ifMatch(req));
          return send(reply, 200, doc!);
        });
        scim.delete<{ Params: { id: string } }>(`${path}/:id`, { config: config_ }, async (req, reply) => {
          await (isUser ? directory.deleteUser(caller(req), req.params.id, ifMatch(req)) : directory.deleteGroup(caller(req), req.params.id, ifMatch(req)));
          return reply.code(204).send();
        });
      }
    },
    { prefix: '/scim/v2' },
  );
}
