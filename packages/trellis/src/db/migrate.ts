/**
 * Versioned schema migrations. Each module owns its migrations (timestamped names, up and
 * down); this file orders the lists it is given (modules.ts passes every module's) into one
 * for Kysely's Migrator, which records
 * what ran in `kysely_migration` and, on PostgreSQL, takes a lock so that two replicas
 * starting together do not race.
 */
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database, DialectName } from './database.ts';

/** A module's migrations; the dialect lets a migration use each database's own features. */
export type ModuleMigrations = (dialect: DialectName) => Record<string, Migration> | Promise<Record<string, Migration>>;

export async function orderedMigrations(modules: readonly ModuleMigrations[], dialect: DialectName): Promise<Record<string, Migration>> {
  const out: Record<string, Migration> = {};
  for (const m of modules) {
    for (const [name, migration] of Object.entries(await m(dialect))) {
      if (out[name]) throw new Error(`duplicate migration name ${name}`);
      out[name] = migration;
    }
  }
  // Kysely runs migrations in name order; listing them so keeps a module's later migration
  // (e.g. a column added to the audit table) after other modules' earlier ones.
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function migrator(database: Database, modules: readonly ModuleMigrations[]): Migrator {
  const provider: MigrationProvider = { getMigrations: () => orderedMigrations(modules, database.dialect) };
  return new Migrator({ db: database.db, provider, ...(database.schema ? { migrationTableSchema: database.schema } : {}) });
}

/**
 * Kysely's migrator looks for its table by listing every table of every schema; on a
 * PostgreSQL server where someone drops another schema at that moment (other installations,
 * test suites), the listing fails with `schema "x" does not exist`. Nothing has run then, so the
 * attempt is made again; a missing schema of our own is a real error.
 */
function droppedElsewhere(error: unknown, database: Database): boolean {
  const m = error instanceof Error ? /schema "([^"]+)" does not exist/.exec(error.message) : null;
  return m !== null && m[1] !== (database.schema ?? 'public');
}

export async function migrateToLatest(database: Database, modules: readonly ModuleMigrations[]): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator(database, modules).migrateToLatest();
    if (error && attempt < 5 && droppedElsewhere(error, database)) {
      await new Promise((r) => setTimeout(r, 20 * attempt));
      continue;
    }
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).map((r) => r.migrationName);
  }
}

/** Undo every migration (used by tests that prove the down steps work). */
export async function migrateDownAll(database: Database, modules: readonly ModuleMigrations[]): Promise<void> {
  const m = migrator(database, modules);
  for (;;) {
    const { error, results } = await m.migrateDown();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    if (!results || results.length === 0) return;
  }
}
