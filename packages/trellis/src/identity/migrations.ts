/** Migrations of the identity module's tables: the directory (people, groups, members), settings, ownership offers and the change feed. */
import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { ModuleMigrations } from '../db/migrate.ts';
import { surrogateKey } from '../db/columns.ts';

function createTables(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('identity_people')
        // A UUID the server assigns (the SCIM id).
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_name', 'text', (c) => c.notNull())
        // Lower-cased userName: unique, as SCIM compares userName without case.
        .addColumn('user_name_lower', 'text', (c) => c.notNull().unique())
        // The IdP's own id for the person.
        .addColumn('external_id', 'text')
        // user:<primary email or userName>, lower case.
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text')
        // 1 active, 0 deactivated.
        .addColumn('active', 'integer', (c) => c.notNull())
        // 1 once deleted through SCIM: the row stays for history, SCIM no longer shows it.
        .addColumn('deleted', 'integer', (c) => c.notNull())
        .addColumn('title', 'text')
        // SCIM userType: employment type (Employee, Contractor, …).
        .addColumn('user_type', 'text')
        .addColumn('department', 'text')
        .addColumn('cost_center', 'text')
        .addColumn('organization', 'text')
        .addColumn('division', 'text')
        // The manager's person id (enterprise extension manager.value).
        .addColumn('manager_id', 'text')
        // From the work (or primary, or first) address.
        .addColumn('locality', 'text')
        .addColumn('country', 'text')
        // JSON: the SCIM resource as stored, without id, meta and groups.
        .addColumn('doc', 'text', (c) => c.notNull())
        // ISO-8601.
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        // Counts changes; the resource's ETag.
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('identity_people_ref').on('identity_people').column('ref').execute();
      await db.schema.createIndex('identity_people_external').on('identity_people').column('external_id').execute();
      await db.schema.createIndex('identity_people_manager').on('identity_people').column('manager_id').execute();

      await db.schema
        .createTable('identity_groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('display_name', 'text', (c) => c.notNull())
        // Lower-cased displayName: unique.
        .addColumn('display_name_lower', 'text', (c) => c.notNull().unique())
        .addColumn('external_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('identity_members')
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('identity_members_pk', ['group_id', 'person_id'])
        .execute();
      // A person's groups (their ABAC attributes, the SCIM groups attribute).
      await db.schema.createIndex('identity_members_person').on('identity_members').column('person_id').execute();

      await db.schema
        .createTable('identity_settings')
        // fallback_owner
        .addColumn('key', 'text', (c) => c.primaryKey())
        // JSON value.
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('identity_offers')
        // off_ and 16 hex characters.
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app_name', 'text', (c) => c.notNull())
        // The departed owner and the person offered the app (canonical references).
        .addColumn('from_ref', 'text', (c) => c.notNull())
        .addColumn('to_ref', 'text', (c) => c.notNull())
        // manager | fallback
        .addColumn('via', 'text', (c) => c.notNull())
        // open | accepted | declined
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        // Actor id that accepted or declined.
        .addColumn('decided_by', 'text')
        .execute();
      await db.schema.createIndex('identity_offers_to').on('identity_offers').columns(['to_ref', 'status']).execute();

      await db.schema
        .createTable('identity_changes')
        // Counts up; replicas read past the last number they saw (and re-read the last minutes).
        .addColumn('seq', ...surrogateKey(dialect))
        .addColumn('person_id', 'text', (c) => c.notNull())
        // ms since the epoch.
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('identity_changes_at').on('identity_changes').column('changed_at').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['identity_changes', 'identity_offers', 'identity_settings', 'identity_members', 'identity_groups', 'identity_people']) await db.schema.dropTable(t).execute();
    },
  };
}

export const identityMigrations: ModuleMigrations = (dialect) => ({
  '20261212_0400_identity': createTables(dialect),
});
