/**
 * The keys module: the installation's root and master keys, where they live, the start-time
 * check that every replica uses the same ones, and re-sealing the root under a new master key
 * (installation.ts). Other modules get purpose keys and key-encryption keys from the `keys`
 * service (a KeyRing), never a root or master key.
 */
import type { TrellisModule } from '../module.ts';
import { keyErrors } from './errors.ts';

export { ephemeralKeyRing, keyRingFrom, tooOpen } from './master-key.ts';
export type { KeyRing } from '../module.ts';
export { loadInstallationKeys, findInstallationKey, resealRoot, rootKeyStatus } from './installation.ts';
export { seal, unseal } from './sealed.ts';

export const keysModule: TrellisModule = {
  name: 'keys',
  // The routes live in the secrets module, which holds what a rotation re-wraps.
  permissions: {
    'keys:read': { description: 'Show the master and root key ids and how many data keys each master key wraps', roles: ['admin', 'auditor'] },
    'keys:rewrap': { description: 'Re-wrap every data key and re-seal the root key under the current master key', roles: ['admin'] },
  },
  errors: keyErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).keyMigrations(dialect),
};
