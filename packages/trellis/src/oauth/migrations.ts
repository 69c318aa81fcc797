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

/** Service identities: one OAuth client per app that was ever approved. */
function clients(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oauth_clients')
        // Public id, trlc_ + 24 hex characters (not a secret).
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        // The app this identity is; one client per app, kept across suspension and reinstatement.
        .addColumn('app_name', 'text', (c) => c.notNull().unique())
        // confidential (it holds a credential) | public (none: token exchange only).
        .addColumn('type', 'text', (c) => c.notNull())
        // active | disabled (the app is suspended or retired).
        .addColumn('status', 'text', (c) => c.notNull())
        // ISO-8601 creation time.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // ISO-8601 time of the last change of type or status.
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('oauth_clients').execute();
    },
  };
}

/** Credentials of clients: secret hashes and registered public keys. */
function clientCredentials(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oauth_client_credentials')
        // Public id, cred_ + 16 hex characters.
        .addColumn('id', 'text', (c) => c.primaryKey())
        // The client it authenticates; its credentials go with it.
        .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.client_id').onDelete('cascade'))
        // client_secret | private_key_jwt
        .addColumn('type', 'text', (c) => c.notNull())
        // SHA-256 (hex) of the client secret; null for keys. The secret itself is never stored.
        .addColumn('secret_hash', 'text')
        // The registered public JWKS as JSON; null for secrets.
        .addColumn('jwks', 'text')
        // ISO-8601 end of a rotated secret's overlap; null while it has no end.
        .addColumn('expires_at', 'text')
        // ISO-8601 creation time.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Actor id of whoever created it.
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('oauth_client_credentials_client').on('oauth_client_credentials').column('client_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('oauth_client_credentials').execute();
    },
  };
}

/**
 * Client assertion ids already used (RFC 7523 §3: a jti is accepted once). The primary key
 * makes the refusal hold across replicas; rows go once their assertion has expired.
 */
function assertionJtis(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oauth_assertion_jtis')
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('jti', 'text', (c) => c.notNull())
        // ms since the epoch: the assertion's exp; pruned after it.
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('oauth_assertion_jtis_pk', ['client_id', 'jti'])
        .execute();
      await db.schema.createIndex('oauth_assertion_jtis_expiry').on('oauth_assertion_jtis').column('expires_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('oauth_assertion_jtis').execute();
    },
  };
}

export const oauthMigrations: ModuleMigrations = (_dialect: DialectName) => ({
  '20261212_0200_oauth_signing_keys': signingKeys(),
  '20261212_0210_oauth_clients': clients(),
  '20261212_0220_oauth_client_credentials': clientCredentials(),
  '20261212_0230_oauth_assertion_jtis': assertionJtis(),
});
