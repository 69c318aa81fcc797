/**
 * The `tracing` service: OpenTelemetry spans sent to an OTLP/HTTP collector when an endpoint is
 * configured, nothing at all otherwise (`span` then just calls its function). Each app has its
 * own tracer provider rather than the API's global one, so apps in one process (tests) trace to
 * their own collectors; only the context manager is shared (context.ts). W3C trace context
 * (`traceparent`, `tracestate`) is read from requests and written into upstream calls.
 */
import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { ensureContextManager } from './context.ts';
import { version } from '../version.ts';

const propagator = new W3CTraceContextPropagator();

type Carrier = Record<string, string | string[] | undefined>;
const getter = {
  keys: (c: Carrier) => Object.keys(c),
  get: (c: Carrier, key: string) => c[key],
};
const setter = { set: (c: Record<string, string>, key: string, value: string) => void (c[key] = value) };

/** The trace and span ids of the current span, for log lines; undefined outside a span. */
export function currentTraceIds(): { trace_id: string; span_id: string } | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc ? { trace_id: sc.traceId, span_id: sc.spanId } : undefined;
}

/** Write the current span's `traceparent` (and `tracestate`) into outgoing request headers; nothing outside a span. */
export function injectTraceContext(headers: Record<string, string>): void {
  if (trace.getActiveSpan()) propagator.inject(context.active(), headers, setter);
}

export class Tracing {
  /** Whether spans are recorded and exported. */
  readonly enabled: boolean;
  private readonly tracer: Tracer | undefined;
  private readonly provider: BasicTracerProvider | undefined;

  /** `endpoint`: the collector's base URL (spans go to `<endpoint>/v1/traces`); empty: off. */
  constructor(endpoint: string) {
    this.enabled = endpoint !== '';
    if (!this.enabled) return;
    ensureContextManager();
    const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'trellis', [ATTR_SERVICE_VERSION]: version }),
      // Batched: a request never waits for the collector.
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
    });
    this.tracer = this.provider.getTracer('trellis', version);
  }

  /**
   * Run `fn` inside a span named `name` (a child of the current span), ended when `fn` returns
   * or its promise settles; a thrown error marks the span failed. Off: `fn()` and nothing else.
   */
  span<T>(name: string, fn: () => T, attributes?: Attributes, kind: SpanKind = SpanKind.INTERNAL): T {
    if (!this.tracer) return fn();
    return this.tracer.startActiveSpan(name, { kind, ...(attributes ? { attributes } : {}) }, (span) => {
      let result: T;
      try {
        result = fn();
      } catch (err) {
        fail(span, err);
        span.end();
        throw err;
      }
      if (result instanceof Promise) {
        return result.then(
          (v: unknown) => {
            span.end();
            return v;
          },
          (err: unknown) => {
            fail(span, err);
            span.end();
            throw err;
          },
        ) as T;
      }
      span.end();
      return result;
    });
  }

  /** Start a span that the caller ends (a request's server span, a query's span), as a child of `parent`. */
  start(name: string, opts: { kind?: SpanKind; attributes?: Attributes; parent?: Context } = {}): Span | undefined {
    return this.tracer?.startSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, ...(opts.attributes ? { attributes: opts.attributes } : {}) }, opts.parent ?? context.active());
  }

  /** The context carried by a request's `traceparent`/`tracestate` headers (the root context when absent or malformed). */
  extract(headers: Carrier): Context {
    return propagator.extract(context.active(), headers, getter);
  }

  /** Send the spans still buffered and stop (the module's stop). */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }

  /** Send the buffered spans now (tests). */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }
}

/** Mark a span failed with the error's class, never its message (it may quote input). */
function fail(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
}

export { SpanKind };
