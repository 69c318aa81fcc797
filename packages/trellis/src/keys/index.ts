/**
 * The keys module: the installation's master key, where it lives and the start-time check that
 * every replica uses the same one (installation.ts). Other modules get purpose keys from the
 * `keys` service (a KeyRing), never the master key.
 */
import type { TrellisModule } from '../module.ts';
import { keyErrors } from './errors.ts';

export { ephemeralKeyRing, keyRingFrom } from './master-key.ts';
export type { KeyRing } from '../module.ts';
export { loadInstallationKeys, findInstallationKey } from './installation.ts';
export { seal, unseal } from './sealed.ts';

export const keysModule: TrellisModule = {
  name: 'keys',
  errors: keyErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).keyMigrations(dialect),
};
