/**
 * The Splunk HTTP Event Collector sink: a batch POSTed to `<url>/services/collector/event` as
 * HEC event objects one after another (`{time, host, source, sourcetype, index?, event, fields}`),
 * the OCSF event as `event` and its uid as the indexed field `event_uid` to deduplicate by.
 * HEC answers `{"text": …, "code": n}`; what each code means for the batch is in `hecOutcome`
 * and docs/siem.md. A batch larger than `maxRequestBytes` goes as several requests in order; when
 * a later one fails the whole batch is sent again, so the earlier requests' events arrive twice
 * (deduplicated by event_uid).
 *
 * A 200 means HEC has taken the events, not that they are indexed. With `indexerAck` (the
 * token's "indexer acknowledgement" on) every request goes on this transport's data channel, HEC
 * answers an ackId, and the batch counts as delivered only once `/services/collector/ack` says
 * every one of its requests was indexed; one not confirmed within `ackTimeoutMs` fails the batch.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { httpOutcome, parseRetryAfter } from './retry.ts';
import { allowPrivateHost, endpointOf, excerpt, pemCertificates, postToReceiver, receiverUrlProblem, secretName, secretValue, timeoutMs, type Issues, type PostAnswer } from './sink-fields.ts';
import { DeliveryError, type SinkEvent, type SinkTransport, type TransportDeps, type TransportKind } from './transport.ts';

const hecDefaults = { source: 'trellis', sourcetype: 'ocsf', timeoutMs: 10_000, maxRequestBytes: 1024 * 1024, ackTimeoutMs: 60_000 } as const;

const splunkName = (what: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e][\x20-\x7e]*$/, `must be printable ASCII (${what})`);

const hecConfigSchema = z
  .strictObject({
    url: z.string().min(1).max(2048).meta({ description: 'The HEC base URL, e.g. https://splunk.example.com:8088 (/services/collector/event is appended unless present).' }),
    tokenSecret: secretName.meta({ description: 'The secret holding the HEC token (sent as Authorization: Splunk <token>).' }),
    index: z
      .string()
      .min(1)
      .max(80)
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a Splunk index name (lower-case letters, digits, _ and -)')
      .optional()
      .meta({ description: "The index; default the token's default index." }),
    source: splunkName('source').default(hecDefaults.source),
    sourcetype: splunkName('sourcetype').default(hecDefaults.sourcetype),
    ca: pemCertificates.optional().meta({ description: "CA certificates to trust instead of the system's (a private CA)." }),
    allowPrivateHost,
    timeoutMs: timeoutMs(hecDefaults.timeoutMs, 120_000),
    maxRequestBytes: z
      .int()
      .min(64 * 1024)
      .max(64 * 1024 * 1024)
      .default(hecDefaults.maxRequestBytes)
      .meta({ description: 'A batch larger than this goes as several requests (Splunk Cloud refuses more than 1 MiB).' }),
    indexerAck: z.boolean().default(false).meta({ description: "Wait until Splunk's indexers confirm each request (the token must have indexer acknowledgement on)." }),
    ackTimeoutMs: timeoutMs(hecDefaults.ackTimeoutMs, 600_000).meta({ description: 'indexerAck: how long to wait for the confirmation before the batch fails (and is sent again), in milliseconds, 100 to 600000.' }),
  })
  .superRefine((c, ctx: Issues) => {
    const problem = receiverUrlProblem(c.url, c.allowPrivateHost);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
  });

export type HecConfig = z.infer<typeof hecConfigSchema>;

/** HEC codes that say this batch cannot be taken as it is: sending it again will not help. */
const refusedData: Record<number, string> = { 5: 'No data', 6: 'Invalid data format', 12: 'Event field is required', 13: 'Event field cannot be blank', 15: 'Error in handling indexed fields' };
/**
 * HEC codes that say the sink is set up wrong (token, index, channel). They are retried, not
 * dead-lettered: every event would be refused alike until someone fixes the sink, and then they
 * should all arrive.
 */
const misconfigured: Record<number, string> = {
  1: 'the token is disabled',
  2: 'a token is required',
  3: 'the authorization is invalid',
  4: 'the token is invalid',
  7: 'the index is incorrect or not allowed for this token',
  10: 'the collector wants a data channel: indexer acknowledgement is on for this token; set indexerAck or turn it off',
  11: 'the data channel is invalid',
  14: 'indexer acknowledgement is off for this token; turn it on or unset indexerAck',
  16: 'query-string authorization is not enabled',
};

interface HecAnswer {
  text?: unknown;
  code?: unknown;
  'invalid-event-number'?: unknown;
  ackId?: unknown;
  acks?: unknown;
}

/** HEC's answer as JSON, or an empty object (a proxy's page, nothing). */
function answerOf(answer: PostAnswer): HecAnswer {
  try {
    const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object') return parsed as HecAnswer;
  } catch {
    // Not HEC's JSON: the status alone decides.
  }
  return {};
}

