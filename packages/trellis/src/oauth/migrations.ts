/**
 * Migrations of the oauth module's tables, one migration per table. Times are ISO-8601 text
 * in UTC as everywhere in Trellis.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { ModuleMigrations } from '../db/migrate.ts';

/** Signing keys of access tokens. Insert-only: a key retires when the next generation is written. */
function signingKeys(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oauth_signing_keys')
        // 1, 2, 3 …: the highest is the current key. Unique, so two replicas creating the first
        // key (or rotating) at once cannot both succeed: the loser reads the winner's key.
        .addColumn('generation', 'integer', (c) => c.primaryKey())
        // RFC 7638 JWK thumbprint of the public key; the `kid` of tokens it signs.
        .addColumn('kid', 'text', (c) => c.notNull().unique())
        // EdDSA | ES256
        .addColumn('alg', 'text', (c) => c.notNull())
        // The public JWK as JSON (kty, crv, x[, y]), published in the JWKS.
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        // The private key (PKCS#8), AES-256-GCM under the installation's 'oauth.signing' key.
        .addColumn('private_enc', 'text', (c) => c.notNull())
        // ISO-8601 time it was created (and became current).
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Actor id of whoever made it (`system` for the first key and automatic rotation).
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('oauth_signing_keys').execute();
    },
  };
}

export const oauthMigrations: ModuleMigrations = (_dialect: DialectName) => ({
  '20261207_0100_oauth_signing_keys': signingKeys(),
});
