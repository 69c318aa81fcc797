/**
 * The gateway's routes. `/gw/v1/…` is where apps reach data: these routes authenticate the
 * app's OAuth access token themselves (so the API-token guard treats them as public) and
 * answer every refusal as a problem document — with `WWW-Authenticate` on 401 and 403 for a
 * missing scope, `Retry-After` on 429. `/api/v1/gateway/quotas/{app}` is for people, with
 * permissions like every API route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { sendProblem } from '../http/problem.ts';
import { jsonSchema, responses, type JsonSchema } from '../http/schemas.ts';
import { publicUrlOf } from '../config.ts';
import type { Services } from '../module.ts';
import type { CallRequest, GatewayResponse, GatewayService } from './service.ts';

const name = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' };
const connectorParams: JsonSchema = { type: 'object', properties: { connector: name, resource: { type: 'string', minLength: 1, maxLength: 127, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' } }, required: ['connector', 'resource'], additionalProperties: false };
const httpParams: JsonSchema = { type: 'object', properties: { connector: name, '*': { type: 'string', maxLength: 2048 } }, required: ['connector'], additionalProperties: false };
const destinationParams: JsonSchema = { type: 'object', properties: { destination: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' } }, required: ['destination'], additionalProperties: false };
const appParams: JsonSchema = { type: 'object', properties: { app: name }, required: ['app'], additionalProperties: false };

const limit = z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullable();
export const quotaBodySchema = z.strictObject({
  requests_per_minute: limit.optional().meta({ description: 'null or absent: the configured default' }),
  records_per_day: limit.optional(),
  bytes_per_day: limit.optional(),
});
// The route's JSON Schema says `type: [integer, null]` in one schema: the server's Ajv coerces
// types, and with zod's anyOf it turned null into 0 (or 0 into null, with null tried first).
const limitJson = { type: ['integer', 'null'], minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const quotaBodyJson: JsonSchema = { type: 'object', properties: { requests_per_minute: limitJson, records_per_day: limitJson, bytes_per_day: limitJson }, additionalProperties: false };
const counts = z.object({ requests: z.number(), records: z.number(), bytes: z.number() });
export const quotaSchema = z.object({
  app: z.string(),
  limits: z.object({ requestsPerMinute: z.number(), recordsPerDay: z.number(), bytesPerDay: z.number() }),
  overrides: z.object({ requestsPerMinute: z.number().nullable(), recordsPerDay: z.number().nullable(), bytesPerDay: z.number().nullable() }).nullable(),
  usage: z.object({ minute: counts, day: counts }),
});

/** A refusal with its HTTP headers; the headers' values are not repeated in the problem body. */
function refuse(reply: FastifyReply, err: unknown): FastifyReply | never {
  if (!(err instanceof AppError)) throw err;
  const { www_authenticate: challenge, ...extra } = err.extra ?? {};
  if (typeof challenge === 'string') reply.header('www-authenticate', challenge);
  if (typeof extra.retry_after === 'number') reply.header('retry-after', String(extra.retry_after));
  reply.header('cache-control', 'no-store');
  return sendProblem(reply, new AppError(err.code, err.message, { entry: { status: err.status, title: err.title }, ...(err.errors ? { errors: err.errors } : {}), extra }));
}

function send(reply: FastifyReply, r: GatewayResponse): FastifyReply {
  reply.code(r.status).header('cache-control', 'no-store');
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  return reply.send(r.body);
}

export async function gatewayRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const gateway: GatewayService = services.gateway;
  const callOf = (req: FastifyRequest): CallRequest => ({
    authorization: req.headers.authorization,
    dpop: req.headers.dpop,
    method: req.method,
    url: publicUrlOf(services.config) + req.url.split('?')[0],
    srcIp: req.ip,
  });
  const tags = ['gateway'];
  const gw = { public: true } as const;

  const pgRoutes = [
    ['POST', 'query', 'query', 'Read rows of a postgres resource: approved fields, filters, order, keyset pages (the Query API)'],
    ['POST', 'rows', 'insert', 'Insert rows (write access)'],
    ['PATCH', 'rows', 'update', 'Update the rows a filter selects (write access)'],
    ['DELETE', 'rows', 'delete', 'Delete the rows a filter selects (write access)'],
  ] as const;
  for (const [method, tail, op, summary] of pgRoutes) {
    app.route<{ Params: { connector: string; resource: string } }>({
      method,
      url: `/gw/v1/:connector/:resource/${tail}`,
      config: gw,
      // No body schema: the token is checked first, then the body by the Query API's own parser (located errors).
      schema: { summary: `${summary}; authenticated by the app's access token`, tags, params: connectorParams },
      handler: async (req, reply) => {
        try {
          return send(reply, await gateway.postgres(callOf(req), req.params.connector, req.params.resource, op, req.body));
        } catch (err) {
          return refuse(reply, err);
        }
      },
    });
  }

  // http connectors: any body passes as bytes (the upstream's business), within the server's limit.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.route<{ Params: { connector: string; '*': string } }>({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/gw/v1/:connector/http/*',
      config: gw,
      schema: { summary: "Call an http connector's approved resource (method and path template), the credential injected by the gateway; the app's access token authenticates", tags, params: httpParams },
      handler: async (req, reply) => {
        try {
          const raw = req.url;
          const q = raw.indexOf('?');
          const prefix = `/gw/v1/${req.params.connector}/http`;
          const pathPart = q === -1 ? raw : raw.slice(0, q);
          // The raw path (not Fastify's decoded parameter): percent-escapes reach the upstream as sent.
          const path = pathPart.startsWith(prefix) ? pathPart.slice(prefix.length) || '/' : '/' + req.params['*'];
          const body = Buffer.isBuffer(req.body) ? req.body : undefined;
          return send(reply, await gateway.httpCall(callOf(req), req.params.connector, path, q === -1 ? '' : raw.slice(q + 1), body, req.headers));
        } catch (err) {
          return refuse(reply, err);
        }
      },
    });
  });

  app.post<{ Params: { destination: string } }>(
    '/gw/v1/exports/:destination',
    { config: gw, schema: { summary: "Send records or text to one of the app's approved export destinations; inspected by DLP and data.trellis.export first", tags, params: destinationParams } },
    async (req, reply) => {
      try {
        return send(reply, await gateway.exportTo(callOf(req), req.params.destination, req.body));
      } catch (err) {
        return refuse(reply, err);
      }
    },
  );

  app.get<{ Params: { app: string } }>(
    '/api/v1/gateway/quotas/:app',
    { config: { permission: 'gateway:read' }, schema: { summary: "An app's gateway quotas in force (defaults and overrides) and its usage this minute and day (approximate, cluster-wide)", tags, params: appParams, response: responses({ 200: jsonSchema(quotaSchema) }) } },
    async (req) => gateway.quotaOf(req.params.app),
  );

  app.put<{ Params: { app: string }; Body: z.infer<typeof quotaBodySchema> }>(
    '/api/v1/gateway/quotas/:app',
    { config: { permission: 'gateway:manage' }, schema: { summary: "Set an app's gateway quotas (null or absent: the default); audited", tags, params: appParams, body: quotaBodyJson, response: responses({ 200: jsonSchema(quotaSchema) }) } },
    async (req) => {
      const b = req.body;
      await gateway.setQuota(actorOf(requirePrincipal(req)), req.ip, req.params.app, { requestsPerMinute: b.requests_per_minute ?? null, recordsPerDay: b.records_per_day ?? null, bytesPerDay: b.bytes_per_day ?? null });
      return gateway.quotaOf(req.params.app);
    },
  );
}
