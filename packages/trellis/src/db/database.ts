/**
 * Opens the one database Trellis keeps its state in: the embedded SQLite file (default) or
 * PostgreSQL (`postgres://…`), both behind Kysely so every module writes one query layer.
 * Migrations are run by the caller (modules.ts `openTrellisDatabase`), so a server never serves
 * an old schema and read-only tools open without writing.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type { Tables } from './tables.ts';
import { GroupCommitSqliteDialect, fsyncFile, type SqliteDriverStats } from './sqlite-driver.ts';
import { startCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.ts';
import { namedStatementPool } from './postgres-statements.ts';
import type pg from 'pg';

export type DialectName = 'sqlite' | 'postgres';

export type Db = Kysely<Tables>;
export type Tx = Transaction<Tables>;
/** Either a whole database handle or an open transaction: queries accept both. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  dialect: DialectName;
  /** For PostgreSQL, the schema the tables live in (tests use one schema per suite). */
  schema: string | undefined;
  /** SQLite only: statements prepared and the group commit's units and commits (sqlite-driver.ts). */
  sqliteStats?: SqliteDriverStats;
  /** SQLite on disk only: the database file (threads that open connections of their own need it). */
  sqliteFile?: string;
  /** SQLite on disk only: the worker that checkpoints the WAL (sqlite-checkpointer.ts). */
  sqliteCheckpointer?: SqliteCheckpointer;
  /**
   * PostgreSQL only: a new connection outside the pool, with the pool's settings, for work
   * that holds a connection of its own (a LISTEN for notifications). The caller ends it.
   */
  connectDedicated?(): Promise<pg.Client>;
  /**
   * PostgreSQL only: the server's URL (without the schema, which is `schema`), for worker
   * threads that open connections of their own (audit/verify-ranges.ts).
   */
  postgresUrl?: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… URL; when empty, SQLite at `sqliteFile` (or dataDir/trellis.db). */
  url?: string;
  dataDir?: string;
  sqliteFile?: string;
  /** PostgreSQL schema to use (created when missing). */
  schema?: string;
  poolSize?: number;
}


/**
 * Run `fn` with a umask that keeps new files owner-only, so the database, its WAL and shared
 * memory files never exist readable by others, not even between creation and a chmod. Worker
 * threads cannot change the umask; there the chmod after opening is what holds.
 */
function withPrivateUmask<T>(fn: () => T): T {
  let previous: number | undefined;
  try {
    previous = process.umask(0o077);
  } catch {
    previous = undefined;
  }
  try {
    return fn();
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

/** The database file and SQLite's companions: owner-only, also for files made by older versions. */
function restrictSqliteFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      if (existsSync(f)) chmodSync(f, 0o600);
    } catch {
      // Someone else's file (an auditor reading a copy it may not chmod): reading it is still fine.
    }
  }
}

function openSqlite(opts: OpenOptions): Database {
  const file = opts.sqliteFile ?? join(opts.dataDir ?? '.trellis', 'trellis.db');
  const onDisk = file !== ':memory:';
  if (onDisk) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const conn = withPrivateUmask(() => {
    const c = new BetterSqlite3(file);
    // WAL lets readers run beside the writer. (Setting WAL creates the -wal and -shm files.)
    c.pragma('journal_mode = WAL');
    return c;
  });
  if (onDisk) restrictSqliteFiles(file);
  // An acknowledged commit survives power loss, not only a process crash: the driver syncs the
  // WAL after each commit, off the event loop, before acknowledging it (sqlite-driver.ts), so
  // SQLite itself need not sync inside COMMIT.
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  // Checkpoints run in a worker of their own, never inside a commit on the event loop
  // (sqlite-checkpointer.ts); a WAL a burst made large is cut back once it restarts.
  const checkpointer = onDisk ? startCheckpointer(file) : undefined;
  if (checkpointer) {
    conn.pragma('wal_autocheckpoint = 0');
    conn.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  }
  const dialect = new GroupCommitSqliteDialect(conn, onDisk ? fsyncFile(`${file}-wal`) : undefined);
  const db = new Kysely<Tables>({ dialect });
  return {
    db,
    dialect: 'sqlite',
    schema: undefined,
    sqliteStats: dialect.stats,
    ...(onDisk ? { sqliteFile: file } : {}),
    ...(checkpointer ? { sqliteCheckpointer: checkpointer } : {}),
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Database> {
  // Loaded only here: an installation on SQLite never pays for the PostgreSQL driver.
  const { default: pg } = await import('pg');
  // PostgreSQL returns BIGINT (int8) and NUMERIC as strings by default; our sequence numbers fit
  // in a JS number, so parse them as numbers once, for every connection.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const schema = opts.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema && schema !== 'public') {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: namedStatementPool(pool) }) });
  const connectDedicated = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    await client.connect();
    return client;
  };
  return { db, dialect: 'postgres', schema, connectDedicated, postgresUrl: url, close: () => db.destroy() };
}

/**
 * `postgres://…?schema=NAME` selects the schema to keep Trellis' tables in (created when
 * missing), so several installations or test runs can share one database.
 */
function splitSchema(url: string): { url: string; schema: string | undefined } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return { url: u.toString(), schema };
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const raw = opts.url ?? '';
  const isPostgres = /^postgres(ql)?:\/\//.test(raw);
  const { url, schema } = isPostgres ? splitSchema(raw) : { url: raw, schema: undefined };
  const database = isPostgres ? await openPostgres(url, { ...opts, schema: opts.schema ?? schema ?? 'public' }) : openSqlite(opts);
  return database;
}

/** Cheap liveness probe used by /readyz. */
export async function ping(database: Database): Promise<void> {
  await sql`select 1`.execute(database.db);
}
