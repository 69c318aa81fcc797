/**
 * What every request records: its duration by method, route pattern and status (metrics), and
 * with tracing on a server span, child of the caller's `traceparent` when it sends one, whose
 * `traceparent` goes back in the response. Installed before the route guard (app.ts), so a
 * refused request is counted and traced too, and the guard's token lookup is part of the span.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { context, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import type { Metrics } from './metrics.ts';
import type { Tracing } from './tracing.ts';

interface Traced {
  span: Span;
  ctx: Context;
}

const traced = new WeakMap<FastifyRequest, Traced>();

export function installRequestObservability(app: FastifyInstance, deps: { metrics: Metrics; tracing: Tracing }): void {
  const { metrics, tracing } = deps;
  app.addHook('onResponse', (request, reply, done) => {
    metrics.request(request.method, request.is404 ? undefined : request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    endSpan(request, reply);
    done();
  });
  if (!tracing.enabled) return;

  app.addHook('onRequest', (request, reply, done) => {
    const parent = tracing.extract(request.headers);
    // The route pattern, never the URL: a URL holds ids and query strings.
    const route = request.is404 ? undefined : request.routeOptions.url;
    const span = tracing.start(`${request.method} ${route ?? 'unmatched'}`, {
      kind: SpanKind.SERVER,
      parent,
      attributes: { 'http.request.method': request.method, ...(route ? { 'http.route': route } : {}) },
    })!;
    const ctx = trace.setSpan(parent, span);
    traced.set(request, { span, ctx });
    const sc = span.spanContext();
    reply.header('traceparent', `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags.toString(16)}`);
    context.with(ctx, done);
  });
  // A body arrives through stream events, outside the context entered above: re-enter it for the handler.
  app.addHook('preHandler', (request, _reply, done) => {
    const t = traced.get(request);
    if (t) context.with(t.ctx, done);
    else done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const t = traced.get(request);
    if (t) {
      t.span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
      t.span.end();
      traced.delete(request);
    }
    done();
  });
}

function endSpan(request: FastifyRequest, reply: FastifyReply): void {
  const t = traced.get(request);
  if (!t) return;
  traced.delete(request);
  t.span.setAttribute('http.response.status_code', reply.statusCode);
  if (reply.statusCode >= 500) t.span.setStatus({ code: SpanStatusCode.ERROR });
  t.span.end();
}
