/**
 * The secrets module (docs/secrets.md): the secret store connectors refer to by name,
 * write-only through the API, versioned, envelope-encrypted under the master key's KEK, with
 * rotation schedules; `services.secrets.resolve` for the modules that inject credentials; the
 * master-key rotation's status and rewrap (the keys module opens the keys, this one re-wraps
 * what is wrapped under them); and the credential scan every manifest goes through.
 */
import type { TrellisModule } from '../module.ts';
import type { Locate } from '../catalog/index.ts';
import type { FieldError } from '../errors.ts';
import type { SecretService } from './service.ts';
import { secretErrors } from './errors.ts';
import { registerSecretCommands } from './cli.ts';

export type { SecretService } from './service.ts';
export { secretErrors } from './errors.ts';

declare module '../module.ts' {
  interface Services {
    secrets: SecretService;
  }
}

/** Located errors for every credential in a manifest (its parsed value and, when it came as text, the text); empty when none. */
export async function findCredentials(manifest: unknown, text: string | undefined, locate: Locate): Promise<FieldError[]> {
  return (await import('./credentials.ts')).findCredentials(manifest, text, locate);
}

export const secretsModule: TrellisModule = {
  name: 'secrets',
  permissions: {
    'secrets:read': { description: 'List secrets and show their metadata and versions (never a value)', roles: ['admin', 'reviewer', 'auditor'] },
    'secrets:write': { description: 'Create secrets, store and rotate their values, destroy versions, delete secrets', roles: ['admin'] },
  },
  errors: secretErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).secretMigrations(dialect),
  services: async ({ database, audit, keys }) => ({ secrets: new (await import('./service.ts')).SecretService(database, audit, keys) }),
  routes: async (app, services) => (await import('./routes.ts')).secretRoutes(app, services),
  cli: registerSecretCommands,
  start: ({ secrets }) => secrets.start(),
  stop: ({ secrets }) => secrets.stop(),
};
