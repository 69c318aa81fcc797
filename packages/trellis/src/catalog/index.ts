/**
 * The catalog module (capability C1). Other modules reach it through the `catalog` service
 * (CatalogService); everything else in catalog/ is internal, its tables included.
 */
import type { TrellisModule } from '../module.ts';
import type { CatalogService } from './service.ts';
import { catalogErrors } from './errors.ts';
import { registerAppCommands } from './cli.ts';

// What other modules with manifests of their own (connectors) reuse, so that every manifest is
// read, located, validated and reported in one way.
export type { Classification } from './vocabulary.ts';
export { classifications } from './vocabulary.ts';
export { readYaml, documentToJs, formatPath, locatePath, nodePosition, type YamlLimits } from './located-yaml.ts';
export { capErrors, compareErrors, issueToErrors, tooDeepAt } from './manifest.ts';
export { appNameSchema, fieldErrorSchema, fieldNameSchema, manifestApiVersion, manifestString, ownerPattern, resourceSchema, type ActorRef } from './schema.ts';
export { actorRef, canonicalOwner, decodeCursor, encodeCursor } from './model.ts';
export { isUniqueViolation } from './store.ts';
export { manifestInputOf } from './routes.ts';
export { formatLocatedErrors } from './cli.ts';
export type { Caller, ManifestInput } from './service.ts';

declare module '../module.ts' {
  interface Services {
    catalog: CatalogService;
  }
}

export const catalogModule: TrellisModule = {
  name: 'catalog',
  permissions: {
    'apps:read': { description: 'List, search and show apps, their versions and diffs', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
    'apps:write': { description: 'Register, update and import apps; submit them for review', roles: ['admin', 'builder'] },
    'apps:review': { description: 'Approve, reject, suspend and retire apps', roles: ['admin', 'reviewer'] },
    'apps:transition': { description: 'Ask for an app status change; the move itself needs apps:write (to draft or pending_review) or apps:review (any other status)', roles: ['admin', 'reviewer', 'builder'] },
  },
  errors: catalogErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).catalogMigrations(dialect),
  services: async ({ database, audit }) => ({ catalog: new (await import('./service.ts')).CatalogService(database, audit) }),
  routes: async (app, services) => (await import('./routes.ts')).catalogRoutes(app, services),
  cli: registerAppCommands,
};
