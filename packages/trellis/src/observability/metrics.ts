/**
 * The `metrics` service: one Prometheus registry per app (never prom-client's global one, since
 * tests run many apps in one process), the metrics Trellis itself records, and small helpers
 * other modules create theirs with. Label values come from fixed sets or from names the server
 * itself defines (route patterns, decision points, detector types, known connectors), never from
 * what a client sends, so the number of series stays bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: from 0.5 ms (an in-memory decision) to 10 s (a slow upstream). */
const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const httpMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A queue whose length is read at each scrape. */
type QueueReader = () => number;

/** One sink's delivery state as the SIEM service reports it (only the fields read here). */
interface SinkLag {
  name: string;
  /** Events not yet handed over. */
  lag: number;
  /** Age of the oldest of them; null when none waits. */
  oldestAgeMs: number | null;
  deadLetters: number;
}

/** The audit ledger's state as its service reports it. */
interface LedgerStatus {
  checkpointSize: number;
  checkpointAt: string | null;
  sealed: number;
  witnesses: readonly { witness: string; treeSize: number }[];
}

/**
 * A histogram for the per-request paths. prom-client's Histogram validates, sorts and hashes
 * its label object on every observation (about 1 µs each on this machine, three per gateway
 * call); this one finds its series by the label values joined and counts into a typed array,
 * and turns that into prom-client's shape only when scraped. Registered like any other metric.
 */
class FastHistogram {
  readonly type = 'histogram';
  private readonly series = new Map<string, { labels: Record<string, string>; counts: Float64Array; sum: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly buckets: readonly number[],
  ) {}

  /** One observation; `values` in the order of the label names. */
  observe(values: readonly string[], value: number): void {
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      s = { labels: Object.fromEntries(this.labelNames.map((n, i) => [n, values[i]!])), counts: new Float64Array(this.buckets.length + 1), sum: 0 };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
  }

  /** prom-client's reading of a histogram: cumulative buckets, sum and count per series. */
  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: { metricName: string; labels: Record<string, string | number>; value: number }[] } {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const s of this.series.values()) {
      let running = 0;
      this.buckets.forEach((le, i) => {
        running += s.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...s.labels }, value: running });
      });
      running += s.counts[this.buckets.length]!;
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...s.labels }, value: running });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: running });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }

  reset(): void {
    this.series.clear();
  }
}

export class Metrics {
  readonly registry = new Registry();
  private defaults = false;
  private readonly queues = new Map<string, QueueReader>();

  private readonly http = this.fast('trellis_http_request_duration_seconds', 'HTTP requests by method, route pattern and status, with their duration', ['method', 'route', 'status']);
  private readonly decisions = this.fast('trellis_policy_decision_duration_seconds', 'Policy decisions by decision point and result, with their evaluation time', ['point', 'result']);
  private readonly dlpBytes = this.counter('trellis_dlp_scanned_bytes_total', 'Bytes of text and records the DLP engine scanned, by where the scan ran', ['surface']);
  private readonly dlpFindings = this.counter('trellis_dlp_findings_total', 'DLP findings by detector type (entity) and where the scan ran', ['surface', 'entity']);
  private readonly gateway = this.fast('trellis_gateway_call_duration_seconds', 'Gateway calls by connector, kind and outcome, with their duration end to end', ['connector', 'kind', 'outcome']);
  private readonly upstream = this.fast('trellis_gateway_upstream_duration_seconds', "Gateway calls' upstream work (the database statement or the HTTP request) by connector and kind", ['connector', 'kind']);

  constructor() {
    this.gauge('trellis_queue_size', 'Items waiting in an in-memory queue, by queue', ['queue'], (g) => {
      g.reset();
      for (const [name, read] of this.queues) g.set({ queue: name }, read());
    });
  }

