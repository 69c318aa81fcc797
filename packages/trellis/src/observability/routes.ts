/**
 * GET /metrics, the Prometheus exposition. Public to the route guard because it authenticates
 * its callers itself: a scraper presents the configured scrape token (TRELLIS_METRICS_TOKEN,
 * compared in constant time), anyone else an API token whose role holds
 * `observability:metrics`. The route guard knows API tokens only; a scrape token is not one.
 * Without either: 401; an API token without the permission: 403; both as problem documents.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { sendProblem } from '../http/problem.ts';
import { hasPermission } from '../auth/index.ts';
import type { Services } from '../module.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Equal in constant time (hashes first, so lengths do not leak either). */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Who may scrape: the scrape token, or an API token with the permission. A refusal, when not. */
export async function scrapeRefusal(authorization: string | undefined, services: Pick<Services, 'config' | 'tokens'>): Promise<AppError | undefined> {
  const presented = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  if (!presented) return new AppError('unauthenticated', 'a bearer token is required (the scrape token or an API token with observability:metrics)');
  const scrapeToken = services.config.metricsToken;
  if (scrapeToken !== '' && sameSecret(presented, scrapeToken)) return undefined;
  const principal = await services.tokens.authenticate(presented);
  if (!principal) return new AppError('unauthenticated', 'the token is not the scrape token nor a valid API token');
  if (!hasPermission(principal, 'observability:metrics')) return new AppError('forbidden', `role ${principal.role} lacks permission observability:metrics`);
  return undefined;
}

export function observabilityRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/metrics',
    { config: { public: true } },
    async (req, reply) => {
      const refusal = await scrapeRefusal(req.headers.authorization, services);
      if (refusal) {
        if (refusal.code === 'unauthenticated') reply.header('www-authenticate', 'Bearer realm="trellis-metrics"');
        return sendProblem(reply, refusal);
      }
      return reply.type(services.metrics.contentType).send(await services.metrics.text());
    },
  );
}