/** What HEC's answer means: undefined when the request's events were taken, else the DeliveryError. */
export function hecOutcome(receiver: string, answer: PostAnswer, events: readonly SinkEvent[]): DeliveryError | undefined {
  const doc = answerOf(answer);
  const code = typeof doc.code === 'number' ? doc.code : undefined;
  const text = excerpt(doc.text);
  const ok = answer.status >= 200 && answer.status < 300;
  if (ok && (code === undefined || code === 0)) return undefined;
  const what = `${receiver} answered HTTP ${answer.status}${code !== undefined ? ` code ${code}` : ''}${text ? ` (${text})` : ''}`;
  if (code !== undefined && code in refusedData) {
    const n = typeof doc['invalid-event-number'] === 'number' ? doc['invalid-event-number'] : undefined;
    const which = n !== undefined && events[n] ? `: event ${n} of the request, uid ${events[n].uid}; the events before it were taken` : '';
    return new DeliveryError(`${what}: HEC refused the batch${which}`, true);
  }
  if (code !== undefined && code in misconfigured) return new DeliveryError(`${what}: ${misconfigured[code]}; check the sink's settings`, false, parseRetryAfter(answer.headers['retry-after']));
  if (answer.status === 413) return new DeliveryError(`${what}: the request is larger than the collector takes; lower maxRequestBytes`, false);
  if (ok) return new DeliveryError(`${what}: not a success code`, false);
  const byStatus = httpOutcome(receiver, answer.status, answer.headers);
  return byStatus === undefined ? undefined : new DeliveryError(`${what}${byStatus.permanent ? ': refused' : ''}`, byStatus.permanent, byStatus.retryAfterMs);
}

/** One event as HEC's event object. */
export function hecEventOf(e: SinkEvent, config: HecConfig, host: string): string {
  return JSON.stringify({
    // Epoch seconds with the milliseconds as decimals.
    time: Math.floor(e.event.time) / 1000,
    host,
    source: config.source,
    sourcetype: config.sourcetype,
    ...(config.index !== undefined ? { index: config.index } : {}),
    event: e.event,
    fields: { event_uid: e.uid },
  });
}

class SplunkHecTransport implements SinkTransport {
  private readonly endpoint: string;
  private readonly ackEndpoint: string;
  private readonly receiver: string;
  /** The data channel of this transport's requests (indexerAck): ackIds are numbered per channel. */
  private readonly channel = randomUUID();

  constructor(
    private readonly config: HecConfig,
    private readonly deps: TransportDeps,
  ) {
    this.endpoint = endpointOf(config.url, '/services/collector/event');
    this.ackEndpoint = this.endpoint.replace(/\/event$/, '/ack');
    this.receiver = `splunk-hec ${new URL(config.url).origin}`;
  }

  private post(url: string, token: string, body: string, signal: AbortSignal): Promise<PostAnswer> {
    return postToReceiver({
      url,
      headers: { authorization: `Splunk ${token}`, 'content-type': 'application/json', 'user-agent': 'Trellis-SIEM/1', ...(this.config.indexerAck ? { 'x-splunk-request-channel': this.channel } : {}) },
      body,
      timeoutMs: this.config.timeoutMs,
      allowPrivate: this.config.allowPrivateHost,
      ...(this.config.ca !== undefined ? { ca: this.config.ca } : {}),
      signal,
      what: this.receiver,
    });
  }

  /** Asks HEC about `ackIds` until every one is indexed; fails after ackTimeoutMs. */
  private async awaitAcks(ackIds: number[], token: string, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + this.config.ackTimeoutMs;
    // Splunk suggests polling no more than about once a second; short timeouts poll faster.
    const pollMs = Math.min(1000, Math.max(20, Math.floor(this.config.ackTimeoutMs / 10)));
    let pending = ackIds;
    for (;;) {
      const answer = await this.post(this.ackEndpoint, token, JSON.stringify({ acks: pending }), signal);
      const failure = hecOutcome(this.receiver, answer, []);
      if (failure) throw failure;
      const acks = answerOf(answer).acks as Record<string, unknown> | undefined;
      pending = pending.filter((id) => acks?.[String(id)] !== true);
      if (pending.length === 0) return;
      if (Date.now() + pollMs > deadline) throw new DeliveryError(`${this.receiver}: the indexers did not confirm ${pending.length} of ${ackIds.length} requests within ${this.config.ackTimeoutMs} ms; the batch will be sent again`, false);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      if (signal.aborted) throw new DeliveryError(`${this.receiver}: delivery aborted`, false);
    }
  }

  async deliver(events: SinkEvent[], signal: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    const token = await secretValue(this.deps, this.config.tokenSecret, this.receiver);
    const max = this.config.maxRequestBytes;
    const lines = events.map((e) => hecEventOf(e, this.config, this.deps.hostName));
    const ackIds: number[] = [];
    // Requests of whole events up to `max` bytes (an event larger than that goes alone).
    let start = 0;
    while (start < events.length) {
      let end = start;
      let size = 0;
      while (end < events.length && (end === start || size + Buffer.byteLength(lines[end]!) + 1 <= max)) size += Buffer.byteLength(lines[end++]!) + 1;
      const answer = await this.post(this.endpoint, token, lines.slice(start, end).join('\n'), signal);
      const failure = hecOutcome(this.receiver, answer, events.slice(start, end));
      if (failure) throw failure;
      if (this.config.indexerAck) {
        const ackId = answerOf(answer).ackId;
        if (typeof ackId !== 'number') throw new DeliveryError(`${this.receiver}: indexerAck is set but HEC answered no ackId (is indexer acknowledgement on for the token?)`, false);
        ackIds.push(ackId);
      }
      start = end;
    }
    if (ackIds.length > 0) await this.awaitAcks(ackIds, token, signal);
  }

  async close(): Promise<void> {
    // Connections belong to the egress client's shared pool.
  }
}

export const splunkHecTransport: TransportKind<typeof hecConfigSchema> = {
  type: 'splunk-hec',
  description: 'Splunk HTTP Event Collector: OCSF events as HEC event objects, the uid as an indexed field',
  configSchema: hecConfigSchema,
  create: (config, deps) => new SplunkHecTransport(config, deps),
};
