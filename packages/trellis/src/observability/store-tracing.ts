/**
 * A span per database statement inside traced work: a Kysely plugin opens one when a query is
 * compiled and ends it when its result comes back, named after the statement's kind
 * (`db.select`, `db.insert`, `db.raw` …) with the database system. Statement text and
 * parameters stay out of spans: parameters hold secrets' ciphertexts, token hashes and personal
 * data. Installed only with tracing on (index.ts), so a server without a collector runs its
 * queries untouched.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Tracing } from './tracing.ts';

const operations: Partial<Record<RootOperationNode['kind'], string>> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
  MergeQueryNode: 'merge',
  RawNode: 'raw',
};

export class StoreTracingPlugin implements KyselyPlugin {
  // Keyed by the query's id object: a query that fails never reaches transformResult, and its
  // unfinished span is then dropped with the id rather than kept.
  private readonly spans = new WeakMap<object, Span>();

  constructor(
    private readonly tracing: Tracing,
    private readonly system: 'sqlite' | 'postgresql',
  ) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    // Only statements of traced work (a request, a span a module opened): background polling
    // would otherwise start a trace of its own every few hundred milliseconds.
    if (!trace.getActiveSpan()) return args.node;
    const operation = operations[args.node.kind] ?? 'schema';
    const span = this.tracing.start(`db.${operation}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': this.system, 'db.operation.name': operation } });
    if (span) this.spans.set(args.queryId, span);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const span = this.spans.get(args.queryId);
    if (span) {
      this.spans.delete(args.queryId);
      if (args.result.rows.length > 0) span.setAttribute('db.response.returned_rows', args.result.rows.length);
      span.setStatus({ code: SpanStatusCode.OK });
      span.end();
    }
    return args.result;
  }
}
