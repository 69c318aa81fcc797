/**
 * Audit events that a caller could otherwise multiply at will — refused token requests, and
 * tokens seen from a new address — written once per kind per window: the first at once (so
 * detections see it promptly), the repeats as one summary with `details.count` when the window
 * closes or the server stops. The same idea as auth's denial log, for the OAuth endpoints.
 */
import type { AuditInput, AuditLog } from '../audit/index.ts';
import type { Database } from '../db/database.ts';

const MAX_KINDS = 10_000;

export class AggregatedAudit {
  private readonly seen = new Map<string, { input: AuditInput; repeats: number }>();
  private overflow: { input: AuditInput; repeats: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly audit: AuditLog,
    private readonly database: Database,
    private readonly windowMs = 60_000,
  ) {}

  async record(kind: string, input: AuditInput): Promise<void> {
    const hit = this.seen.get(kind);
    if (hit) {
      hit.repeats++;
      return;
    }
    if (this.seen.size >= MAX_KINDS) {
      this.overflow ??= { input: { ...input, action: `${input.action}.overflow`, message: 'events beyond the per-window limit of distinct kinds', details: {} }, repeats: 0 };
      this.overflow.repeats++;
      return;
    }
    this.seen.set(kind, { input, repeats: 0 });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.windowMs);
      this.timer.unref();
    }
    await this.audit.record({ ...input, details: { ...input.details, count: 1 } });
  }

  /** Write the summaries of the open window and start a new one. */
  async flush(): Promise<void> {
    const pending = [...this.seen.values()].filter((p) => p.repeats > 0);
    if (this.overflow) pending.push(this.overflow);
    this.seen.clear();
    this.overflow = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (pending.length === 0) return;
    const summaries = pending.map((p): AuditInput => ({ ...p.input, time: new Date(), details: { ...p.input.details, count: p.repeats, repeated: true } }));
    await this.database.db.transaction().execute((tx) => this.audit.appendMany(tx, summaries));
  }
}

/**
 * Failed client authentications per address and per client id, counted in one-minute windows
 * on this replica; a key at the limit is refused until its window ends. A valid credential is
 * never refused (the check runs only after a failure would be counted), so a guesser cannot
 * lock a client out.
 */
export class ClientAuthThrottle {
  private window = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  private roll(now: number): void {
    const w = now - (now % 60_000);
    if (w !== this.window) {
      this.window = w;
      this.counts.clear();
    }
  }

  /** Seconds until the first blocked key is free, or undefined. */
  blocked(keys: readonly string[], now = Date.now()): number | undefined {
    this.roll(now);
    for (const k of keys) if ((this.counts.get(k) ?? 0) >= this.limit) return Math.max(1, Math.ceil((this.window + 60_000 - now) / 1000));
    return undefined;
  }

  fail(keys: readonly string[], now = Date.now()): void {
    this.roll(now);
    // Bounded: a spray of distinct keys shares one bucket once the map is full.
    for (const k of keys) {
      const key = this.counts.has(k) || this.counts.size < 50_000 ? k : 'overflow';
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }
}
