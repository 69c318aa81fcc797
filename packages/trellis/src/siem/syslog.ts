/**
 * The syslog sink: each event an RFC 5424 message whose MSG is a CEF line, octet-counted
 * (RFC 6587 §3.4.1) over TCP or TLS (RFC 5425). One connection is kept across batches and made
 * again when the receiver has closed it. Syslog has no acknowledgement of its own, so a batch
 * counts as delivered once every byte of it has been handed to the operating system without an
 * error; a connection that fails while a batch is written fails the batch, and the worker sends
 * the whole batch again on a new connection (receivers deduplicate by the event uid carried in
 * the structured data and in CEF's cs1). docs/siem.md says what that does and does not cover.
 *
 * The receiver's host is checked by the egress rules and resolved once; the connection goes to
 * the checked address and TLS checks the certificate against the configured name.
 */
import net, { type Socket } from 'node:net';
import tls, { checkServerIdentity, type TLSSocket } from 'node:tls';
import { z } from 'zod';
import { EgressError, resolveChecked } from '../egress/index.ts';
import { version } from '../version.ts';
import { formatCef, toCefRecord } from './cef.ts';
import { facilities, formatSyslog, frameOctetCounted, syslogSeverity, type Facility } from './rfc5424.ts';
import { allowPrivateHost, hostName, pemCertificates, secretName, secretValue, timeoutMs, type Issues } from './sink-fields.ts';
import { DeliveryError, type SinkEvent, type SinkTransport, type TransportDeps, type TransportKind } from './transport.ts';

const syslogDefaults = { connectTimeoutMs: 5000, writeTimeoutMs: 30_000, facility: 'authpriv' as Facility, enterpriseNumber: 32473 } as const;

const facilityNames = Object.keys(facilities) as [Facility, ...Facility[]];

const syslogConfigSchema = z
  .strictObject({
    host: hostName,
    port: z.int().min(1).max(65535).optional().meta({ description: 'Default 6514 for tls (RFC 5425), 514 for tcp.' }),
    protocol: z.enum(['tls', 'tcp']).default('tls').meta({ description: 'tcp sends events in the clear and needs allowPrivateHost.' }),
    facility: z.enum(facilityNames).default(syslogDefaults.facility).meta({ description: 'The syslog facility of every message (PRI = facility × 8 + severity).' }),
    enterpriseNumber: z.int().min(1).max(2 ** 31 - 1).default(syslogDefaults.enterpriseNumber).meta({ description: 'The private enterprise number of the structured-data id trellis@<n>; 32473 is the number RFC 5612 sets aside for documentation.' }),
    ca: pemCertificates.optional().meta({ description: "tls: the CA certificates to trust instead of the system's." }),
    serverName: hostName.optional().meta({ description: "tls: the name the receiver's certificate must carry and the SNI sent. Default host." }),
    clientCertificate: pemCertificates.optional().meta({ description: 'tls: a client certificate (PEM) for receivers that ask for one; its key comes from clientKeySecret.' }),
    clientKeySecret: secretName.optional().meta({ description: "tls: the secret holding the client certificate's private key (PEM)." }),
    verifyServerCertificate: z.boolean().optional().meta({ description: "tls: check the receiver's certificate (default true). false only with allowPrivateHost, for development." }),
    allowPrivateHost,
    connectTimeoutMs: timeoutMs(syslogDefaults.connectTimeoutMs, 60_000),
    writeTimeoutMs: timeoutMs(syslogDefaults.writeTimeoutMs, 300_000).meta({ description: 'How long a batch may take to be written out (a receiver that stops reading), in milliseconds, 100 to 300000.' }),
    utf8Bom: z.boolean().default(false).meta({ description: 'Start each MSG with the UTF-8 byte order mark (RFC 5424 MSG-UTF8); CEF parsers expect CEF: first.' }),
  })
  .superRefine((c, ctx: Issues) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const isTls = c.protocol === 'tls';
    if (!isTls && !c.allowPrivateHost) issue('protocol', 'tcp sends audit events in the clear: use tls, or set allowPrivateHost for a receiver on a private network');
    if (!isTls) for (const k of ['ca', 'serverName', 'clientCertificate', 'clientKeySecret', 'verifyServerCertificate'] as const) if (c[k] !== undefined) issue(k, 'is for protocol tls only');
    if ((c.clientCertificate === undefined) !== (c.clientKeySecret === undefined)) issue(c.clientCertificate === undefined ? 'clientCertificate' : 'clientKeySecret', 'clientCertificate and clientKeySecret go together');
    if (c.verifyServerCertificate === false && !c.allowPrivateHost) issue('verifyServerCertificate', 'may be false only with allowPrivateHost (development)');
  });

