/**
 * Every kind of sink Trellis can deliver to, by `type`: the one list the API validates a sink's
 * configuration against and the worker makes transports from.
 */
import type { TransportKind } from './transport.ts';
import { ocsfHttpTransport } from './ocsf-http.ts';
import { jsonlFileTransport } from './jsonl-file.ts';
import { syslogTransport } from './syslog.ts';
import { splunkHecTransport } from './splunk-hec.ts';
import { otlpLogsTransport } from './otlp-logs.ts';

export const transportKinds: readonly TransportKind[] = [ocsfHttpTransport, jsonlFileTransport, syslogTransport, splunkHecTransport, otlpLogsTransport];

export function transportKind(type: string, kinds: readonly TransportKind[] = transportKinds): TransportKind | undefined {
  return kinds.find((k) => k.type === type);
}
