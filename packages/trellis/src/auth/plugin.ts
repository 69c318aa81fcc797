/**
 * Authentication and authorisation for the whole /api subtree, applied by hooks so that no
 * route can forget them:
 * - at registration, an /api route must name a permission (or be explicitly public), else the
 *   server refuses to start;
 * - on every /api request, a bearer token is required (401), and the token's role must hold
 *   the route's permission (403, audited as a failed attempt);
 * - repeated authentication failures from one address are throttled (429).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { sendProblem } from '../http/problem.ts';
import type { AuditLog } from '../audit/service.ts';
import { isPermission, roleHas, type Permission } from './permissions.ts';
import { actorOf, type Principal, type TokenService } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The permission a caller's role needs for this route. */
    permission?: Permission;
    /** An /api route reachable without a token (none today; kept explicit). */
    public?: boolean;
  }
}

/** Sliding one-minute window of failed authentications per client address. */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();
  constructor(private readonly limit: number, private readonly windowMs = 60_000) {}

  blocked(ip: string, now = Date.now()): number | undefined {
    const f = this.failures.get(ip);
    if (!f) return undefined;
    if (now - f.windowStart >= this.windowMs) {
      this.failures.delete(ip);
      return undefined;
    }
    return f.count >= this.limit ? Math.ceil((f.windowStart + this.windowMs - now) / 1000) : undefined;
  }

  fail(ip: string, now = Date.now()): void {
    const f = this.failures.get(ip);
    if (!f || now - f.windowStart >= this.windowMs) this.failures.set(ip, { count: 1, windowStart: now });
    else f.count++;
    // Bound memory under a spray of addresses: drop the oldest entries.
    if (this.failures.size > 100_000) {
      const first = this.failures.keys().next().value;
      if (first !== undefined) this.failures.delete(first);
    }
  }
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'a bearer token is required');
  return request.principal;
}

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/');
}

export function installAuth(app: FastifyInstance, deps: { tokens: TokenService; audit: AuditLog; authFailureLimit: number }): void {
  const limiter = new AuthFailureLimiter(deps.authFailureLimit);

  app.addHook('onRoute', (route) => {
    if (!isApiPath(route.url)) return;
    const config = (route.config ?? {}) as { permission?: string; public?: boolean };
    if (config.public) return;
    if (!config.permission || !isPermission(config.permission)) {
      throw new Error(`route ${String(route.method)} ${route.url} must declare config.permission (secure by default)`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!isApiPath(request.url.split('?')[0]!)) return;
    const config = request.routeOptions.config as { permission?: Permission; public?: boolean };
    if (config.public) return;
    const retryAfter = limiter.blocked(request.ip);
    if (retryAfter !== undefined) {
      reply.header('retry-after', String(retryAfter));
      return sendProblem(reply, new AppError('rate_limited', 'too many failed authentication attempts from this address; wait and retry'));
    }
    const header = request.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) {
      limiter.fail(request.ip);
      reply.header('www-authenticate', 'Bearer realm="trellis"');
      return sendProblem(reply, new AppError('unauthenticated', 'a bearer token is required (Authorization: Bearer <token>)'));
    }
    const principal = await deps.tokens.authenticate(m[1]!);
    if (!principal) {
      limiter.fail(request.ip);
      reply.header('www-authenticate', 'Bearer realm="trellis", error="invalid_token"');
      return sendProblem(reply, new AppError('unauthenticated', 'the token is not valid, has expired or was revoked'));
    }
    request.principal = principal;
    // Unknown /api paths have no permission: an authenticated caller then gets a plain 404.
    if (!config.permission) return;
    if (!roleHas(principal.role, config.permission)) {
      await deps.audit.record({
        class: 'api_activity',
        activity: 'other',
        action: 'authz.deny',
        actor: actorOf(principal),
        outcome: 'failure',
        message: `${request.method} ${request.routeOptions.url} needs ${config.permission}`,
        details: { permission: config.permission, method: request.method, route: request.routeOptions.url ?? '' },
        srcIp: request.ip,
      });
      return sendProblem(reply, new AppError('forbidden', `role ${principal.role} lacks permission ${config.permission}`));
    }
  });
}
