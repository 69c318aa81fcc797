/**
 * The OTLP logs sink: a batch POSTed to `<url>/v1/logs` as an OTLP/HTTP JSON
 * ExportLogsServiceRequest, one resource (service.name trellis, host.name) and one scope
 * (`trellis.audit`) holding a log record per event. The record's body is the OCSF event as an
 * OTLP map (kvlist) by default, or as its JSON text (`body: "json"`); its attributes carry the
 * fields collectors index (event.uid, ocsf.class_uid, …). OTLP/JSON's rules apply: 64-bit
 * integers and nanosecond times as decimal strings, trace and span ids as hex.
 *
 * A 200 may carry `partialSuccess` with rejected records the collector will never take, without
 * saying which: the batch then fails permanently with the collector's reason, and the worker
 * halves it until the rejected events stand alone as dead letters (the records taken on the way
 * arrive again; collectors deduplicate by event.uid). Sending the same request again would not
 * help, and the specification forbids it.
 */
import { z } from 'zod';
import { version } from '../version.ts';
import type { OcsfEvent } from '../audit/index.ts';
import { httpOutcome } from './retry.ts';
import { allowPrivateHost, endpointOf, excerpt, pemCertificates, postToReceiver, receiverUrlProblem, secretName, secretValue, timeoutMs, type Issues, type PostAnswer } from './sink-fields.ts';
import { DeliveryError, type SinkEvent, type SinkTransport, type TransportDeps, type TransportKind } from './transport.ts';

const otlpDefaults = { timeoutMs: 10_000 } as const;

/** Headers Trellis sets itself, or that would change how the request is read. */
const reservedHeaders = new Set(['host', 'content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'user-agent', 'te', 'upgrade', 'cookie']);

const otlpConfigSchema = z
  .strictObject({
    url: z.string().min(1).max(2048).meta({ description: 'The collector, e.g. https://otel.example.com:4318 (/v1/logs is appended unless present).' }),
    headers: z
      .record(
        z
          .string()
          .min(1)
          .max(100)
          .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'must be an HTTP header name'),
        secretName,
      )
      .optional()
      .meta({ description: 'Headers to send, each naming the secret that holds its value (e.g. {"authorization": "otlp-token"}).' }),
    body: z.enum(['map', 'json']).default('map').meta({ description: 'The log record body: the OCSF event as an OTLP map, or as JSON text.' }),
    ca: pemCertificates.optional().meta({ description: "CA certificates to trust instead of the system's (a private CA)." }),
    allowPrivateHost,
    timeoutMs: timeoutMs(otlpDefaults.timeoutMs, 120_000),
  })
  .superRefine((c, ctx: Issues) => {
    const problem = receiverUrlProblem(c.url, c.allowPrivateHost);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
    for (const name of Object.keys(c.headers ?? {})) if (reservedHeaders.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['headers', name], message: 'is set by Trellis and cannot be configured' });
    if (Object.keys(c.headers ?? {}).length > 20) ctx.addIssue({ code: 'custom', path: ['headers'], message: 'at most 20 headers' });
  });

export type OtlpConfig = z.infer<typeof otlpConfigSchema>;

/** OTLP's AnyValue (JSON encoding). */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: { key: string; value: AnyValue }[] } }
  | Record<string, never>;

/** A JSON value as an OTLP AnyValue: integers as intValue (a string, OTLP/JSON's int64), objects as kvlists, null as the empty value. */
export function anyValue(v: unknown): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (typeof v === 'bigint') return { intValue: v.toString() };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v !== null && typeof v === 'object') return { kvlistValue: { values: Object.entries(v).filter(([, x]) => x !== undefined).map(([key, x]) => ({ key, value: anyValue(x) })) } };
  return {};
}

