/**
 * Every capability of Trellis, in dependency order: a module may use the services of the
 * modules above it. This list is the one place the platform learns what exists — the server's
 * routes, the service container, the migrations, the CLI, background jobs, the permission
 * matrix and the error catalogue (and the docs generated from them) all come from it.
 * Adding a capability: a folder whose index.ts exports a `TrellisModule`, and one line here.
 */
import type { PermissionTable, TrellisModule } from './module.ts';
import type { Database, OpenOptions } from './db/database.ts';
import type { ModuleMigrations } from './db/migrate.ts';
import { coreErrors, type ErrorTable } from './errors.ts';
import { apiPermissions } from './http/openapi.ts';
import { mergePermissions, authModule } from './auth/index.ts';
import { keysModule } from './keys/index.ts';
import { observabilityModule } from './observability/index.ts';
import { auditModule } from './audit/index.ts';
import { egressModule } from './egress/index.ts';
import { webhooksModule } from './webhooks/index.ts';
import { catalogModule } from './catalog/index.ts';
import { dlpModule } from './dlp/index.ts';
import { policyModule } from './policy/index.ts';
import { secretsModule } from './secrets/index.ts';
import { siemModule } from './siem/index.ts';
import { connectorsModule } from './connectors/index.ts';
import { governanceModule } from './governance/index.ts';
import { insightsModule } from './insights/index.ts';
import { identityModule } from './identity/index.ts';
import { ssoModule } from './sso/index.ts';
import { oauthModule } from './oauth/index.ts';
import { leasesModule } from './leases/index.ts';
import { exportsModule } from './exports/index.ts';
import { gatewayModule } from './gateway/index.ts';
import { consoleModule } from './console/index.ts';

export const modules: readonly TrellisModule[] = [
  keysModule,
  observabilityModule,
  auditModule,
  authModule,
  egressModule,
  webhooksModule,
  catalogModule,
  dlpModule,
  policyModule,
  secretsModule,
  siemModule,
  connectorsModule,
  governanceModule,
  insightsModule,
  identityModule,
  ssoModule,
  oauthModule,
  leasesModule,
  exportsModule,
  gatewayModule,
  consoleModule,
];

/** Every module's migrations, for openDatabase. */
export const moduleMigrations: readonly ModuleMigrations[] = modules.flatMap((m) => (m.migrations ? [m.migrations] : []));

/** The permission matrix: the platform's own permissions and every module's. */
export const permissionMatrix: PermissionTable = mergePermissions([apiPermissions, ...modules.map((m) => m.permissions ?? {})]);

/** Every error code: the core ones and each module's own (docs/errors.md lists these). */
export const errorCatalog: ErrorTable = Object.assign({}, coreErrors, ...modules.map((m) => m.errors ?? {}));

/** Open the database and bring every module's tables up to date. */
export async function openTrellisDatabase(opts: OpenOptions): Promise<Database> {
  // Loaded here, not at the top: the CLI reads this list for its commands without a database.
  const { openDatabase } = await import('./db/database.ts');
  const { migrateToLatest } = await import('./db/migrate.ts');
  const database = await openDatabase(opts);
  try {
    await migrateToLatest(database, moduleMigrations);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}
