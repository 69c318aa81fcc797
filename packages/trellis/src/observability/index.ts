/**
 * The observability module (C13): Prometheus metrics at /metrics (the `metrics` service, one
 * registry per app; metrics.ts lists them and docs/observability.md documents them), OpenTelemetry
 * traces to an OTLP/HTTP collector when one is configured (the `tracing` service), and the trace
 * ids that log lines and audit events carry. Early in modules.ts so every later module can
 * record its own metrics and spans through these services.
 */
import type { FastifyInstance } from 'fastify';
import type { Services, TrellisModule } from '../module.ts';
import { Metrics } from './metrics.ts';
import { Tracing } from './tracing.ts';
import { installRequestObservability } from './http.ts';
import type { MetricsListener } from './listener.ts';

export type { Metrics } from './metrics.ts';
export { injectTraceContext, SpanKind } from './tracing.ts';

declare module '../module.ts' {
  interface Services {
    /** This app's Prometheus registry and the helpers that record into it. */
    metrics: Metrics;
    /** Spans to the OTLP collector; a no-op without one. */
    tracing: Tracing;
  }
}

/** The request hooks (metrics, server span): app.ts installs them before the route guard. */
export function installObservability(app: FastifyInstance, services: Pick<Services, 'metrics' | 'tracing'>): void {
  installRequestObservability(app, services);
}

/** Log fields of the current span (pino's mixin): trace_id and span_id, or nothing outside a span. */
export { currentTraceIds as traceLogFields } from './tracing.ts';

/** Each policy decision in a `policy.decide` span, its evaluation time in the decision histogram (policy's `observe`). */
export function decisionObserver({ metrics, tracing }: Pick<Services, 'metrics' | 'tracing'>) {
  return <D extends { point: string; result: string; duration_ms: number }>(point: string, decide: () => D): D =>
    tracing.span(
      'policy.decide',
      () => {
        const d = decide();
        metrics.decision(d);
        return d;
      },
      { 'trellis.policy.point': point },
    );
}

const listeners = new WeakMap<Services, MetricsListener>();

export const observabilityModule: TrellisModule = {
  name: 'observability',
  permissions: {
    'observability:metrics': { description: 'Scrape the Prometheus metrics at /metrics', roles: ['admin', 'auditor'] },
  },
  services: async ({ database, config }) => {
    const tracing = new Tracing(config.otelExporterEndpoint);
    if (tracing.enabled) {
      const { StoreTracingPlugin } = await import('./store-tracing.ts');
      database.db = database.db.withPlugin(new StoreTracingPlugin(tracing, database.dialect === 'sqlite' ? 'sqlite' : 'postgresql'));
    }
    return { metrics: new Metrics(), tracing };
  },
  routes: async (app, services) => (await import('./routes.ts')).observabilityRoutes(app, services),
  // The services of later modules exist now: read their queues and counts at each scrape.
  start: async (services) => {
    const { metrics, audit, gateway, config } = services as Partial<Services> & Pick<Services, 'metrics' | 'config'>;
    if (audit) {
      metrics.queue('audit_records', () => audit.queuedRecords);
      metrics.auditAppends(() => audit.appended);
    }
    if (gateway) metrics.queue('gateway_audit', () => gateway.queuedAuditEvents);
    const siem = (services as Partial<Services>).siem;
    if (siem) metrics.sinkLag(() => siem.status());
    const ledger = (services as Partial<Services>).auditLedger;
    if (ledger) metrics.ledger(() => ledger.status());
    if (config.metricsPort > 0) {
      const listener = new (await import('./listener.ts')).MetricsListener(services);
      await listener.start(config.host, config.metricsPort);
      listeners.set(services, listener);
    }
  },
  stop: async (services) => {
    await listeners.get(services)?.stop();
    listeners.delete(services);
    await (await import('./routes.ts')).stopScrapeGate(services);
    await services.tracing.shutdown();
  },
};
