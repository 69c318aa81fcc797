/**
 * Routes of single sign-on. The /auth/* sign-in routes are public: they are how a person gets
 * a credential, and each checks what it receives itself (state, PKCE and nonce at the
 * callback; the handle at the device token endpoint). Logout and the session view need a
 * session, so the route guard authenticates them (the cookie with its CSRF check, or a
 * `trls_` bearer credential from `trellis login`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { sendProblem } from '../http/problem.ts';
import { jsonSchema, responses } from '../http/schemas.ts';
import { requirePrincipal } from '../auth/index.ts';
import { DeviceAnswer, type SsoService } from './service.ts';
import { readCookie, setCookie } from './cookies.ts';
import { Throttle } from './throttle.ts';

const tags = ['sso'];
const LOGIN_COOKIE_SECONDS = 600;

const loginQuery = z.object({ return_to: z.string().max(2000).optional().describe('Where to return after sign-in: a path on this server, such as /apps') });
const callbackQuery = z.object({ state: z.string().max(2000).optional(), code: z.string().max(4000).optional(), error: z.string().max(200).optional(), error_description: z.string().max(2000).optional(), iss: z.string().max(2000).optional(), session_state: z.string().max(2000).optional() });
const deviceTokenBody = z.strictObject({ handle: z.string().min(1).max(200) });

const sessionSchema = z.object({
  session_id: z.string(),
  kind: z.string(),
  subject: z.string(),
  name: z.string(),
  role: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  expires_at: z.string().describe('The absolute end of the session'),
  idle_expires_at: z.string().describe('When the session ends if unused (or its absolute end, if sooner)'),
  csrf_token: z.string().describe('Send as X-CSRF-Token with every POST, PUT, PATCH and DELETE that the session cookie authenticates'),
});
const liveSessionSchema = z.object({ session_id: z.string(), kind: z.string(), subject: z.string(), name: z.string(), role: z.string(), created_at: z.string(), last_seen_at: z.string(), expires_at: z.string() });
const deviceStartSchema = z.object({ handle: z.string(), user_code: z.string(), verification_uri: z.string(), verification_uri_complete: z.string().optional(), interval: z.number(), expires_in: z.number() });
const deviceSessionSchema = z.object({ token: z.string().describe('The session credential trls_…, shown this once'), session_id: z.string(), subject: z.string(), name: z.string(), role: z.string(), expires_at: z.string() });
const oauthError = jsonSchema(z.object({ error: z.string(), error_description: z.string().optional() }));

function throttled(reply: FastifyReply, limiter: Throttle, request: FastifyRequest): boolean {
  const wait = limiter.take(request.ip);
  if (wait === undefined) return false;
  reply.header('retry-after', String(wait));
  void sendProblem(reply, new AppError('rate_limited', 'too many sign-in requests from this address; wait and retry'));
  return true;
}

export function ssoRoutes(app: FastifyInstance, deps: { sso: SsoService }): void {
  const { sso } = deps;
  const logins = new Throttle(30);
  const devices = new Throttle(10);
  const polls = new Throttle(120);

  // The console's sign-in page asks whether to offer single sign-on; the answer names no setting.
  app.get(
    '/auth/providers',
    { config: { public: true }, schema: { summary: 'Whether single sign-on is configured (the console offers it when so)', tags, response: responses({ 200: jsonSchema(z.object({ oidc: z.boolean() })) }) } },
    async () => ({ oidc: sso.enabled }),
  );

  app.get<{ Querystring: z.infer<typeof loginQuery> }>(
    '/auth/login',
    { config: { public: true }, schema: { summary: 'Start a browser sign-in at the identity provider (authorization code with PKCE)', tags, querystring: jsonSchema(loginQuery) } },
    async (req, reply) => {
      if (throttled(reply, logins, req)) return reply;
      const { location, binding } = await sso.startLogin(req.query.return_to, req.ip);
      const c = sso.cookies;
      return reply.header('set-cookie', setCookie(c, c.login, binding, LOGIN_COOKIE_SECONDS)).header('cache-control', 'no-store').redirect(location, 302);
    },
  );

  app.get<{ Querystring: z.infer<typeof callbackQuery> }>(
    '/auth/callback',
    { config: { public: true }, schema: { summary: "The identity provider's redirect back: validates it and opens a session (cookie)", tags, querystring: jsonSchema(callbackQuery) } },
    async (req, reply) => {
      const c = sso.cookies;
      // The binding cookie is single use whatever happens next.
      reply.header('set-cookie', setCookie(c, c.login, '', 0)).header('cache-control', 'no-store');
      const raw = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
      const done = await sso.finishLogin(req.query, raw, readCookie(req.headers.cookie, c.login), req.ip);
      return reply.header('set-cookie', [setCookie(c, c.login, '', 0), setCookie(c, c.session, done.token, done.maxAgeSeconds)]).redirect(done.returnTo, 303);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { permission: 'self:read' },
      schema: { summary: "End the caller's session on every replica; the answer names the identity provider's logout URL when it has one", tags, response: responses({ 200: jsonSchema(z.object({ ended: z.boolean(), end_session_url: z.string().optional() })) }) },
    },
    async (req, reply) => {
      const r = await sso.logout(requirePrincipal(req), req.ip);
      const c = sso.cookies;
      return reply.header('set-cookie', setCookie(c, c.session, '', 0)).header('cache-control', 'no-store').send({ ended: true, ...r });
    },
  );

  app.get(
    '/api/v1/session',
    { config: { permission: 'self:read' }, schema: { summary: 'The signed-in session: who, which role, attributes, expiry and its CSRF token', tags, response: responses({ 200: jsonSchema(sessionSchema) }) } },
    async (req, reply) => {
      const info = await sso.sessionInfo(requirePrincipal(req));
      if (!info) throw new AppError('not_found', 'the caller is not a signed-in session (an API token has no session)');
      return reply.header('cache-control', 'no-store').send(info);
    },
  );

  app.get<{ Querystring: { subject?: string } }>(
    '/api/v1/sessions',
    {
      config: { permission: 'sessions:read' },
      schema: {
        summary: 'Live sign-in sessions (console and trellis login), newest first: who, which kind, when; never a secret',
        tags,
        querystring: jsonSchema(z.object({ subject: z.string().min(1).max(320).optional().describe('Only this person (user:<email>)') })),
        response: responses({ 200: jsonSchema(z.object({ items: z.array(liveSessionSchema) })) }),
      },
    },
    async (req) => ({ items: await sso.listSessions(req.query.subject) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/sessions/:id',
    {
      config: { permission: 'sessions:manage' },
      schema: {
        summary: "End someone's session on every replica within a second (audited)",
        tags,
        params: jsonSchema(z.object({ id: z.string().regex(/^[0-9a-f]{16}$/) })),
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (req, reply) => {
      await sso.endSession(requirePrincipal(req), req.params.id, req.ip);
      return reply.code(204).send();
    },
  );

  app.post(
    '/auth/device',
    {
      config: { public: true },
      schema: { summary: 'Start a device authorization (RFC 8628) for `trellis login`: a user code to approve at the identity provider', tags, response: responses({ 200: jsonSchema(deviceStartSchema) }) },
    },
    async (req, reply) => {
      if (throttled(reply, devices, req)) return reply;
      return reply.header('cache-control', 'no-store').send(await sso.startDevice());
    },
  );

  app.post<{ Body: z.infer<typeof deviceTokenBody> }>(
    '/auth/device/token',
    {
      config: { public: true },
      schema: {
        summary: 'Poll a device authorization once: authorization_pending, slow_down, expired_token, access_denied, or a session credential',
        tags,
        body: jsonSchema(deviceTokenBody),
        response: { 200: jsonSchema(deviceSessionSchema), 400: oauthError, 503: oauthError },
      },
    },
    async (req, reply) => {
      if (throttled(reply, polls, req)) return reply;
      reply.header('cache-control', 'no-store');
      try {
        return reply.send(await sso.pollDevice(req.body.handle, req.ip));
      } catch (err) {
        if (err instanceof DeviceAnswer) return reply.code(err.status).send({ error: err.error, error_description: err.description });
        throw err;
      }
    },
  );
}
