/**
 * The identity module (C6, people): the directory of people and groups, provisioned by the IdP
 * through SCIM 2.0 under /scim/v2 (docs/identity.md); their attributes for ABAC (every
 * principal's `attributes`, Rego's `input.subject`); the departed-owner cascade and the
 * ownership offers it creates. Other modules reach it through the `identity` service.
 */
import type { TrellisModule } from '../module.ts';
import type { IdentityService } from './service.ts';
import { identityErrors } from './errors.ts';
import { registerIdentityCommands } from './cli.ts';

declare module '../module.ts' {
  interface Services {
    identity: IdentityService;
  }
}

export const identityModule: TrellisModule = {
  name: 'identity',
  permissions: {
    'scim:provision': { description: 'Provision people and groups through SCIM 2.0 (/scim/v2): the IdP’s provisioning client', roles: ['admin', 'provisioner'] },
    'people:read': { description: 'List and show people in the directory, with their attributes', roles: ['admin', 'reviewer', 'auditor'] },
    'ownership:respond': { description: 'See and answer the ownership offers made to oneself (a departed owner’s apps); admins see and answer all', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
    'identity:manage': { description: 'Read and change the identity settings (the fallback owner)', roles: ['admin'] },
  },
  errors: identityErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).identityMigrations(dialect),
  services: async ({ database, audit, tokens, revocations, catalog, webhooks, governance }) => {
    const identity = new (await import('./service.ts')).IdentityService(database, audit, { tokens, revocations, catalog, webhooks, governance });
    // Every principal with a subject carries the person's directory attributes (ABAC).
    tokens.setAttributeSource((ref) => identity.attributesOf(ref) as Readonly<Record<string, unknown>> | undefined);
    // Registration's owner check and risk factor: an owner the directory holds as departed is inactive.
    governance.setOwnerStatusSource((ref) => identity.attributes.statusOf(ref));
    return { identity };
  },
  routes: async (app, services) => {
    await (await import('./scim-routes.ts')).scimRoutes(app, services);
    await (await import('./routes.ts')).identityRoutes(app, services);
  },
  cli: registerIdentityCommands,
  start: ({ identity }) => identity.attributes.start(),
  stop: ({ identity }) => identity.attributes.stop(),
};
