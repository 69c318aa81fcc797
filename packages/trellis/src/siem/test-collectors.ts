/**
 * Collectors for the syslog, Splunk HEC and OTLP sink tests (test-receiver.ts is the
 * OCSF-over-HTTP one), real servers on 127.0.0.1: a syslog listener over TCP or TLS that splits
 * octet-counted frames and parses RFC 5424 and CEF back out (with reference parsers written from
 * the specifications, not from the formatters they check), and an HTTP endpoint shaped like
 * Splunk HEC or an OTLP collector that records requests and answers from a script. Each can
 * misbehave on demand: stop reading, close a connection mid-stream, hang.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import { afterEach } from 'vitest';
import type { OcsfEvent } from '../audit/index.ts';
import { DeliveryError, type SinkEvent } from './transport.ts';

// ---- test plumbing ----

/** Registers an afterEach that closes, newest first, whatever the returned function was given during the test. */
export function closedAfterEach(): <T extends { close(): Promise<void> }>(thing: T) => T {
  let open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.reverse()) await o.close();
    open = [];
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}

/** A signal nobody aborts. */
export const neverAborted = (): AbortSignal => new AbortController().signal;

// ---- events ----

/** What a test may vary in an event; the rest is an API Activity (6003) Create. */
export interface TestEventInput {
  message?: string;
  outcome?: 'success' | 'failure';
  actor?: { type: 'user' | 'token' | 'service' | 'system'; id: string; name?: string; role?: string; subject?: string };
  resources?: { type: string; id: string; name?: string }[];
  srcIp?: string;
  details?: Record<string, unknown>;
}

/**
 * A sealed-looking OCSF event with a stable uid per `seq`: `app.register` by alice from 10.1.2.3,
 * written out here as the audit module shapes one (docs/siem.md "OCSF events").
 */
export function testEvent(seq: number, over: TestEventInput = {}): SinkEvent {
  const uid = `01JTESTEVENT${String(seq).padStart(14, '0')}`;
  const time = new Date(Date.UTC(2026, 11, 7, 4, 0, 0, seq % 1000));
  const outcome = over.outcome ?? 'success';
  const actor = over.actor ?? { type: 'user', id: 'usr_1', name: 'alice@example.com', role: 'admin' };
  const srcIp = 'srcIp' in over ? over.srcIp : '10.1.2.3';
  const event: OcsfEvent = {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 600301,
    time: time.getTime(),
    time_dt: time.toISOString(),
    severity_id: outcome === 'failure' ? 2 : 1,
    status_id: outcome === 'success' ? 1 : 2,
    status: outcome === 'success' ? 'Success' : 'Failure',
    message: over.message ?? 'app.register',
    actor: { user: { uid: actor.id, type: actor.type, ...(actor.name ? { name: actor.name } : {}), ...(actor.role ? { role: actor.role } : {}), ...(actor.subject ? { uid_alt: actor.subject } : {}) } },
    api: { operation: 'app.register' },
    resources: (over.resources ?? [{ type: 'app', id: 'expenses', name: 'Expenses' }]).map((r) => ({ type: r.type, uid: r.id, ...(r.name ? { name: r.name } : {}) })),
    ...(srcIp !== undefined ? { src_endpoint: { ip: srcIp } } : {}),
    metadata: { version: '1.3.0', uid, product: { name: 'Trellis', vendor_name: 'Trellis' } },
    ...(over.details ? { unmapped: over.details } : {}),
  };
  return { seq, uid, event };
}

/** `n` test events from `from` on. */
export function testEvents(from: number, n: number, over: TestEventInput = {}): SinkEvent[] {
  return Array.from({ length: n }, (_, i) => testEvent(from + i, over));
}

/** The DeliveryError a delivery fails with; throws when it succeeds or fails otherwise. */
export async function deliveryFailure(p: Promise<unknown>): Promise<DeliveryError> {
  const outcome = await p.then(
    () => new Error('the delivery succeeded'),
    (e: unknown) => e,
  );
  if (outcome instanceof DeliveryError) return outcome;
  throw outcome instanceof Error ? outcome : new Error(String(outcome));
}

// ---- parsers ----

