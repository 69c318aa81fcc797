/**
 * Authentication and authorisation for every route, applied by hooks so that no route can
 * forget them:
 * - at registration, a route must name a permission or be explicitly public, else the server
 *   refuses to start;
 * - on every request to a non-public route, a bearer token is required (401), and the token's
 *   role must hold the route's permission (403); both refusals are audited, aggregated;
 * - repeated authentication failures per address and per token id are throttled (429)
 *   across replicas (failure-limiter.ts); a valid credential is never throttled.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { sendProblem } from '../http/problem.ts';
import type { AuditLog } from '../audit/index.ts';
import { actorOf, hasPermission, type Principal, type TokenService } from './service.ts';
import { parseToken } from './token-format.ts';
import { FailureLimiter } from './failure-limiter.ts';
import { AggregatedAudit } from './aggregated-audit.ts';
import type { Database } from '../db/database.ts';
import type { PermissionTable } from '../module.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The permission a caller's role needs for this route (declared by some module). */
    permission?: string;
    /** A route reachable without a token (health probes, the console's static files). */
    public?: boolean;
  }
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'a bearer token is required');
  return request.principal;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Whether an unmatched request target names something under /api, read the way a lenient
 * router or proxy might: absolute form, percent-encoding (repeatedly), case, backslashes,
 * doubled slashes and dot segments. Only for choosing 401 over 404 on paths no route serves:
 * authentication itself never depends on the URL text, only on the route that matched.
 */
export function looksLikeApi(target: string): boolean {
  let path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0]!;
  for (let i = 0; i < 4; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      break;
    }
    if (decoded === path) break;
    path = decoded;
  }
  const segments: string[] = [];
  for (const seg of path.toLowerCase().replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  return segments.length > 0 && /^api(?:[;.,:%]|$)/.test(segments[0]!.trim());
}

export interface AuthDeps {
  tokens: TokenService;
  audit: AuditLog;
  database: Database;
  /** Every module's permissions, merged: a route may only name one of these. */
  permissions: PermissionTable;
  authFailureLimit: number;
}

export function installAuth(app: FastifyInstance, deps: AuthDeps): void {
  const limiter = new FailureLimiter(deps.authFailureLimit, deps.database);
  const denials = new AggregatedAudit(deps.audit, deps.database);
  limiter.start();
  app.addHook('onClose', async () => {
    await limiter.stop();
    await denials.flush();
  });

  // Deny unless allowed: every route, /api or not, names a permission or says it is public.
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { permission?: string; public?: boolean };
    if (config.public === true) return;
    if (!config.permission) throw new Error(`route ${String(route.method)} ${route.url} must declare config.permission or config.public (secure by default)`);
    if (!Object.hasOwn(deps.permissions, config.permission)) throw new Error(`route ${String(route.method)} ${route.url} names permission ${config.permission}, which no module declares`);
  });

  app.addHook('onRequest', async (request, reply) => {
    // Decided by the route the router matched, never by the URL text: the router decodes
    // percent-escapes and absolute-form targets, so any check on the raw URL can be walked around.
    const matched = request.routeOptions.url !== undefined && !request.is404;
    const config = (matched ? request.routeOptions.config : {}) as { permission?: string; public?: boolean };
    if (matched && config.public === true) return;
    if (!matched && !looksLikeApi(request.url)) return;

    const m = request.headers.authorization ? BEARER.exec(request.headers.authorization) : null;
    const presented = m?.[1];
    const tokenId = presented ? parseToken(presented)?.id : undefined;
    let principal = presented ? await deps.tokens.authenticate(presented) : undefined;
    // Without an Authorization header, a session cookie (the console) may stand in for a token.
    if (!request.headers.authorization) {
      const fromCookie = await deps.tokens.authenticateCookies(request);
      if (fromCookie instanceof AppError) {
        if (fromCookie.code === 'unauthenticated') reply.header('www-authenticate', 'Bearer realm="trellis"');
        return sendProblem(reply, fromCookie);
      }
      principal = fromCookie;
    }
    if (!principal) {
      const keys = [`ip:${request.ip}`, ...(tokenId ? [`token:${tokenId}`] : [])];
      const retryAfter = limiter.blocked(keys);
      if (retryAfter !== undefined) {
        reply.header('retry-after', String(retryAfter));
        return sendProblem(reply, new AppError('rate_limited', 'too many failed authentication attempts; wait and retry'));
      }
      limiter.fail(keys);
      const reason = !request.headers.authorization ? 'missing' : !presented ? 'malformed' : 'invalid';
      await denials.record(`401|${request.ip}|${reason}|${tokenId ?? ''}`, {
        class: 'authentication',
        activity: 'other',
        action: 'auth.fail',
        actor: tokenId ? { type: 'token', id: tokenId } : { type: 'user', id: 'anonymous' },
        outcome: 'failure',
        message: `authentication failed: ${reason} credentials`,
        details: { reason },
        srcIp: request.ip,
      });
      reply.header('www-authenticate', presented ? 'Bearer realm="trellis", error="invalid_token"' : 'Bearer realm="trellis"');
      return sendProblem(
        reply,
        new AppError('unauthenticated', presented ? 'the token is not valid, has expired or was revoked' : 'a bearer token is required (Authorization: Bearer <token>)'),
      );
    }
    request.principal = principal;
    // Unknown /api paths have no permission: an authenticated caller then gets a plain 404.
    if (!matched || !config.permission) return;
    if (!hasPermission(principal, config.permission)) {
      const route = request.routeOptions.url ?? '';
      await denials.record(`403|${principal.tokenId}|${config.permission}|${request.method}|${route}`, {
        class: 'api_activity',
        activity: 'other',
        action: 'authz.deny',
        actor: actorOf(principal),
        outcome: 'failure',
        message: `${request.method} ${route} needs ${config.permission}`,
        details: { permission: config.permission, method: request.method, route },
        srcIp: request.ip,
      });
      return sendProblem(reply, new AppError('forbidden', `role ${principal.role} lacks permission ${config.permission}`));
    }
  });
}
