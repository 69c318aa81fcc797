/**
 * Migrations of the policy module's tables. Bundles are immutable once stored (a new upload is
 * a new version); activations are an append-only history whose newest row is the bundle in
 * force, which is also what every replica polls or is notified about.
 */
import type { Kysely } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

export const policyMigrations: ModuleMigrations = () => ({
  '20261206_1500_policy_bundles': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('policy_bundles')
        // 1, 2, 3 … in upload order; assigned as the highest version + 1 in the storing transaction.
        .addColumn('version', 'integer', (c) => c.primaryKey())
        // SHA-256 (hex) of the canonical JSON of {modules, data, regoVersion}: identifies the content.
        .addColumn('digest', 'text', (c) => c.notNull())
        // The Rego modules as a JSON object, module path → source text (test modules included).
        .addColumn('modules', 'text', (c) => c.notNull())
        // The data files as a JSON object, data file path (…/data.json) → its JSON value.
        .addColumn('data', 'text', (c) => c.notNull())
        // Syntax of the modules: v1 (a module that parses only as v0 is taken as v0) or v0.
        .addColumn('rego_version', 'text', (c) => c.notNull())
        // JSON array of the module paths that were accepted as Rego v0.
        .addColumn('v0_modules', 'text', (c) => c.notNull())
        // How many modules the bundle holds.
        .addColumn('module_count', 'integer', (c) => c.notNull())
        // How many test_ rules passed when it was stored (all of them did).
        .addColumn('test_count', 'integer', (c) => c.notNull())
        // Size of the module texts and data files (UTF-8 bytes of the stored JSON).
        .addColumn('size_bytes', 'integer', (c) => c.notNull())
        // The uploader's description of the change, if any.
        .addColumn('message', 'text')
        // ISO-8601 time the bundle was stored.
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Actor id that stored it (system for the built-in pack).
        .addColumn('created_by', 'text', (c) => c.notNull())
        // Display name of that actor at the time.
        .addColumn('created_by_name', 'text')
        .execute();
      await db.schema
        .createTable('policy_activations')
        // Activation order; the newest row names the bundle in force (replicas read only it).
        .addColumn('id', 'integer', (c) => c.primaryKey())
        // The bundle version activated.
        .addColumn('version', 'integer', (c) => c.notNull().references('policy_bundles.version'))
        // The activation whose bundle was in force before this one; a rollback returns to it
        // and takes over its previous_id, so repeated rollbacks walk back through history.
        .addColumn('previous_id', 'integer', (c) => c.references('policy_activations.id'))
        // activate | rollback | bootstrap (the built-in pack on first start).
        .addColumn('action', 'text', (c) => c.notNull())
        // ISO-8601 time of the activation.
        .addColumn('activated_at', 'text', (c) => c.notNull())
        // Actor id that activated it.
        .addColumn('activated_by', 'text', (c) => c.notNull())
        // Display name of that actor at the time.
        .addColumn('activated_by_name', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('policy_activations').execute();
      await db.schema.dropTable('policy_bundles').execute();
    },
  },
});