/** Splits `LEN SP MSG` frames off a buffer; returns the messages and the unparsed rest. */
export function splitOctetFrames(buf: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let at = 0;
  for (;;) {
    const space = buf.indexOf(0x20, at);
    if (space < 0) break;
    const lenText = buf.subarray(at, space).toString('ascii');
    if (!/^[1-9][0-9]*$/.test(lenText)) throw new Error(`bad frame length ${JSON.stringify(lenText.slice(0, 20))}`);
    const end = space + 1 + Number(lenText);
    if (end > buf.length) break;
    frames.push(buf.subarray(space + 1, end));
    at = end;
  }
  return { frames, rest: buf.subarray(at) };
}

export interface ParsedSyslog {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: { id: string; params: Record<string, string> }[];
  msg: string;
}

/** RFC 5424 §6 read back: header fields by spaces, SD elements with their escapes, then MSG. */
export function parseRfc5424(text: string): ParsedSyslog {
  const head = /^<(\d{1,3})>(\d+) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  if (!head) throw new Error(`not an RFC 5424 header: ${text.slice(0, 80)}`);
  let i = head[0].length;
  const sd: ParsedSyslog['sd'] = [];
  if (text[i] === '-') i += 1;
  else {
    while (text[i] === '[') {
      i += 1;
      const id = /^[^ \]]+/.exec(text.slice(i))![0];
      i += id.length;
      const params: Record<string, string> = {};
      while (text[i] === ' ') {
        const eq = text.indexOf('="', i);
        const name = text.slice(i + 1, eq);
        i = eq + 2;
        let value = '';
        while (text[i] !== '"') {
          if (text[i] === '\\' && ['"', '\\', ']'].includes(text[i + 1]!)) i += 1;
          value += text[i];
          i += 1;
        }
        i += 1;
        params[name] = value;
      }
      if (text[i] !== ']') throw new Error(`unterminated SD element at ${i}`);
      i += 1;
      sd.push({ id, params });
    }
  }
  const rest = text.slice(i);
  const msg = rest.startsWith(' ') ? rest.slice(1) : rest;
  return { pri: Number(head[1]), version: Number(head[2]), timestamp: head[3]!, hostname: head[4]!, appName: head[5]!, procId: head[6]!, msgId: head[7]!, sd, msg };
}

