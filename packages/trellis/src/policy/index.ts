/**
 * The policy module (C4): policy bundles stored in the database (versions, tests, diffs,
 * activation, rollback), the active bundle compiled and held in memory on every replica,
 * decisions at the four decision points, the playground, and `trellis policy …` (local
 * test/eval, and push/bundles/show/diff/activate/rollback through the API). Other modules
 * reach it through the `policy` service (PolicyService).
 */
import type { TrellisModule } from '../module.ts';
import type { PolicyService } from './service.ts';
import { registerPolicyCommands } from './cli.ts';
import { policyErrors } from './errors.ts';
import { decisionObserver } from '../observability/index.ts';

export type { PolicyService } from './service.ts';
export type { CompiledBundle, Decision } from './decide.ts';
// Deciding in a worker thread, from a bundle handed over as plain data (PolicyService.portable);
// loaded on use, since it brings the Rego engine.
export type { PortableBundle } from './standalone.ts';
export const loadStandaloneDecider = () => import('./standalone.ts');
// A policy directory read the way `policy push` reads it (governance's `policy impact DIR` sends it as a draft).
export { readBundleDirectory } from './bundle.ts';

declare module '../module.ts' {
  interface Services {
    policy: PolicyService;
  }
}

export const policyModule: TrellisModule = {
  name: 'policy',
  permissions: {
    'policy:read': { description: 'List and show policy bundles, their diffs and the active bundle', roles: ['admin', 'reviewer', 'auditor'] },
    'policy:write': { description: 'Push a new policy bundle version (it must pass its tests)', roles: ['admin'] },
    'policy:activate': { description: 'Activate a policy bundle version or roll back to the previous one', roles: ['admin'] },
    'policy:eval': { description: 'Evaluate queries and decisions in the policy playground', roles: ['admin', 'reviewer', 'builder'] },
  },
  errors: policyErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).policyMigrations(dialect),
  services: async ({ database, audit, keys, metrics, tracing }) => ({ policy: new (await import('./service.ts')).PolicyService(database, audit, keys, { observe: decisionObserver({ metrics, tracing }) }) }),
  routes: async (app, services) => (await import('./routes.ts')).policyRoutes(app, services),
  cli: registerPolicyCommands,
  // Awaited: a server is ready once its active bundle is loaded (on a first start, the built-in
  // pack stored and tested), so its first decisions and audit trail do not depend on timing.
  start: ({ policy }) => policy.start(),
  stop: ({ policy }) => policy.stop(),
};