  /** A counter in this app's registry (a name already registered returns the existing one). */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (c: Counter<L>) => void | Promise<void>): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter<L>({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect(this: Counter<L>) { return collect(this); } } : {}) });
  }

  /** A histogram of seconds in this app's registry (latency buckets unless given). */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets: number[] = latencyBuckets): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<L>;
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** A hot-path histogram of seconds (FastHistogram), registered in this app's registry. */
  private fast(name: string, help: string, labelNames: readonly string[]): FastHistogram {
    const h = new FastHistogram(name, help, labelNames, latencyBuckets);
    this.registry.registerMetric(h as unknown as Parameters<Registry['registerMetric']>[0]);
    return h;
  }

  /** A gauge in this app's registry; `collect` sets its value at each scrape. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (g: Gauge<L>) => void | Promise<void>): Gauge<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Gauge<L>;
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect(this: Gauge<L>) { return collect(this); } } : {}) });
  }

  /** Report a queue's length as `trellis_queue_size{queue=name}`, read at each scrape. */
  queue(name: string, read: QueueReader): void {
    this.queues.set(name, read);
  }

  /** One HTTP request: `route` is the matched pattern (undefined when no route matched). */
  request(method: string, route: string | undefined, status: number, seconds: number): void {
    this.http.observe([httpMethods.has(method) ? method : 'other', route ?? 'unmatched', String(status)], seconds);
  }

  /** One decision (its own measured evaluation time). */
  decision(d: { point: string; result: string; duration_ms: number }): void {
    this.decisions.observe([d.point, d.result], d.duration_ms / 1000);
  }

  /** One DLP scan: its size and how many findings of each detector type (entity) it made. */
  dlpScan(surface: 'api' | 'gateway', bytes: number, findings: Readonly<Record<string, number>>): void {
    this.dlpBytes.inc({ surface }, bytes);
    for (const [entity, n] of Object.entries(findings)) if (n > 0) this.dlpFindings.inc({ surface, entity }, n);
  }

  /** One gateway call. `connector` must be a known connector's name (the caller checks). */
  gatewayCall(connector: string, kind: string, outcome: 'success' | 'failure', seconds: number): void {
    this.gateway.observe([connector, kind, outcome], seconds);
  }

  /** The upstream part of one gateway call. */
  gatewayUpstream(connector: string, kind: string, seconds: number): void {
    this.upstream.observe([connector, kind], seconds);
  }

  /** Appended audit events, read from the trail's own count at each scrape. */
  auditAppends(read: () => number): void {
    this.counter('trellis_audit_events_appended_total', 'Audit events handed to the trail (changes, calls, refusals)', [], (c) => {
      c.reset();
      c.inc(read());
    });
  }

  /**
   * Each SIEM sink's lag (events not yet delivered, the oldest one's age) and dead letters, read
   * from `status()` once per scrape. Sink names are set by admins, so they are bounded.
   */
  sinkLag(status: () => Promise<readonly SinkLag[]>): void {
    // One status() per scrape: the three gauges are collected concurrently and share its answer.
    let current: Promise<readonly SinkLag[]> | undefined;
    const once = () => (current ??= status().finally(() => setImmediate(() => (current = undefined))));
    const gauge = (name: string, help: string, value: (s: SinkLag) => number) =>
      this.gauge(name, help, ['sink'], async (g) => {
        const sinks = await once();
        g.reset();
        for (const s of sinks) g.set({ sink: s.name }, value(s));
      });
    gauge('trellis_siem_sink_lag_events', 'Audit events a SIEM sink has not yet delivered, by sink', (s) => s.lag);
    gauge('trellis_siem_sink_oldest_undelivered_seconds', 'Age of the oldest audit event a SIEM sink has not yet delivered (0 when none waits), by sink', (s) => (s.oldestAgeMs ?? 0) / 1000);
    gauge('trellis_siem_sink_dead_letters', 'Batches a SIEM sink gave up on and keeps for replay, by sink', (s) => s.deadLetters);
  }

  /**
   * The audit ledger: the newest checkpoint's size and age, sealed events it does not cover yet,
   * and how far each witness lags behind it (witnesses are configured, so bounded), read from
   * `status()` once per scrape.
   */
  ledger(status: () => Promise<LedgerStatus>): void {
    let current: Promise<LedgerStatus> | undefined;
    const once = () => (current ??= status().finally(() => setImmediate(() => (current = undefined))));
    this.gauge('trellis_audit_checkpoint_tree_size', 'Events the newest signed audit checkpoint covers', [], async (g) => g.set((await once()).checkpointSize));
    this.gauge('trellis_audit_checkpoint_age_seconds', 'Seconds since the newest audit checkpoint was signed (0 before the first)', [], async (g) => {
      const at = (await once()).checkpointAt;
      g.set(at === null ? 0 : Math.max(0, (Date.now() - Date.parse(at)) / 1000));
    });
    this.gauge('trellis_audit_unanchored_events', 'Sealed audit events no signed checkpoint covers yet', [], async (g) => {
      const s = await once();
      g.set(Math.max(0, s.sealed - s.checkpointSize));
    });
    this.gauge('trellis_audit_witness_lag_events', 'Events between the newest checkpoint and the last one a witness acknowledged, by witness', ['witness'], async (g) => {
      const s = await once();
      g.reset();
      for (const w of s.witnesses) g.set({ witness: w.witness }, Math.max(0, s.checkpointSize - w.treeSize));
    });
  }

  /** The exposition text. Process metrics join the registry at the first scrape, so an app nobody scrapes never starts their collectors. */
  async text(): Promise<string> {
    if (!this.defaults) {
      this.defaults = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
