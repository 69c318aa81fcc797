/**
 * The gateway's tables: per-app quota overrides (the defaults live in the configuration) and
 * the usage every replica adds its counts to, per day and per minute, so that all replicas see
 * approximately the same totals without a database round trip per call.
 */
import type { Kysely } from 'kysely';
import type { ModuleMigrations } from '../db/migrate.ts';

export const gatewayMigrations: ModuleMigrations = () => ({
  '20261213_0500_gateway': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('gateway_quotas')
        .addColumn('app', 'text', (c) => c.primaryKey())
        // null: the configured default.
        .addColumn('requests_per_minute', 'bigint')
        .addColumn('records_per_day', 'bigint')
        .addColumn('bytes_per_day', 'bigint')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('gateway_usage')
        .addColumn('app', 'text', (c) => c.notNull())
        // `d:2026-12-13` (UTC day) or `m:2026-12-13T09:41` (UTC minute).
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('requests', 'bigint', (c) => c.notNull())
        .addColumn('records', 'bigint', (c) => c.notNull())
        .addColumn('bytes', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('gateway_usage_pk', ['app', 'period'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('gateway_usage').execute();
      await db.schema.dropTable('gateway_quotas').execute();
    },
  },
});
