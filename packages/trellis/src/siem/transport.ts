/**
 * The contract between the sink delivery worker and the ways events leave Trellis (OCSF over
 * HTTPS, syslog with CEF, Splunk HEC, OTLP logs, JSONL files). A transport formats a batch and
 * hands it to its receiver; it resolves only once the receiver has acknowledged the whole
 * batch, so the worker can advance the sink's cursor. Everything durable (cursor, retries,
 * dead letters) belongs to the worker, not to transports.
 */
import type { z } from 'zod';
import type { OcsfEvent } from '../audit/index.ts';

/** One sealed audit event as a sink receives it; `uid` is the stable id receivers deduplicate by. */
export interface SinkEvent {
  seq: number;
  uid: string;
  event: OcsfEvent;
}

/**
 * Why a delivery failed. `permanent`: the receiver refused this batch for what it is (a 4xx
 * other than 408/429, a payload it cannot take) and sending it again cannot help: the worker
 * dead-letters it. Otherwise the worker retries with backoff, no sooner than `retryAfterMs`.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface SinkTransport {
  /** Deliver the batch in order; reject with a DeliveryError (never a secret in its message). */
  deliver(events: SinkEvent[], signal: AbortSignal): Promise<void>;
  /** Release connections and file handles. */
  close(): Promise<void>;
}

/** What a transport may ask of the server: a secret's current value, by name, and where it runs. */
export interface TransportDeps {
  secret(name: string): Promise<string>;
  /** The installation's host name for syslog HOSTNAME / HEC host / OTLP resource. */
  hostName: string;
}

/** One kind of sink: its configuration's schema (validated at the API) and how to make its transport. */
export interface TransportKind<S extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  configSchema: S;
  create(config: z.infer<S>, deps: TransportDeps): SinkTransport;
}
