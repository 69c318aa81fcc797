/**
 * The keys module: the installation's root and master keys, where they live, the start-time
 * check that every replica uses the same ones, and re-sealing the root under a new master key
 * (installation.ts). Other modules get purpose keys and key-encryption keys from the `keys`
 * service (a KeyRing), never a root or master key.
 */
import type { TrellisModule } from '../module.ts';
import { keyErrors } from './errors.ts';

export { ephemeralKeyRing, keyRingFrom } from './master-key.ts';
export type { KeyRing } from '../module.ts';
export { loadInstallationKeys, findInstallationKey, resealRoot, rootKeyStatus, type RootKeyStatus } from './installation.ts';
export { seal, unseal } from './sealed.ts';

export const keysModule: TrellisModule = {
  name: 'keys',
  errors: keyErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).keyMigrations(dialect),
};
