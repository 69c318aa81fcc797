/**
 * Throttles failed authentication, per client address and per token id, across every replica.
 *
 * - Counting is in fixed one-minute windows. A key (`ip:…` or `token:…`) whose failures in the
 *   current window reach the limit is blocked until the window ends.
 * - The request path never touches the database: each replica counts in memory and blocks on
 *   its own counts at once; a sync step (about once a second) adds its new counts to the shared
 *   `auth_failures` table and reads back every key the cluster as a whole has blocked. So a
 *   guesser who spreads attempts over replicas is stopped within a second of the cluster limit.
 * - A block refuses only failing attempts: the plugin lets a valid credential through from a
 *   blocked address (many people share one NAT address), so a guesser cannot lock others out.
 * - Memory is bounded: at most MAX_KEYS keys per window; beyond that new keys share one
 *   overflow bucket, which blocks the spray as a whole rather than growing without end.
 */
import type { Database } from '../db/database.ts';
import * as store from './store.ts';

export const WINDOW_MS = 60_000;
const MAX_KEYS = 50_000;
const OVERFLOW_KEY = 'overflow:*';

export function windowOf(now: number): number {
  return now - (now % WINDOW_MS);
}

export class FailureLimiter {
  private window = 0;
  /** Failures this replica counted in the current window, by key. */
  private readonly local = new Map<string, number>();
  /** Counts not yet added to the shared table. */
  private readonly unsynced = new Map<string, number>();
  /** Keys the cluster has blocked in the current window. */
  private readonly clusterBlocked = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;

  constructor(
    readonly limit: number,
    private readonly database?: Database,
  ) {}

  private roll(now: number): void {
    const w = windowOf(now);
    if (w === this.window) return;
    this.window = w;
    this.local.clear();
    this.unsynced.clear();
    this.clusterBlocked.clear();
  }

  private bucket(key: string): string {
    return this.local.has(key) || this.local.size < MAX_KEYS ? key : OVERFLOW_KEY;
  }

  /** Seconds until the first of `keys` that is blocked is free again, or undefined. */
  blocked(keys: string[], now = Date.now()): number | undefined {
    this.roll(now);
    for (const key of keys) {
      const k = this.bucket(key);
      if ((this.local.get(k) ?? 0) >= this.limit || this.clusterBlocked.has(k)) return Math.max(1, Math.ceil((this.window + WINDOW_MS - now) / 1000));
    }
    return undefined;
  }

  fail(keys: string[], now = Date.now()): void {
    this.roll(now);
    for (const key of keys) {
      const k = this.bucket(key);
      this.local.set(k, (this.local.get(k) ?? 0) + 1);
      this.unsynced.set(k, (this.unsynced.get(k) ?? 0) + 1);
    }
  }

  /** Share this replica's new counts and learn the cluster's blocks. Safe to call any time. */
  sync(now = Date.now()): Promise<void> {
    if (!this.database) return Promise.resolve();
    this.syncing ??= this.syncOnce(now).finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(now: number): Promise<void> {
    const database = this.database!;
    this.roll(now);
    const window = this.window;
    const counts = [...this.unsynced].map(([key, count]) => ({ key, window_start: window, count }));
    this.unsynced.clear();
    try {
      await database.db.transaction().execute(async (tx) => {
        await store.addFailures(tx, counts);
        await store.deleteFailuresBefore(tx, window);
      });
      const blocked = await store.blockedKeys(database.db, window, this.limit);
      if (this.window !== window) return;
      for (const key of blocked) this.clusterBlocked.add(key);
    } catch {
      // The database is briefly unavailable: keep the counts for the next sync.
      if (this.window === window) for (const c of counts) this.unsynced.set(c.key, (this.unsynced.get(c.key) ?? 0) + c.count);
    }
  }

  start(intervalMs = 1000): void {
    if (this.timer || !this.database) return;
    this.timer = setInterval(() => void this.sync(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.syncing;
  }
}