const ocsfSeverityNames: Record<number, string> = { 0: 'Unknown', 1: 'Informational', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical', 6: 'Fatal', 99: 'Other' };
/** OCSF severity_id on OpenTelemetry's SeverityNumber (INFO 9, WARN 13-14, ERROR 17, FATAL 21-24); Unknown is UNSPECIFIED. */
const otelSeverity: Record<number, number> = { 0: 0, 1: 9, 2: 13, 3: 14, 4: 17, 5: 21, 6: 24, 99: 9 };

/**
 * The trace the event belongs to, when it carries one: `metadata.correlation_uid` holds the
 * OpenTelemetry trace id of the request that caused it (32 hex digits); a full traceparent
 * (`00-<trace>-<span>-<flags>`) is read too, for its span. Anything else: no ids.
 */
export function traceOf(event: OcsfEvent): { traceId: string; spanId?: string } | undefined {
  const raw: unknown = event.metadata.correlation_uid;
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim().toLowerCase();
  const parent = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(value);
  const zero = (id: string) => /^0+$/.test(id);
  if (parent && !zero(parent[1]!)) return { traceId: parent[1]!, ...(zero(parent[2]!) ? {} : { spanId: parent[2]! }) };
  if (/^[0-9a-f]{32}$/.test(value) && !zero(value)) return { traceId: value };
  return undefined;
}

const kv = (key: string, value: unknown) => ({ key, value: anyValue(value) });

/** One event as an OTLP LogRecord (JSON encoding). `observedNs` is when Trellis sends it. */
export function logRecordOf(e: SinkEvent, bodyFormat: 'map' | 'json', observedNs: string): Record<string, unknown> {
  const ev = e.event;
  const trace = traceOf(ev);
  const user = ev.actor.user;
  const attributes = [
    kv('event.uid', e.uid),
    kv('log.record.uid', e.uid),
    kv('trellis.seq', e.seq),
    kv('ocsf.class_uid', ev.class_uid),
    kv('ocsf.class_name', ev.class_name),
    kv('ocsf.category_uid', ev.category_uid),
    kv('ocsf.activity_id', ev.activity_id),
    kv('ocsf.type_uid', ev.type_uid),
    kv('ocsf.status', ev.status),
    kv('action', ev.api.operation),
    kv('user.id', user.uid),
    ...(user.name !== undefined ? [kv('user.name', user.name)] : []),
    ...(ev.src_endpoint ? [kv('client.address', ev.src_endpoint.ip)] : []),
  ];
  return {
    timeUnixNano: `${BigInt(Math.floor(ev.time)) * 1_000_000n}`,
    observedTimeUnixNano: observedNs,
    severityNumber: otelSeverity[ev.severity_id] ?? 9,
    severityText: ocsfSeverityNames[ev.severity_id] ?? 'Other',
    body: bodyFormat === 'json' ? { stringValue: JSON.stringify(ev) } : anyValue(ev),
    attributes,
    ...(trace ? { traceId: trace.traceId, ...(trace.spanId ? { spanId: trace.spanId } : {}) } : {}),
  };
}

/** The ExportLogsServiceRequest of a batch. */
export function exportRequestOf(events: readonly SinkEvent[], host: string, bodyFormat: 'map' | 'json', now = Date.now()): Record<string, unknown> {
  const observed = `${BigInt(now) * 1_000_000n}`;
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', 'trellis'), kv('service.version', version), kv('host.name', host)] },
        scopeLogs: [{ scope: { name: 'trellis.audit', version }, logRecords: events.map((e) => logRecordOf(e, bodyFormat, observed)) }],
      },
    ],
  };
}

/** What the collector's answer means: undefined when every record was taken. */
export function otlpOutcome(receiver: string, answer: PostAnswer, count: number): DeliveryError | undefined {
  let doc: { partialSuccess?: { rejectedLogRecords?: unknown; errorMessage?: unknown }; message?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object') doc = parsed as typeof doc;
  } catch {
    // An empty body (allowed for success) or not JSON: the status decides.
  }
  if (answer.status >= 200 && answer.status < 300) {
    const rejected = Number(doc.partialSuccess?.rejectedLogRecords ?? 0);
    if (!Number.isFinite(rejected) || rejected <= 0) return undefined;
    const why = excerpt(doc.partialSuccess?.errorMessage);
    return new DeliveryError(`${receiver} rejected ${rejected} of ${count} log records${why ? `: ${why}` : ''} (the others were taken)`, true);
  }
  const message = excerpt(doc.message);
  const byStatus = httpOutcome(receiver, answer.status, answer.headers);
  if (!byStatus) return undefined;
  return new DeliveryError(`${byStatus.message}${message ? ` (${message})` : ''}`, byStatus.permanent, byStatus.retryAfterMs);
}

class OtlpLogsTransport implements SinkTransport {
  private readonly endpoint: string;
  private readonly receiver: string;

  constructor(
    private readonly config: OtlpConfig,
    private readonly deps: TransportDeps,
  ) {
    this.endpoint = endpointOf(config.url, '/v1/logs');
    this.receiver = `otlp-logs ${new URL(config.url).origin}`;
  }

  async deliver(events: SinkEvent[], signal: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    const headers: Record<string, string> = {};
    for (const [name, secret] of Object.entries(this.config.headers ?? {})) headers[name.toLowerCase()] = await secretValue(this.deps, secret, this.receiver);
    const answer = await postToReceiver({
      url: this.endpoint,
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Trellis-SIEM/1' },
      body: JSON.stringify(exportRequestOf(events, this.deps.hostName, this.config.body)),
      timeoutMs: this.config.timeoutMs,
      allowPrivate: this.config.allowPrivateHost,
      ...(this.config.ca !== undefined ? { ca: this.config.ca } : {}),
      signal,
      what: this.receiver,
    });
    const failure = otlpOutcome(this.receiver, answer, events.length);
    if (failure) throw failure;
  }

  async close(): Promise<void> {
    // Connections belong to the egress client's shared pool.
  }
}

export const otlpLogsTransport: TransportKind<typeof otlpConfigSchema> = {
  type: 'otlp-logs',
  description: 'OpenTelemetry logs over OTLP/HTTP JSON: one log record per OCSF event',
  configSchema: otlpConfigSchema,
  create: (config, deps) => new OtlpLogsTransport(config, deps),
};
