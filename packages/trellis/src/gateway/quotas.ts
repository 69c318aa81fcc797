/**
 * Per-app quotas — requests per minute, records and bytes per UTC day — enforced from memory.
 * Each replica counts its own calls and every few seconds adds the increments to the shared
 * usage table and reads the cluster's totals back, so replicas agree approximately (a burst
 * can overshoot by what other replicas admitted since their last flush). Overrides per app are
 * followed from the database on every replica (db/follow.ts).
 */
import type { Database } from '../db/database.ts';
import { Follower } from '../db/follow.ts';
import { gatewayErrors } from './errors.ts';
import * as store from './store.ts';
import type { GatewayQuotaRow, GatewayUsageRow } from './rows.ts';

export interface QuotaLimits {
  requestsPerMinute: number;
  recordsPerDay: number;
  bytesPerDay: number;
}
export type QuotaOverride = { [K in keyof QuotaLimits]: number | null };

export const quotaChannel = 'trellis_gateway_quotas';

interface Counts {
  requests: number;
  records: number;
  bytes: number;
}
const zero = (): Counts => ({ requests: 0, records: 0, bytes: 0 });

let lastMinute = -1;
let lastPeriods = { minute: '', day: '' };

/** `m:2026-12-13T09:41` and `d:2026-12-13`, UTC (computed once per minute: every call asks). */
export function periodsAt(ms: number): { minute: string; day: string } {
  const minute = Math.floor(ms / 60_000);
  if (minute !== lastMinute) {
    const iso = new Date(minute * 60_000).toISOString();
    lastPeriods = { minute: `m:${iso.slice(0, 16)}`, day: `d:${iso.slice(0, 10)}` };
    lastMinute = minute;
  }
  return lastPeriods;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** Which quota a call would exceed given the counts so far, with the seconds until it resets; null when within. */
export function exceeded(limits: QuotaLimits, minute: Counts, day: Counts, now: number): { quota: keyof QuotaLimits; limit: number; retryAfter: number } | null {
  if (minute.requests >= limits.requestsPerMinute) return { quota: 'requestsPerMinute', limit: limits.requestsPerMinute, retryAfter: Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000)) };
  const untilMidnight = Math.max(1, Math.ceil((86_400_000 - (now % 86_400_000)) / 1000));
  if (day.records >= limits.recordsPerDay) return { quota: 'recordsPerDay', limit: limits.recordsPerDay, retryAfter: untilMidnight };
  if (day.bytes >= limits.bytesPerDay) return { quota: 'bytesPerDay', limit: limits.bytesPerDay, retryAfter: untilMidnight };
  return null;
}

const quotaWords: Record<keyof QuotaLimits, string> = { requestsPerMinute: 'requests per minute', recordsPerDay: 'records per day', bytesPerDay: 'bytes per day' };

export class Quotas {
  private overrides = new Map<string, QuotaOverride>();
  /** The cluster's totals as of the last flush, by `app|period`. */
  private shared = new Map<string, Counts>();
  /** This replica's counts not yet added to the table, by `app|period`. */
  private pending = new Map<string, Counts>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly follower: Follower;

  constructor(
    private readonly database: Database,
    private readonly defaults: QuotaLimits,
    private readonly opts: { flushIntervalMs: number; warn: (m: string) => void; now?: () => number },
  ) {
    this.follower = new Follower(database, { channel: quotaChannel, catchUp: () => this.loadOverrides(), pollIntervalMs: 2000, warn: opts.warn, label: 'gateway quotas' });
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    await this.follower.start();
    this.timer = setInterval(() => void this.flush().catch((e: unknown) => this.opts.warn(`gateway quotas: flushing usage failed: ${(e as Error).message}`)), this.opts.flushIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.follower.stop();
    await this.flush().catch(() => {});
  }

  /** Read the overrides again (after this replica changed one; others follow the notify). */
  reload(): Promise<void> {
    return this.loadOverrides();
  }

  private async loadOverrides(): Promise<void> {
    const rows = await store.allQuotas(this.database.db);
    this.overrides = new Map(rows.map((r: GatewayQuotaRow) => [r.app, { requestsPerMinute: num(r.requests_per_minute), recordsPerDay: num(r.records_per_day), bytesPerDay: num(r.bytes_per_day) }]));
  }

  /** The limits in force for an app: its overrides over the defaults. */
  limitsOf(app: string): QuotaLimits {
    const o = this.overrides.get(app);
    return {
      requestsPerMinute: o?.requestsPerMinute ?? this.defaults.requestsPerMinute,
      recordsPerDay: o?.recordsPerDay ?? this.defaults.recordsPerDay,
      bytesPerDay: o?.bytesPerDay ?? this.defaults.bytesPerDay,
    };
  }

  overrideOf(app: string): QuotaOverride | undefined {
    return this.overrides.get(app);
  }

  private total(key: string): Counts {
    const s = this.shared.get(key) ?? zero();
    const p = this.pending.get(key) ?? zero();
    return { requests: s.requests + p.requests, records: s.records + p.records, bytes: s.bytes + p.bytes };
  }

  /** What the app has used in the current minute and day (approximately, cluster-wide). */
  usage(app: string): { minute: Counts; day: Counts } {
    const { minute, day } = periodsAt(this.now());
    return { minute: this.total(`${app}|${minute}`), day: this.total(`${app}|${day}`) };
  }

  private add(key: string, c: Partial<Counts>): void {
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = zero()));
    p.requests += c.requests ?? 0;
    p.records += c.records ?? 0;
    p.bytes += c.bytes ?? 0;
  }

  /** Admit one call or throw 429 naming the quota; an admitted call counts as a request. */
  admit(app: string): void {
    const now = this.now();
    const { minute, day } = periodsAt(now);
    const limits = this.limitsOf(app);
    const over = exceeded(limits, this.total(`${app}|${minute}`), this.total(`${app}|${day}`), now);
    if (over) {
      throw gatewayErrors.error('gateway_quota_exceeded', `app ${app} has used its quota of ${over.limit} ${quotaWords[over.quota]}; retry after ${over.retryAfter} s`, {
        extra: { quota: over.quota, limit: over.limit, retry_after: over.retryAfter },
      });
    }
    this.add(`${app}|${minute}`, { requests: 1 });
    this.add(`${app}|${day}`, { requests: 1 });
  }

  /** Count what a call returned or wrote. */
  count(app: string, records: number, bytes: number): void {
    const { day } = periodsAt(this.now());
    this.add(`${app}|${day}`, { records, bytes });
  }

  /** Add this replica's increments to the table and read the cluster's totals back. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const rows: GatewayUsageRow[] = [...batch].map(([key, c]) => {
      const bar = key.lastIndexOf('|');
      return { app: key.slice(0, bar), period: key.slice(bar + 1), ...c };
    });
    try {
      if (rows.length > 0) await store.addUsage(this.database.db, rows);
    } catch (err) {
      // Put the counts back so the next flush writes them.
      for (const [k, c] of batch) this.add(k, c);
      throw err;
    }
    const now = this.now();
    const { minute, day } = periodsAt(now);
    const totals = await store.usageOf(this.database.db, [minute, day]);
    this.shared = new Map(totals.map((r) => [`${r.app}|${r.period}`, { requests: Number(r.requests), records: Number(r.records), bytes: Number(r.bytes) }]));
    // Now and then, forget old periods (minutes after an hour, days after 35 days).
    if (Math.random() < 0.02) await store.deleteUsageBefore(this.database.db, periodsAt(now - 3_600_000).minute, periodsAt(now - 35 * 86_400_000).day);
  }
}
