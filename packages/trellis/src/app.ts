/**
 * Builds the Fastify application (without listening): problem-details error handling,
 * content types, the auth hooks over every route, OpenAPI collection, health probes and every
 * module's routes (modules.ts). Tests build it and call `inject()`; server.ts builds it and listens.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Services } from './services.ts';
import { frameworkErrorHandler, installProblemHandlers } from './http/problem.ts';
import { OpenApiCollector } from './http/openapi.ts';
import { installAuth } from './auth/index.ts';
import { modules } from './modules.ts';
import { installHardening } from './http/hardening.ts';
import { healthRoutes } from './health/routes.ts';
import { version } from './version.ts';
import { humanLogStream, jsonLogStream } from './http/log-format.ts';
import { requestLogController } from './http/request-log.ts';
import { lazySchemas } from './http/lazy-schemas.ts';
import { installObservability, traceLogFields } from './observability/index.ts';

export interface BuildOptions {
  config: Pick<Config, 'bodyLimit' | 'authFailureLimit' | 'trustProxy' | 'logLevel'>;
  services: Services;
  /** Structured logging; off in tests unless asked for. */
  logger?: boolean;
  /** `json` lines (default), or `human`: one short line per request (development on a TTY; http/log-format.ts). */
  logFormat?: 'json' | 'human';
  /** Where log lines go, human or JSON (default standard output). */
  logWrite?: (line: string) => void;
}

export interface TrellisApp {
  app: FastifyInstance;
  /** Every /api route with the permission it requires (for the route-walking test and docs). */
  routes: { method: string; url: string; permission?: string }[];
  /** Every route of any path (SCIM, sign-in, OAuth too), with its permission or `public` (the route-walking test). */
  allRoutes: { method: string; url: string; permission?: string; public: boolean }[];
  /** Mark the server as draining: /readyz answers 503 so load balancers stop sending work. */
  drain(): void;
  /**
   * Compile every route's validators and serializers now. They compile on first use
   * (http/lazy-schemas.ts), so a server starts without paying for routes nobody calls; tests
   * call this to show every schema compiles.
   */
  compileSchemas(): void;
}

/**
 * Fastify's reading of the proxy setting: a hop count becomes "trust the n nearest hops"
 * (proxy-addr counts hops from the socket), a list stays a list, false trusts nobody.
 */
function trustedProxies(setting: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (setting === false) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

export async function buildApp(opts: BuildOptions): Promise<TrellisApp> {
  const { services, config } = opts;
  let draining = false;
  const schemas = lazySchemas();
  const app = Fastify({
    bodyLimit: config.bodyLimit,
    trustProxy: trustedProxies(config.trustProxy),
    logger: opts.logger
      ? {
          level: config.logLevel,
          // Credentials never reach the logs.
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' },
          // The current span's trace and span ids on every line written inside one (observability/).
          mixin: () => traceLogFields() ?? {},
          ...(opts.logFormat === 'human' ? { stream: humanLogStream(opts.logWrite) } : opts.logWrite ? { stream: jsonLogStream(opts.logWrite) } : {}),
        }
      : false,
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: schemas.compilersFactory },
    frameworkErrors: frameworkErrorHandler,
    // One line per request, without headers or query string (http/request-log.ts).
    logController: requestLogController(),
    // Route handlers run well under this; it stops a stalled client from pinning a socket.
    requestTimeout: 120_000,
  });

  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  installProblemHandlers(app);
  const openapi = new OpenApiCollector();
  openapi.install(app);
  const allRoutes: TrellisApp['allRoutes'] = [];
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { permission?: string; public?: boolean };
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) {
      if (m === 'HEAD' || m === 'OPTIONS') continue;
      allRoutes.push({ method: m, url: route.url, ...(config.permission ? { permission: config.permission } : {}), public: config.public === true });
    }
  });
  installHardening(app);
  // Before the route guard: refused requests are counted and traced too.
  installObservability(app, services);
  installAuth(app, { tokens: services.tokens, audit: services.audit, database: services.database, permissions: services.permissions, authFailureLimit: config.authFailureLimit });

  healthRoutes(app, { database: services.database, isDraining: () => draining });
  app.get(
    '/api/v1/openapi.json',
    { config: { permission: 'schemas:read' }, schema: { summary: 'This API as an OpenAPI 3.1 document', tags: ['meta'] } },
    async () => openapi.document({ version }),
  );
  for (const m of modules) await m.routes?.(app, services);

  await app.ready();
  return { app, routes: openapi.routes.map((r) => ({ method: r.method.toUpperCase(), url: r.url, ...(r.permission ? { permission: r.permission } : {}) })), allRoutes, drain: () => (draining = true), compileSchemas: schemas.compileAll };
}
