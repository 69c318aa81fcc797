/**
 * HTTP routes of the oauth module.
 *
 * - The protocol endpoints (/oauth/token, /oauth/introspect, /oauth/revoke, /oauth/jwks and
 *   /.well-known/oauth-authorization-server) are public to the route guard because they
 *   authenticate their callers themselves (OAuth client authentication). They live in their
 *   own Fastify scope, which reads only `application/x-www-form-urlencoded` bodies and answers
 *   every error in OAuth's JSON format with `Cache-Control: no-store`.
 * - The management API (/api/v1/apps/{name}/credentials, /api/v1/oauth/signing-keys/rotate)
 *   is guarded like every /api route, with problem details.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasPermission, requirePrincipal, type TokenService } from '../auth/index.ts';
import { jsonSchema, responses } from '../http/schemas.ts';
import { FormParams } from './form.ts';
import { OAuthError } from './protocol-errors.ts';
import { appNameParam, createCredentialSchema, createdCredentialSchema, credentialIdSchema, credentialListSchema, oauthErrorSchema, rotatedKeysSchema, type CreateCredentialBody } from './schema.ts';
import type { Caller, OAuthService, ProtocolRequest } from './service.ts';

const NOT_FORM = Symbol('not a form body');
const BEARER = /^Bearer\s+(\S+)\s*$/i;

function callerOf(req: FastifyRequest): Caller {
  return { principal: requirePrincipal(req), srcIp: req.ip };
}

function protocolRequest(req: FastifyRequest): ProtocolRequest {
  if (typeof req.body !== 'string') throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
  return { params: FormParams.parse(req.body), authorization: req.headers.authorization, dpop: req.headers.dpop, srcIp: req.ip };
}

/** A request for the refusal's audit event when the body could not even be read. */
function bareRequest(req: FastifyRequest): ProtocolRequest {
  return { params: FormParams.parse(''), authorization: req.headers.authorization, dpop: undefined, srcIp: req.ip };
}

