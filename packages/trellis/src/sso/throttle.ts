/**
 * A per-key fixed-window counter for the public sign-in endpoints, which create rows and
 * call the IdP for anyone who asks. Per replica and in memory: it only has to stop one
 * client hammering, not count exactly across replicas.
 */
export class Throttle {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts a call; seconds to wait when over the limit, else undefined. */
  take(key: string, now = Date.now()): number | undefined {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 10_000) this.windows.clear();
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : undefined;
  }
}
