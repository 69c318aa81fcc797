/**
 * Commands that work on an installation's database directly, without a running server (token
 * recovery): open the database the way the server does — migrations from modules.ts, the
 * installation's master key checked by keys/installation.ts so audit rows get the right MAC —
 * and build the same service container. Nothing is started (no background jobs).
 *
 * Refuses a directory or URL that does not already hold a Trellis database, so a typo in
 * `--data-dir` never creates a fresh empty installation.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Services } from '../module.ts';
import { CliError, exitCodes } from './errors.ts';

export interface LocalInstallationOptions {
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  /** A config file to read like `serve` does (TRELLIS_* variables and flags still win). */
  config?: string | undefined;
}

export interface LocalInstallation {
  services: Services;
  /** Where the database is, for messages: `SQLite in DIR` or `PostgreSQL`. */
  where: string;
  close(): Promise<void>;
}

/** Tables every Trellis database has once its first start migrated it. */
const MARKER_TABLES = ['api_tokens', 'audit_events'];

export async function openLocalInstallation(opts: LocalInstallationOptions): Promise<LocalInstallation> {
  const { loadConfig } = await import('../config.ts');
  const config = loadConfig({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl }, opts.config ? { configFile: opts.config } : {});
  const postgres = config.databaseUrl !== '';
  const where = postgres ? 'PostgreSQL' : `SQLite in ${resolve(config.dataDir)}`;
  const notTrellis = (why: string) =>
    new CliError(`${postgres ? 'the database at --database-url' : `the directory ${config.dataDir}`} does not hold a Trellis database (${why})`, exitCodes.notFound, postgres ? 'check the URL (and its ?schema=) against the server\'s TRELLIS_DATABASE_URL' : 'pass the data directory the server uses (--data-dir, TRELLIS_DATA_DIR; default .trellis)');
  if (!postgres && !existsSync(join(config.dataDir, 'trellis.db'))) throw notTrellis('no trellis.db in it');

  // Before migrating: only a database a Trellis server has already set up may be changed.
  const { openDatabase } = await import('../db/database.ts');
  const probe = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    // PostgreSQL lists every schema's tables: only the one this URL selects counts.
    const tables = new Set((await probe.db.introspection.getTables()).filter((t) => probe.schema === undefined || t.schema === probe.schema).map((t) => t.name));
    const missing = MARKER_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) throw notTrellis(`no ${missing.join(' or ')} table`);
  } finally {
    await probe.close();
  }

  const { openTrellisDatabase } = await import('../modules.ts');
  const { loadInstallationKeys } = await import('../keys/index.ts');
  const { createServices } = await import('../services.ts');
  const database = await openTrellisDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    const keys = await loadInstallationKeys({ database, dev: config.dev, dataDir: config.dataDir, warn: (line) => process.stderr.write(line + '\n') });
    const services = await createServices(database, keys.ring);
    return { services, where, close: () => database.close() };
  } catch (err) {
    await database.close();
    throw err;
  }
}