export function oauthRoutes(app: FastifyInstance, deps: { oauth: OAuthService; tokens: TokenService }): void {
  const { oauth, tokens } = deps;

  const fail = async (endpoint: string, req: FastifyRequest, reply: FastifyReply, err: OAuthError) => {
    let pr: ProtocolRequest;
    try {
      pr = protocolRequest(req);
    } catch {
      pr = bareRequest(req);
    }
    let grantType: string | undefined;
    try {
      grantType = pr.params.get('grant_type');
    } catch {
      grantType = undefined;
    }
    await oauth.refused(endpoint, pr, err, grantType);
    reply.code(err.status).header('cache-control', 'no-store').header('pragma', 'no-cache');
    if (err.retryAfter !== undefined) reply.header('retry-after', String(err.retryAfter));
    // RFC 6749 §5.2: a client that tried Basic authentication gets a Basic challenge.
    if (err.status === 401 && /^Basic\s/i.test(req.headers.authorization ?? '')) reply.header('www-authenticate', 'Basic realm="trellis", charset="UTF-8"');
    else if (err.status === 401 && BEARER.test(req.headers.authorization ?? '')) reply.header('www-authenticate', 'Bearer realm="trellis", error="invalid_token"');
    return reply.send(err.body());
  };

  const protocol = (endpoint: string, handle: (pr: ProtocolRequest, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const pr = protocolRequest(req);
      const out = await handle(pr, req, reply);
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return out;
    } catch (err) {
      if (err instanceof OAuthError) return fail(endpoint, req, reply, err);
      throw err;
    }
  };

  void app.register(async (scope) => {
    // Only forms are read here; any other body is kept as a marker and refused in OAuth's format.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, _body, done) => done(null, NOT_FORM));
    scope.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status >= 500) req.log.error(err);
      const e = status >= 500 ? new OAuthError('server_error', 'the server could not answer; retry later') : new OAuthError('invalid_request', err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'the request body is too large' : 'the request is malformed', { status });
      reply.code(e.status).header('cache-control', 'no-store');
      return reply.send(e.body());
    });

    const tags = ['oauth'];
    const errorResponse = jsonSchema(oauthErrorSchema);

    scope.post(
      '/oauth/token',
      {
        config: { public: true },
        schema: {
          summary: 'OAuth 2.0 token endpoint: client_credentials and token exchange (RFC 8693); JWT access tokens (RFC 9068), DPoP-bound when a DPoP proof is sent',
          tags,
          response: {
            200: jsonSchema(z.object({ access_token: z.string(), token_type: z.string(), expires_in: z.int(), scope: z.string(), issued_token_type: z.string().optional() })),
            400: errorResponse,
            401: errorResponse,
            429: errorResponse,
          },
        },
      },
      protocol('token', async (pr) => oauth.token(pr)),
    );

    scope.post(
      '/oauth/introspect',
      { config: { public: true }, schema: { summary: 'Token introspection (RFC 7662): a client for its own tokens, or an API token with oauth:introspect', tags } },
      protocol('introspect', async (pr, req) => {
        const m = req.headers.authorization ? BEARER.exec(req.headers.authorization) : null;
        let principal;
        if (m) {
          principal = await tokens.authenticate(m[1]!);
          if (!principal) throw new OAuthError('invalid_client', 'the bearer token is not valid', { reason: 'invalid bearer token' });
          if (!hasPermission(principal, 'oauth:introspect')) throw new OAuthError('insufficient_scope', `role ${principal.role} lacks permission oauth:introspect`);
        }
        return oauth.introspect(pr, principal);
      }),
    );

    scope.post(
      '/oauth/revoke',
      { config: { public: true }, schema: { summary: "Token revocation (RFC 7009): a client revokes one of its own tokens; another client's token is silently left alone", tags } },
      protocol('revoke', async (pr, _req, reply) => {
        await oauth.revoke(pr);
        return reply.code(200).send();
      }),
    );

    scope.get('/oauth/jwks', { config: { public: true }, schema: { summary: 'The public keys access tokens are signed with (current first, retiring ones until their tokens expired)', tags } }, async (_req, reply) => {
      // Short: a rotation publishes the next key at once, and verifiers refetch on an unknown kid.
      reply.header('cache-control', 'public, max-age=60');
      return oauth.jwks();
    });

    scope.get('/.well-known/oauth-authorization-server', { config: { public: true }, schema: { summary: 'Authorization server metadata (RFC 8414)', tags } }, async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return oauth.metadata();
    });
  });

  // ---- management API -------------------------------------------------------------------------

  const tags = ['oauth'];
  const nameParams = jsonSchema(z.strictObject({ name: appNameParam }));

  app.get<{ Params: { name: string } }>(
    '/api/v1/apps/:name/credentials',
    { config: { permission: 'oauth:read' }, schema: { summary: "The app's service identity and its credentials (metadata only, never a secret)", tags, params: nameParams, response: responses({ 200: jsonSchema(credentialListSchema) }) } },
    async (req) => oauth.listCredentials(req.params.name),
  );

  app.post<{ Params: { name: string }; Body: CreateCredentialBody }>(
    '/api/v1/apps/:name/credentials',
    {
      config: { permission: 'oauth:manage' },
      schema: {
        summary: 'Add a credential (owner or admin): a client secret, shown this once (earlier secrets keep working for the overlap), or public keys for private_key_jwt',
        tags,
        params: nameParams,
        body: jsonSchema(createCredentialSchema),
        response: responses({ 201: jsonSchema(createdCredentialSchema) }),
      },
    },
    async (req, reply) => reply.code(201).send(await oauth.createCredential(callerOf(req), req.params.name, req.body)),
  );

  app.delete<{ Params: { name: string; id: string } }>(
    '/api/v1/apps/:name/credentials/:id',
    {
      config: { permission: 'oauth:manage' },
      schema: { summary: 'Delete a credential (owner or admin); it stops working at once', tags, params: jsonSchema(z.strictObject({ name: appNameParam, id: credentialIdSchema })), response: responses({ 204: { type: 'null' } }) },
    },
    async (req, reply) => {
      await oauth.deleteCredential(callerOf(req), req.params.name, req.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/oauth/signing-keys/rotate',
    { config: { permission: 'oauth:keys' }, schema: { summary: 'Make a new signing key current; the previous one keeps verifying until its tokens expired', tags, response: responses({ 200: jsonSchema(rotatedKeysSchema) }) } },
    async (req) => oauth.rotateSigningKeys(callerOf(req)),
  );
}
