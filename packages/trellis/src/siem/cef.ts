/**
 * An OCSF event as one ArcSight Common Event Format line (CEF 0), the payload syslog sinks send:
 * `CEF:0|Trellis|Trellis|<version>|<type_uid>|<activity class>|<0-10>|<key=value ...>`.
 * The mapping from OCSF fields to CEF keys is documented in docs/siem.md (Syslog and CEF), and
 * the escaping follows the CEF specification: in the header a backslash and a pipe are escaped;
 * in extension values a backslash, an equals sign and line breaks are. Line breaks in the header,
 * which the specification leaves undefined, take the extension's `\n` / `\r` so that a line is
 * always one line and every value survives the round trip.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { OcsfEvent } from '../audit/index.ts';

/** Escapes a header field: `\` and `|` (and line breaks, see above). */
export function escapeCefHeader(value: string): string {
  return value.replace(/[\\|\r\n]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
}

/** Escapes an extension value: `\`, `=` and line breaks. A pipe needs no escape there. */
export function escapeCefValue(value: string): string {
  return value.replace(/[\\=\r\n]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
}

/**
 * OCSF severity_id (0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal,
 * 99 Other) on CEF's 0-10 scale, where 0-3 is Low, 4-6 Medium, 7-8 High and 9-10 Very-High.
 */
export function cefSeverity(severityId: number): number {
  const table: Record<number, number> = { 0: 0, 1: 1, 2: 3, 3: 5, 4: 7, 5: 9, 6: 10 };
  return table[severityId] ?? 5;
}

/** CEF keys that hold their own label in `<key>Label`. */
const labelled = [
  ['cs1', 'eventUid'],
  ['cs2', 'resources'],
  ['cs3', 'actorType'],
  ['cs4', 'actorSubject'],
  ['cs5', 'traceId'],
  ['cn1', 'ocsfClassUid'],
  ['cn2', 'ocsfActivityId'],
] as const;

type Labelled = (typeof labelled)[number][0];

/** Header fields and extension pairs of one event, before escaping (tests read them back). */
export interface CefRecord {
  version: string;
  signatureId: string;
  name: string;
  severity: number;
  extensions: [string, string][];
}

/** The OCSF → CEF mapping (docs/siem.md lists it). `host` is the sending installation (dvchost). */
export function toCefRecord(event: OcsfEvent, version: string, host: string): CefRecord {
  const ext: [string, string][] = [];
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') ext.push([key, String(value)]);
  };
  const user = event.actor.user;
  const target = event.resources.find((r) => r.type === 'user' || r.type === 'person');
  const ip = event.src_endpoint?.ip;
  const custom: Record<Labelled, string | number | undefined> = {
    cs1: event.metadata.uid,
    cs2: event.resources.map((r) => `${r.type}:${r.uid}`).join(',') || undefined,
    cs3: user.type,
    cs4: user.uid_alt,
    cs5: event.metadata.correlation_uid,
    cn1: event.class_uid,
    cn2: event.activity_id,
  };
  add('rt', event.time);
  add('externalId', event.metadata.uid);
  add('cat', event.class_name);
  add('act', event.api.operation);
  add('outcome', event.status);
  add('suid', user.uid);
  add('suser', user.name ?? user.uid);
  add('spriv', user.role);
  if (target) {
    add('duid', target.uid);
    add('duser', target.name ?? target.uid);
  }
  if (ip !== undefined && isIPv4(ip)) add('src', ip);
  if (ip !== undefined && isIPv6(ip)) {
    add('c6a2', ip);
    add('c6a2Label', 'sourceIPv6Address');
  }
  add('dvchost', host);
  add('msg', event.message);
  for (const [key, label] of labelled) {
    if (custom[key] === undefined) continue;
    add(key, custom[key]);
    add(`${key}Label`, label);
  }
  return { version, signatureId: String(event.type_uid), name: `${event.activity_name} ${event.class_name}`, severity: cefSeverity(event.severity_id), extensions: ext };
}

/** The CEF line of a record, escaped. */
export function formatCef(record: CefRecord): string {
  const header = ['CEF:0', 'Trellis', 'Trellis', record.version, record.signatureId, record.name].map((h, i) => (i === 0 ? h : escapeCefHeader(h)));
  const extensions = record.extensions.map(([k, v]) => `${k}=${escapeCefValue(v)}`).join(' ');
  return `${header.join('|')}|${record.severity}|${extensions}`;
}
