/**
 * Following changes other replicas make: state held in memory on every server (the active
 * policy bundle, revocations) stays current without a database read per request.
 *
 * On PostgreSQL a writer sends `pg_notify(channel, schema)` in its transaction and every
 * replica LISTENs on a connection of its own; each (re)connect runs a catch-up read, so a
 * notification lost while the connection was down is never a change lost. On SQLite (one
 * process, or several on one file) the catch-up read simply runs on a timer.
 */
import { sql } from 'kysely';
import type pg from 'pg';
import type { Database, Tx } from './database.ts';

export interface FollowOptions {
  /** The NOTIFY channel (a plain identifier). */
  channel: string;
  /** Reads what changed since the last read; must be idempotent and safe to run concurrently with itself. */
  catchUp: () => Promise<void>;
  /** SQLite: how often catchUp runs. */
  pollIntervalMs: number;
  warn: (message: string) => void;
  /** Named in warnings ("policy: …"). */
  label: string;
}

export type FollowMode = { mode: 'listen'; pid: number | undefined; connected: boolean } | { mode: 'poll'; intervalMs: number };

/** Tell every replica to run its catch-up read for `channel` (PostgreSQL; a no-op on SQLite), in the writer's transaction. */
export async function notifyFollowers(tx: Tx, database: Database, channel: string): Promise<void> {
  if (database.dialect === 'postgres') await sql`select pg_notify(${channel}, ${database.schema ?? 'public'})`.execute(tx);
}

export class Follower {
  private started = false;
  private stopped = false;
  private poller: NodeJS.Timeout | undefined;
  private listener: pg.Client | undefined;
  private listenerPid: number | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = 100;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly database: Database,
    private readonly opts: FollowOptions,
  ) {}

  /** Starts following; resolves after the first catch-up read (or the first failed attempt to listen). */
  async start(): Promise<void> {
    this.started = true;
    if (this.database.dialect === 'postgres' && this.database.connectDedicated) {
      await this.listen();
      return;
    }
    await this.run();
    this.poller = setInterval(() => void this.run().catch((e: unknown) => this.opts.warn(`${this.opts.label}: catching up failed: ${(e as Error).message}`)), this.opts.pollIntervalMs);
    this.poller.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.poller = undefined;
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await listener.end().catch(() => {});
    await this.running?.catch(() => {});
  }

  /** How this replica follows: the PostgreSQL backend it LISTENs on, or polling; null unless started. */
  mode(): FollowMode | null {
    if (!this.started || this.stopped) return null;
    if (this.poller) return { mode: 'poll', intervalMs: this.opts.pollIntervalMs };
    return { mode: 'listen', pid: this.listener ? this.listenerPid : undefined, connected: this.listener !== undefined };
  }

  /** One catch-up at a time; a call during a run causes one more run after it (it may have missed a change). */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.opts.catchUp();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    let client: pg.Client | undefined;
    try {
      client = await this.database.connectDedicated!();
      const c = client;
      const lost = (err?: Error) => {
        if (this.listener !== c) return;
        this.listener = undefined;
        void c.end().catch(() => {});
        if (!this.stopped) {
          this.opts.warn(`${this.opts.label}: the listener lost its connection${err ? ` (${err.message})` : ''}; reconnecting`);
          this.scheduleReconnect();
        }
      };
      c.on('error', lost);
      c.on('end', () => lost());
      c.on('notification', (msg) => {
        if (msg.channel === this.opts.channel && msg.payload === (this.database.schema ?? 'public')) void this.run().catch((e: unknown) => this.opts.warn(`${this.opts.label}: catching up failed: ${(e as Error).message}`));
      });
      await c.query(`LISTEN ${this.opts.channel}`);
      if (this.stopped) {
        await c.end().catch(() => {});
        return;
      }
      this.listener = c;
      this.listenerPid = Number((await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid);
      this.reconnectDelayMs = 100;
      // Anything that changed while not listening.
      await this.run();
    } catch (err) {
      if (client) void client.end().catch(() => {});
      if (!this.stopped) {
        this.opts.warn(`${this.opts.label}: cannot listen for changes (${(err as Error).message}); retrying`);
        this.scheduleReconnect();
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, 5_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen();
    }, delay);
    this.reconnectTimer.unref();
  }
}
