/**
 * The governance module (C2–C5, docs/governance.md): registration that decides. It owns the
 * routes that store app versions (register, update, status moves), classification, risk, the
 * admission decision, the review queue with separation of duties, risk overrides, settings and
 * impact analysis. Other modules reach it through the `governance` service.
 */
import type { TrellisModule } from '../module.ts';
import type { GovernanceService } from './service.ts';
import { governanceErrors } from './errors.ts';
import { registerGovernanceCommands } from './cli.ts';

declare module '../module.ts' {
  interface Services {
    governance: GovernanceService;
  }
}

export const governanceModule: TrellisModule = {
  name: 'governance',
  permissions: {
    'reviews:read': { description: 'List and show reviews: the queue, their reasons, checklists and decisions', roles: ['admin', 'reviewer', 'builder', 'auditor'] },
    'reviews:decide': { description: "Approve, reject or request changes on a review (never on an app one owns or submitted)", roles: ['admin', 'reviewer'] },
    'governance:read': { description: 'Read the governance settings: the tag → tier table, risk weights and thresholds', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
    'governance:manage': { description: "Change the governance settings and override an app's risk tier", roles: ['admin'] },
  },
  errors: governanceErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).governanceMigrations(dialect),
  services: async ({ database, audit, catalog, connectors, policy, webhooks }) => {
    const governance = new (await import('./service.ts')).GovernanceService(database, audit, catalog, connectors, policy, webhooks);
    // The playground's {app: name} form: the app's admission documents, rebuilt from what is stored.
    policy.setInputResolver((name) => governance.admissionInputsOf(name));
    return { governance };
  },
  routes: async (app, services) => (await import('./routes.ts')).governanceRoutes(app, services),
  cli: registerGovernanceCommands,
};
