/**
 * GET /metrics, the Prometheus exposition. Public to the route guard because it authenticates
 * its callers itself: a scraper presents the configured scrape token (TRELLIS_METRICS_TOKEN,
 * compared in constant time), anyone else an API token whose role holds
 * `observability:metrics`. The route guard knows API tokens only; a scrape token is not one.
 * Without either: 401; an API token without the permission: 403; both as problem documents.
 * Failed attempts are throttled and audited as the route guard does (auth/): per address and
 * per token id across replicas, refusals summarised once a minute.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { sendProblem } from '../http/problem.ts';
import { AggregatedAudit, FailureLimiter, hasPermission } from '../auth/index.ts';
import type { Services } from '../module.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Equal in constant time (hashes first, so lengths do not leak either). */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Who may scrape, for both listeners: the scrape token, or an API token with the permission. */
export class ScrapeGate {
  private readonly limiter: FailureLimiter;
  private readonly denials: AggregatedAudit;

  constructor(private readonly services: Services) {
    this.limiter = new FailureLimiter(services.config.authFailureLimit, services.database);
    this.denials = new AggregatedAudit(services.audit, services.database);
    this.limiter.start();
  }

  /** Undefined when the caller may scrape; otherwise the refusal (and `retryAfter` seconds for a throttled one). */
  async refusal(authorization: string | undefined, ip: string): Promise<{ error: AppError; retryAfter?: number } | undefined> {
    const presented = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    const scrapeToken = this.services.config.metricsToken;
    if (presented && scrapeToken !== '' && sameSecret(presented, scrapeToken)) return undefined;
    const principal = presented ? await this.services.tokens.authenticate(presented) : undefined;
    if (principal) {
      if (hasPermission(principal, 'observability:metrics')) return undefined;
      return { error: new AppError('forbidden', `role ${principal.role} lacks permission observability:metrics`) };
    }
    const keys = [`ip:${ip}`];
    const retryAfter = this.limiter.blocked(keys);
    if (retryAfter !== undefined) return { error: new AppError('rate_limited', 'too many failed authentication attempts; wait and retry'), retryAfter };
    this.limiter.fail(keys);
    const reason = !authorization ? 'missing' : !presented ? 'malformed' : 'invalid';
    await this.denials.record(`401|${ip}|${reason}|metrics`, {
      class: 'authentication',
      activity: 'other',
      action: 'auth.fail',
      actor: { type: 'user', id: 'anonymous' },
      outcome: 'failure',
      message: `authentication failed at /metrics: ${reason} credentials`,
      details: { reason, route: '/metrics' },
      srcIp: ip,
    });
    return { error: new AppError('unauthenticated', presented ? 'the token is not the scrape token nor a valid API token' : 'a bearer token is required (the scrape token or an API token with observability:metrics)') };
  }

  async stop(): Promise<void> {
    await this.limiter.stop();
    await this.denials.flush();
  }
}

const gates = new WeakMap<Services, ScrapeGate>();

/** The gate of this server (made on first use: routes are registered before or after start, depending on who builds the app). */
export function scrapeGate(services: Services): ScrapeGate {
  let gate = gates.get(services);
  if (!gate) {
    gate = new ScrapeGate(services);
    gates.set(services, gate);
  }
  return gate;
}

/** Stop this server's gate, if it has one (the module's stop). */
export async function stopScrapeGate(services: Services): Promise<void> {
  await gates.get(services)?.stop();
  gates.delete(services);
}

export function observabilityRoutes(app: FastifyInstance, services: Services): void {
  // Refusals are flushed to the trail while it is still open: the app closes before the modules stop.
  app.addHook('onClose', () => stopScrapeGate(services));
  app.get('/metrics', { config: { public: true } }, async (req, reply) => {
    const refused = await scrapeGate(services).refusal(req.headers.authorization, req.ip);
    if (refused) {
      if (refused.error.code === 'unauthenticated') reply.header('www-authenticate', 'Bearer realm="trellis-metrics"');
      if (refused.retryAfter !== undefined) reply.header('retry-after', String(refused.retryAfter));
      return sendProblem(reply, refused.error);
    }
    return reply.type(services.metrics.contentType).send(await services.metrics.text());
  });
}
