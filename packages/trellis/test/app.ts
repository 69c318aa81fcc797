/**
 * A built Trellis app for route tests: a fresh database, the services, and one API token per
 * role. Requests go through `app.inject()`; no port is opened.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { createServices, startModules, stopModules, type Services } from '../src/services.ts';
import { roles, type Role } from '../src/module.ts';
import { systemActor } from '../src/auth/index.ts';
import type { TestDatabase } from './databases.ts';
import { defaultConfig, type Config } from '../src/config.ts';
import { ephemeralKeyRing } from '../src/keys/index.ts';

/** A route's URL with its path parameters filled by plausible values (authorisation runs before any lookup). */
export function concreteUrl(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, (_, name: string) => (name === 'id' ? '0123456789abcdef' : name === 'version' ? '1' : 'sample-app'));
}

export interface TestApp {
  app: FastifyInstance;
  routes: { method: string; url: string; permission?: string }[];
  /** Every route of any path, with its permission or `public`. */
  allRoutes: { method: string; url: string; permission?: string; public: boolean }[];
  services: Services;
  tokens: Record<Role, string>;
  /** inject with a role's bearer token. */
  as(role: Role, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * `config` tunes the HTTP layer; `settings` is the rest of the server configuration the
 * modules read from `services.config` (an IdP, the public URL), over the defaults.
 */
export async function makeTestApp(
  tdb: TestDatabase,
  config: Partial<{ bodyLimit: number; authFailureLimit: number; trustProxy: false | number | string[] }> = {},
  settings: Partial<Config> = {},
  /** Log JSON lines at `level` to `write` (tests of what the server logs); default: no logging. */
  logging?: { level: Config['logLevel']; write: (line: string) => void },
): Promise<TestApp> {
  const database = await tdb.open();
  const services = await createServices(database, ephemeralKeyRing(), { ...defaultConfig(), ...settings });
  const { app, routes, allRoutes } = await buildApp({
    config: { bodyLimit: config.bodyLimit ?? 1024 * 1024, authFailureLimit: config.authFailureLimit ?? 1000, trustProxy: config.trustProxy ?? false, logLevel: logging?.level ?? 'silent' },
    services,
    ...(logging ? { logger: true, logWrite: logging.write } : {}),
  });
  // As the server does: the built-in policy pack is stored and activated, jobs run.
  await startModules(services);
  const tokens = {} as Record<Role, string>;
  for (const role of roles) tokens[role] = (await services.tokens.create(systemActor, { name: `test-${role}`, role })).token;
  return {
    app,
    routes,
    allRoutes,
    services,
    tokens,
    as: (role, opts) => app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${tokens[role]}` } }),
    close: async () => {
      await app.close();
      await stopModules(services);
      await services.audit.stop();
      await database.close();
    },
  };
}
