/**
 * The catalog module (capability C1). Other modules reach it through the `catalog` service
 * (CatalogService); everything else in catalog/ is internal, its tables included.
 */
import type { TrellisModule } from '../module.ts';
import type { CatalogService } from './service.ts';
import { catalogErrors } from './errors.ts';
import { registerAppCommands } from './cli.ts';

// What other modules with manifests of their own (connectors) reuse, so that every manifest is
// read, located, validated and reported in one way. Types and light values here; the machinery
// itself through loadManifestMachinery below.
export type { Classification } from './vocabulary.ts';
export { classifications } from './vocabulary.ts';
export type { YamlLimits } from './located-yaml.ts';
export type { Caller, ManifestInput } from './service.ts';
export { formatLocatedErrors } from './cli.ts';

/**
 * The catalog's manifest machinery for other modules: the hardened YAML reader and located
 * errors, the name, owner and field rules, list cursors and the request body forms. Loaded on
 * first use, as the catalog's own service and routes are, so loading this index (every CLI
 * start) does not load zod, yaml and kysely.
 */
export async function loadManifestMachinery() {
  const [yaml, manifest, schema, model, store, routes] = await Promise.all([import('./located-yaml.ts'), import('./manifest.ts'), import('./schema.ts'), import('./model.ts'), import('./store.ts'), import('./routes.ts')]);
  return {
    readYaml: yaml.readYaml,
    documentToJs: yaml.documentToJs,
    formatPath: yaml.formatPath,
    locatePath: yaml.locatePath,
    nodePosition: yaml.nodePosition,
    capErrors: manifest.capErrors,
    compareErrors: manifest.compareErrors,
    issueToErrors: manifest.issueToErrors,
    tooDeepAt: manifest.tooDeepAt,
    appNameSchema: schema.appNameSchema,
    fieldErrorSchema: schema.fieldErrorSchema,
    fieldNameSchema: schema.fieldNameSchema,
    manifestApiVersion: schema.manifestApiVersion,
    manifestString: schema.manifestString,
    ownerPattern: schema.ownerPattern,
    resourceSchema: schema.resourceSchema,
    actorRef: model.actorRef,
    canonicalOwner: model.canonicalOwner,
    decodeCursor: model.decodeCursor,
    encodeCursor: model.encodeCursor,
    isUniqueViolation: store.isUniqueViolation,
    manifestInputOf: routes.manifestInputOf,
  };
}

// What governance uses to decide on the versions the catalog stores (docs/governance.md):
// types, and values whose files load nothing heavy; the route parts through loadAppRouteParts.
export type { CatalogService, DecisionState, TransitionResult, AppStatusChange } from './service.ts';
export type { Locate } from './manifest.ts';
export type { AppDetail, Assessment, ClassificationResult, Manifest, RiskResult, TransitionBody } from './schema.ts';
export type { AppStatus } from './lifecycle.ts';
export type { RiskTier } from './vocabulary.ts';
export { riskTiers } from './vocabulary.ts';
export { checkTransition, transitionPermission } from './lifecycle.ts';
export { manifestDigest } from './model.ts';

/** The app routes' shapes and helpers, for governance's routes on /api/v1/apps (loaded with them). */
export async function loadAppRouteParts() {
  const [schema, routes] = await Promise.all([import('./schema.ts'), import('./routes.ts')]);
  return {
    appDetailSchema: schema.appDetailSchema,
    transitionBodySchema: schema.transitionBodySchema,
    transitionResultSchema: schema.transitionResultSchema,
    callerOf: routes.callerOf,
    manifestBody: routes.manifestBody,
    manifestInputOf: routes.manifestInputOf,
    nameParams: routes.nameParams,
  };
}

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