export type SyslogConfig = z.infer<typeof syslogConfigSchema>;

/** One event as its RFC 5424 message with a CEF MSG. */
export function syslogMessageOf(e: SinkEvent, config: SyslogConfig, host: string): string {
  const ev = e.event;
  return formatSyslog({
    facility: config.facility,
    severity: syslogSeverity(ev.severity_id),
    time: ev.time,
    hostname: host,
    appName: 'trellis',
    procId: String(process.pid),
    msgId: ev.api.operation,
    structuredData: [{ id: `trellis@${config.enterpriseNumber}`, params: [['uid', e.uid], ['seq', String(e.seq)], ['class_uid', String(ev.class_uid)]] }],
    msg: formatCef(toCefRecord(ev, version, host)),
    bom: config.utf8Bom,
  });
}

/** Resolves after the event loop has polled for I/O at least once (immediates run after each poll). */
const pollOnce = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Bytes handed to the socket per write: large enough to be cheap, small enough for backpressure to bite. */
const chunkBytes = 64 * 1024;
/** How long a new TLS 1.3 connection waits for the receiver to accept the client's handshake (below). */
const tls13SettleMs = 1000;

class SyslogTransport implements SinkTransport {
  private socket: Socket | undefined;
  private open = false;
  /** Batches run one after another on the one connection. */
  private queue: Promise<void> = Promise.resolve();
  private readonly what: string;

  constructor(
    private readonly config: SyslogConfig,
    private readonly deps: TransportDeps,
  ) {
    this.what = `syslog ${net.isIP(config.host) === 6 ? `[${config.host}]` : config.host}:${this.port}`;
  }

  private get isTls(): boolean {
    return this.config.protocol === 'tls';
  }

  private get port(): number {
    return this.config.port ?? (this.config.protocol === 'tls' ? 6514 : 514);
  }

  deliver(events: SinkEvent[], signal: AbortSignal): Promise<void> {
    const run = this.queue.then(() => this.send(events, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(events: SinkEvent[], signal: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    const frames = events.map((e) => frameOctetCounted(syslogMessageOf(e, this.config, this.deps.hostName)));
    // A close the receiver sent while the connection was idle may wait unread in the kernel:
    // let the event loop poll once (two turns) so the socket has seen it before it is reused.
    await pollOnce();
    if (signal.aborted) throw new DeliveryError(`${this.what}: delivery aborted`, false);
    const socket = this.open && this.socket && !this.socket.destroyed ? this.socket : await this.connect(signal);
    await this.write(socket, frames, signal);
  }

  private drop(socket: Socket): void {
    if (this.socket === socket) {
      this.socket = undefined;
      this.open = false;
    }
    socket.destroy();
  }

  private async connect(signal: AbortSignal): Promise<Socket> {
    if (this.socket) this.drop(this.socket);
    const c = this.config;
    let address: string;
    try {
      address = (await resolveChecked(c.host, { allowPrivate: c.allowPrivateHost, allowPorts: 'any' })).address;
    } catch (err) {
      if (err instanceof EgressError) throw new DeliveryError(`${this.what}: ${err.code}: ${err.message}`, false);
      throw err;
    }
    const key = c.clientKeySecret !== undefined ? await secretValue(this.deps, c.clientKeySecret, this.what) : undefined;
    const name = c.serverName ?? c.host;
    const socket: Socket = this.isTls
      ? tls.connect({
          host: address,
          port: this.port,
          ...(net.isIP(name) === 0 ? { servername: name } : {}),
          ...(c.ca !== undefined ? { ca: c.ca } : {}),
          ...(c.clientCertificate !== undefined && key !== undefined ? { cert: c.clientCertificate, key } : {}),
          rejectUnauthorized: c.verifyServerCertificate !== false,
          checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert),
          minVersion: 'TLSv1.2',
        })
      : net.connect({ host: address, port: this.port });
    await this.established(socket, signal);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    // Syslog receivers say nothing; whatever comes is read and dropped so the socket notices the end.
    socket.on('data', () => undefined);
    const lost = () => {
      if (this.socket === socket) this.open = false;
    };
    socket.on('end', lost);
    socket.on('close', lost);
    socket.on('error', lost);
    this.socket = socket;
    this.open = true;
    return socket;
  }

  /** Resolves once the socket is connected (and, for TLS, the receiver has taken the handshake). */
  private established(socket: Socket, signal: AbortSignal): Promise<void> {
    const ms = this.config.connectTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const finish = (err?: DeliveryError) => {
        for (const t of timers) clearTimeout(t);
        socket.off('error', onError);
        socket.off('close', onClose);
        signal.removeEventListener('abort', onAbort);
        if (err) {
          socket.destroy();
          reject(err);
        } else resolve();
      };
      const onError = (err: Error & { code?: string }) => finish(new DeliveryError(`${this.what}: could not connect (${this.reason(err)})`, false));
      const onClose = () => finish(new DeliveryError(`${this.what}: the receiver closed the connection while it was being set up`, false));
      const onAbort = () => finish(new DeliveryError(`${this.what}: delivery aborted`, false));
      socket.once('error', onError);
      socket.once('close', onClose);
      signal.addEventListener('abort', onAbort, { once: true });
      timers.push(setTimeout(() => finish(new DeliveryError(`${this.what}: could not connect within ${ms} ms`, false)), ms));
      if (!this.isTls) {
        socket.once('connect', () => finish());
        return;
      }
      socket.once('secureConnect', () => {
        // In TLS 1.3 the client's handshake ends before the server has judged its certificate:
        // a refusal comes as an alert after 'secureConnect', and a batch written at once would
        // count as sent into a connection about to fail. A server that accepts sends its session
        // tickets then; wait for those (or the refusal), for at most a second. Writing from
        // inside the ticket's own event loses the bytes (Node 20), hence the turn of the loop.
        if ((socket as TLSSocket).getProtocol() !== 'TLSv1.3') {
          finish();
          return;
        }
        socket.once('session', () => setImmediate(() => finish()));
        timers.push(setTimeout(() => finish(), Math.min(tls13SettleMs, ms)));
      });
    });
  }

