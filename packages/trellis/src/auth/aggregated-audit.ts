/**
 * Audits events a caller could otherwise multiply at will — refused requests (401 and 403,
 * refused OAuth token requests), a token seen from a new address — without flooding the trail.
 *
 * The first refusal of a kind (same actor or address, same reason, same route) in a window is
 * written at once, so detections see it promptly; repeats within the window are only counted
 * and written as one summary event (`details.count`, `details.repeated: true`) when the window
 * closes or the server stops. The counts of all events of a kind add up to the refusals.
 * A viewer hammering a forbidden route for five seconds now writes two rows, not thousands.
 */
import type { AuditInput, AuditLog } from '../audit/index.ts';
import type { Database } from '../db/database.ts';

const MAX_KINDS = 10_000;

interface Pending {
  input: AuditInput;
  repeats: number;
}

export class AggregatedAudit {
  private readonly seen = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private overflow: Pending | undefined;

  constructor(
    private readonly audit: AuditLog,
    private readonly database: Database,
    private readonly windowMs = 60_000,
  ) {}

  /** Record one refusal; `kind` groups refusals that differ only in time. */
  async record(kind: string, input: AuditInput): Promise<void> {
    const hit = this.seen.get(kind);
    if (hit) {
      hit.repeats++;
      return;
    }
    if (this.seen.size >= MAX_KINDS) {
      // A spray of distinct kinds: one summary stands for all of them.
      this.overflow ??= { input: { ...input, action: `${input.action}.overflow`, message: 'refusals beyond the per-window limit of distinct kinds', details: {} }, repeats: 0 };
      this.overflow.repeats++;
      return;
    }
    this.seen.set(kind, { input, repeats: 0 });
    this.arm();
    await this.audit.record({ ...input, details: { ...input.details, count: 1 } });
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.windowMs);
    this.timer.unref();
  }

  /** Write the summaries of the window that is open and start a new one. */
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
