/**
 * The service container: each module's services, created once in the order of modules.ts and
 * handed to route plugins, jobs and the CLI's local commands. Modules talk to each other
 * through these services, never through each other's tables.
 */
import type { Database } from './db/database.ts';
import { ephemeralKeyRing, type KeyRing } from './keys/index.ts';
import type { Services } from './module.ts';
import { modules, permissionMatrix } from './modules.ts';
import { defaultConfig, type Config } from './config.ts';

export type { Services } from './module.ts';

/**
 * `keys` defaults to a throwaway key ring and `config` to the defaults: the server passes the
 * installation's key ring (keys/installation.ts) and its resolved configuration.
 */
export async function createServices(database: Database, keys: KeyRing = ephemeralKeyRing(), config: Config = defaultConfig()): Promise<Services> {
  const services: Partial<Services> = { database, keys, permissions: permissionMatrix, config };
  for (const m of modules) {
    if (!m.services) continue;
    // A module that reaches for a service no earlier module made gets a clear error, not undefined.
    const visible = new Proxy(services, {
      get(target, key) {
        if (typeof key === 'string' && !(key in target)) throw new Error(`module ${m.name} needs service ${key}, which no module before it in modules.ts provides`);
        return target[key as keyof Services];
      },
    });
    Object.assign(services, await m.services(visible as Services));
  }
  return services as Services;
}

/** Start every module's background jobs, in order. */
export async function startModules(services: Services): Promise<void> {
  for (const m of modules) await m.start?.(services);
}

/** Stop them in reverse order, before the database closes. */
export async function stopModules(services: Services): Promise<void> {
  for (const m of [...modules].reverse()) await m.stop?.(services);
}