  private reason(err: Error & { code?: string }): string {
    return err.code ?? err.message.slice(0, 200);
  }

  /** Writes every frame; resolves once the last byte is flushed to the operating system. */
  private write(socket: Socket, frames: Buffer[], signal: AbortSignal): Promise<void> {
    const ms = this.config.writeTimeoutMs;
    const total = frames.reduce((n, f) => n + f.length, 0);
    const startBytes = socket.bytesWritten;
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (err?: DeliveryError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.off('drain', pump);
        signal.removeEventListener('abort', onAbort);
        if (err) {
          this.drop(socket);
          reject(err);
        } else resolve();
      };
      const written = () => `${socket.bytesWritten - startBytes} of ${total} bytes`;
      const onError = (err: Error & { code?: string }) => finish(new DeliveryError(`${this.what}: the connection failed after ${written()} of the batch (${this.reason(err)}); the batch will be sent again`, false));
      // After the last byte is flushed, a plain close is the receiver's business; a reset is not.
      let flushed = false;
      const onClose = (hadError: boolean) => (flushed && !hadError ? finish() : finish(new DeliveryError(`${this.what}: the receiver closed the connection after ${written()} of the batch; the batch will be sent again`, false)));
      const onAbort = () => finish(new DeliveryError(`${this.what}: delivery aborted`, false));
      const timer = setTimeout(() => finish(new DeliveryError(`${this.what}: the batch was not written within ${ms} ms (${written()}; is the receiver reading?)`, false)), ms);
      socket.on('error', onError);
      socket.once('close', onClose);
      signal.addEventListener('abort', onAbort, { once: true });
      // Flushed to the operating system. A receiver already gone answers the first bytes with a
      // reset; from the same host it is back by the next poll, and then the batch fails rather
      // than counting as sent into a dead connection (across a network it may come too late).
      function flushedAll(): void {
        flushed = true;
        void pollOnce().then(() => finish());
      }
      let i = 0;
      // Writes chunks until the socket's buffer is full, then waits for 'drain': a slow receiver
      // holds back the writer instead of the batch piling up in memory twice.
      function pump(): void {
        while (!done && i < frames.length) {
          const parts: Buffer[] = [];
          let size = 0;
          while (i < frames.length && (size === 0 || size + frames[i]!.length <= chunkBytes)) {
            size += frames[i]!.length;
            parts.push(frames[i++]!);
          }
          const last = i >= frames.length;
          const more = socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts), last ? (err) => (err ? onError(err) : flushedAll()) : undefined);
          if (!more && !last) {
            socket.once('drain', pump);
            return;
          }
        }
      }
      pump();
    });
  }

  async close(): Promise<void> {
    await this.queue;
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    this.open = false;
    if (socket.destroyed) return;
    // A polite end first (the receiver reads to the last byte); a receiver that never closes its side is cut.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }
}

export const syslogTransport: TransportKind<typeof syslogConfigSchema> = {
  type: 'syslog',
  description: 'RFC 5424 syslog with CEF messages, octet-counted over TLS (RFC 5425) or TCP',
  configSchema: syslogConfigSchema,
  create: (config, deps) => new SyslogTransport(config, deps),
};
