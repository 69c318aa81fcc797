/** Migrations of the auth module's tables. */
import type { Kysely, Migration } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';
import { surrogateKey } from '../db/columns.ts';

export const authMigrations: ModuleMigrations = (dialect) => ({
  '20261127_0200_api_tokens': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_tokens')
        // Public token id (the part of the token before the secret), e.g. tok_3f9a….
        .addColumn('id', 'text', (c) => c.primaryKey())
        // Human label chosen by the admin who created it.
        .addColumn('name', 'text', (c) => c.notNull())
        // admin | reviewer | builder | auditor | viewer
        .addColumn('role', 'text', (c) => c.notNull())
        // SHA-256 of the secret part, hex; the secret itself is never stored.
        .addColumn('token_hash', 'text', (c) => c.notNull())
        // Actor id of the creator (`system` for the bootstrap token).
        .addColumn('created_by', 'text', (c) => c.notNull())
        // ISO-8601 creation time.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // ISO-8601 expiry; null for no expiry.
        .addColumn('expires_at', 'text')
        // ISO-8601 revocation time; null while valid.
        .addColumn('revoked_at', 'text')
        // ISO-8601 time of last use, updated at most once a minute.
        .addColumn('last_used_at', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('api_tokens').execute();
    },
  } satisfies Migration,
  '20261206_0200_auth_failures': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('auth_failures')
        // What failed: `ip:<address>` or `token:<token id>` (never a secret).
        .addColumn('key', 'text', (c) => c.notNull())
        // Start of the one-minute window, ms since the epoch.
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        // Failures the whole cluster counted for the key in the window.
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('auth_failures_pk', ['key', 'window_start'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('auth_failures').execute();
    },
  } satisfies Migration,
  '20261206_0900_api_token_subject': {
    async up(db: Kysely<unknown>) {
      // The person a token acts for (`user:<email>`), in the catalog's canonical owner form, so
      // separation of duties can tell an app's owner from its reviewer. Null for automation.
      await db.schema.alterTable('api_tokens').addColumn('subject', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('api_tokens').dropColumn('subject').execute();
    },
  } satisfies Migration,
  '20261212_0100_revocations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('revocations')
        // Counts up; replicas read what is past the last number they saw (and re-read the last minutes).
        .addColumn('seq', ...surrogateKey(dialect))
        // api_token | session | access_token | client | app | subject
        .addColumn('kind', 'text', (c) => c.notNull())
        // The token id, session id, jti, client id, app name or person reference.
        .addColumn('ref', 'text', (c) => c.notNull())
        // ms since the epoch: credentials of kind/ref issued at or before it are void.
        .addColumn('revoked_at', 'bigint', (c) => c.notNull())
        // Why, in a few words (never a secret).
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('revocations_at').on('revocations').column('revoked_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('revocations').execute();
    },
  } satisfies Migration,
});