/** The CEF specification's escapes undone: `\\` `\|` `\=` and `\n` `\r` for line breaks. */
export function unescapeCef(text: string): string {
  return text.replace(/\\([\\|=nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

export interface ParsedCef {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  extensions: Record<string, string>;
  /** Extension keys in order. */
  keys: string[];
}

/** A CEF line read back: seven header fields split at unescaped pipes, then `key=value` pairs split at unescaped `=`. */
export function parseCef(line: string): ParsedCef {
  const header: string[] = [];
  let start = 0;
  let i = 0;
  while (header.length < 7) {
    if (i >= line.length) throw new Error('a CEF header has seven fields');
    if (line[i] === '\\') i += 2;
    else if (line[i] === '|') {
      header.push(unescapeCef(line.slice(start, i)));
      start = i += 1;
    } else i += 1;
  }
  const ext = line.slice(start);
  // Unescaped `=` signs; each one ends a key that starts after the previous space.
  const equals: number[] = [];
  for (let j = 0; j < ext.length; j++) {
    if (ext[j] === '\\') j += 1;
    else if (ext[j] === '=') equals.push(j);
  }
  const keyStarts = equals.map((eq) => ext.lastIndexOf(' ', eq) + 1);
  const extensions: Record<string, string> = {};
  const keys: string[] = [];
  equals.forEach((eq, n) => {
    const key = ext.slice(keyStarts[n], eq);
    const end = n + 1 < equals.length ? keyStarts[n + 1]! - 1 : ext.length;
    extensions[key] = unescapeCef(ext.slice(eq + 1, end));
    keys.push(key);
  });
  const [cefVersion, vendor, product, deviceVersion, signatureId, name, severity] = header as [string, string, string, string, string, string, string];
  if (cefVersion !== 'CEF:0') throw new Error(`not CEF:0 (${cefVersion})`);
  return { version: cefVersion, vendor, product, deviceVersion, signatureId, name, severity, extensions, keys };
}

// ---- syslog ----

export interface SyslogReceiverOptions {
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean };
  /** Listen on this port (a receiver coming back where it was); default any free one. */
  port?: number;
}

export interface SyslogReceiver {
  port: number;
  /** Every message received, parsed, in order of arrival. */
  messages: ParsedSyslog[];
  /** Connections accepted so far (TLS: handshakes completed). */
  connections: number;
  /** Client certificate subjects (CN) of TLS connections. */
  clientNames: string[];
  /** Stop reading new connections' data (a receiver that is stuck). */
  stalled: boolean;
  /** Cut the next connection once it has received this many bytes (then back to normal). */
  cutAfterBytes: number | undefined;
  /** Resolves once `count` messages have arrived in all. */
  waitFor(count: number): Promise<void>;
  /** Closes every open connection from the receiver's side (an idle timeout, a restart). */
  dropConnections(): Promise<void>;
  close(): Promise<void>;
}

export async function startSyslogReceiver(options: SyslogReceiverOptions = {}): Promise<SyslogReceiver> {
  const sockets = new Set<Socket>();
  let waiters: { count: number; resolve: () => void }[] = [];
  const receiver: SyslogReceiver = {
    port: 0,
    messages: [],
    connections: 0,
    clientNames: [],
    stalled: false,
    cutAfterBytes: undefined,
    waitFor: (count) => (receiver.messages.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    dropConnections: async () => {
      const closing = [...sockets].map((s) => new Promise((resolve) => s.once('close', resolve)));
      for (const s of sockets) s.destroy();
      await Promise.all(closing);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    receiver.connections += 1;
    if (socket instanceof tls.TLSSocket) {
      const cn = socket.getPeerCertificate().subject?.CN;
      if (typeof cn === 'string') receiver.clientNames.push(cn);
    }
    if (receiver.stalled) {
      socket.pause();
      return;
    }
    const cut = receiver.cutAfterBytes;
    receiver.cutAfterBytes = undefined;
    let seen = 0;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (cut !== undefined && seen >= cut) {
        // Whatever is in this chunk past the cut is lost with the connection, as in a crash.
        socket.destroy();
        return;
      }
      const { frames, rest } = splitOctetFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const f of frames) receiver.messages.push(parseRfc5424(f.toString('utf8')));
      const ready = waiters.filter((w) => receiver.messages.length >= w.count);
      waiters = waiters.filter((w) => receiver.messages.length < w.count);
      for (const w of ready) w.resolve();
    });
  };
  const server: Server = options.tls
    ? tls.createServer({ cert: options.tls.cert, key: options.tls.key, ...(options.tls.ca ? { ca: options.tls.ca } : {}), requestCert: options.tls.requestCert === true, rejectUnauthorized: options.tls.requestCert === true }, onConnection)
    : net.createServer(onConnection);
  if (options.tls) server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  return receiver;
}

/** A port on 127.0.0.1 where nothing listens (taken and released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP listener that accepts and never says a word (a TLS handshake against it hangs). */
export async function startSilentListener(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---- HTTP (Splunk HEC, OTLP) ----

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An answer: a status with a JSON (or text) body and headers; `hang` never answers; `cut` closes the connection without one. */
export type ScriptedAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang' | 'cut';

export interface HttpCollector {
  url: string;
  requests: RecordedRequest[];
  /** Answers for the next requests, in order; then `fallback`. */
  script: ScriptedAnswer[];
  /** Looked at first: an answer for this request (by its content), or undefined to go on to the script. */
  decide: ((req: RecordedRequest) => ScriptedAnswer | undefined) | undefined;
  fallback: ScriptedAnswer;
  close(): Promise<void>;
}

/** An HTTP endpoint on 127.0.0.1; with `tls` (a certificate for 127.0.0.1) an HTTPS one. */
export async function startHttpCollector(fallback: ScriptedAnswer, tls?: { cert: string; key: string }): Promise<HttpCollector> {
  const hanging = new Set<ServerResponse>();
  const collector: HttpCollector = {
    url: '',
    requests: [],
    script: [],
    decide: undefined,
    fallback,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      collector.requests.push(recorded);
      const answer = collector.decide?.(recorded) ?? collector.script.shift() ?? collector.fallback;
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      if (answer === 'cut') {
        req.socket.destroy();
        return;
      }
      const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...answer.headers });
      res.end(body);
    });
  };
  const server: HttpServer = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  collector.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return collector;
}
