/**
 * Migrations of the sso module's tables: sessions, pending browser sign-ins and pending device
 * authorizations. Pending rows live in the database, not in memory, so whichever replica
 * receives the IdP's callback or the CLI's poll can finish it. Times are ISO-8601 text in UTC.
 */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

const createTables: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sso_sessions')
      // Public id, 16 hex characters (the credential is trls_<id>_<secret>).
      .addColumn('id', 'text', (c) => c.primaryKey())
      // SHA-256 of the secret part, hex.
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      // browser | cli
      .addColumn('kind', 'text', (c) => c.notNull())
      // user:<email>
      .addColumn('subject', 'text', (c) => c.notNull())
      // Display name from the IdP.
      .addColumn('name', 'text', (c) => c.notNull())
      // The Trellis role mapped from the person's groups at sign-in.
      .addColumn('role', 'text', (c) => c.notNull())
      // JSON object of attributes from the IdP's claims.
      .addColumn('attributes', 'text', (c) => c.notNull())
      // ISO-8601 sign-in time.
      .addColumn('created_at', 'text', (c) => c.notNull())
      // ISO-8601 time of last use (written at most once a minute).
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      // ISO-8601 end if unused from last_seen_at on.
      .addColumn('idle_expires_at', 'text', (c) => c.notNull())
      // ISO-8601 absolute end.
      .addColumn('expires_at', 'text', (c) => c.notNull())
      // ISO-8601 time it ended (logout, timeout, revocation); null while live.
      .addColumn('ended_at', 'text')
      // Why it ended.
      .addColumn('end_reason', 'text')
      // The IdP's ID token sealed under the 'sso.state' key (for id_token_hint at logout).
      .addColumn('id_token_enc', 'text')
      .execute();
    await db.schema.createIndex('sso_sessions_subject').on('sso_sessions').column('subject').execute();
    await db.schema.createIndex('sso_sessions_expires').on('sso_sessions').column('expires_at').execute();

    await db.schema
      .createTable('sso_logins')
      // SHA-256 of the OAuth state parameter, hex.
      .addColumn('state_hash', 'text', (c) => c.primaryKey())
      // SHA-256 of the browser's pre-login cookie value, hex.
      .addColumn('binding_hash', 'text', (c) => c.notNull())
      // Sealed PKCE code verifier.
      .addColumn('code_verifier_enc', 'text', (c) => c.notNull())
      // The OIDC nonce the ID token must carry.
      .addColumn('nonce', 'text', (c) => c.notNull())
      // Same-origin relative path to return to.
      .addColumn('return_to', 'text', (c) => c.notNull())
      // ISO-8601 times.
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sso_devices')
      // SHA-256 of the handle the CLI holds, hex.
      .addColumn('handle_hash', 'text', (c) => c.primaryKey())
      // Sealed device_code from the IdP.
      .addColumn('device_code_enc', 'text', (c) => c.notNull())
      // Seconds between polls.
      .addColumn('interval', 'integer', (c) => c.notNull())
      // ISO-8601 times.
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      // ISO-8601 time a session was made from it; null until then.
      .addColumn('used_at', 'text')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sso_devices').execute();
    await db.schema.dropTable('sso_logins').execute();
    await db.schema.dropTable('sso_sessions').execute();
  },
};

export const ssoMigrations: ModuleMigrations = () => ({
  '20261212_0300_sso': createTables,
});
