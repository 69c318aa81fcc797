/**
 * A syslog message in the RFC 5424 format and its octet-counted frame (RFC 6587 §3.4.1, which
 * RFC 5425 uses over TLS): `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`.
 * Header fields are printable US-ASCII with length limits; anything else in a value (a space, a
 * non-ASCII letter) becomes `_`, an empty one the NILVALUE `-`. Structured-data values escape
 * `"`, `\` and `]` as the RFC asks. The MSG is sent without the UTF-8 byte order mark by default:
 * CEF receivers expect `CEF:` at the very start of the MSG (docs/siem.md).
 */

export const facilities = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

export type Facility = keyof typeof facilities;

/**
 * OCSF severity_id on syslog's severity (0 Emergency … 7 Debug): Informational 6, Low 5 Notice,
 * Medium 4 Warning, High 3 Error, Critical 2, Fatal 1 Alert; Unknown and Other are Notice.
 */
export function syslogSeverity(severityId: number): number {
  const table: Record<number, number> = { 1: 6, 2: 5, 3: 4, 4: 3, 5: 2, 6: 1 };
  return table[severityId] ?? 5;
}

export interface SdElement {
  /** An SD-ID: a registered name or `name@<private enterprise number>`. */
  id: string;
  params: [string, string][];
}

export interface SyslogMessage {
  facility: Facility;
  severity: number;
  /** Milliseconds since the epoch. */
  time: number;
  hostname: string;
  appName: string;
  procId?: string;
  msgId: string;
  structuredData: SdElement[];
  msg: string;
  /** Prefix MSG with the UTF-8 byte order mark (RFC 5424 §6.4's MSG-UTF8). */
  bom?: boolean;
}

/** A header field: printable US-ASCII only, at most `max` characters, `-` when empty. */
function headerField(value: string | undefined, max: number): string {
  if (value === undefined || value === '') return '-';
  return value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
}

/** An SD-NAME (SD-ID without its `@`, or a PARAM-NAME): printable US-ASCII except `= ]"` and space, 32 at most. */
function sdName(value: string): string {
  return value.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32) || '_';
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3). */
export function escapeSdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

function structuredData(elements: SdElement[]): string {
  if (elements.length === 0) return '-';
  return elements
    .map((e) => {
      const [name, pen] = e.id.split('@', 2) as [string, string | undefined];
      const id = pen === undefined ? sdName(name) : `${sdName(name)}@${pen.replace(/[^0-9.]/g, '')}`;
      return `[${id}${e.params.map(([k, v]) => ` ${sdName(k)}="${escapeSdValue(v)}"`).join('')}]`;
    })
    .join('');
}

/** The message as one string (UTF-8 when framed). */
export function formatSyslog(m: SyslogMessage): string {
  const pri = facilities[m.facility] * 8 + m.severity;
  const head = [`<${pri}>1`, new Date(m.time).toISOString(), headerField(m.hostname, 255), headerField(m.appName, 48), headerField(m.procId, 128), headerField(m.msgId, 32), structuredData(m.structuredData)].join(' ');
  return `${head} ${m.bom === true ? '\uFEFF' : ''}${m.msg}`;
}

/** Octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes of the UTF-8 message. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
