/**
 * The outbound HTTP client. Each hop: the URL checked (policy.ts), its host resolved once and
 * every address checked (resolve.ts), and the connection made to the checked address itself —
 * the name only travels as the Host header and the TLS server name, so the certificate is still
 * checked against the name and nothing resolves it a second time. Redirects are refused unless
 * the caller allows some, and then every hop is checked afresh like the first; credentials stay
 * behind when a redirect leaves the origin. One deadline covers DNS, connection and body; the
 * connection has its own shorter one; the body is counted while it streams and cut at the limit.
 *
 * Connections are kept alive in two process-wide agents. Their pools are keyed by the connected
 * address (and TLS server name and CA), so a reused socket always leads to an address that was
 * checked when it was opened, and the hot path pays no connection setup per call.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { EgressError } from './errors.ts';
import { checkUrl, originOf, type CheckedUrl, type EgressPolicy } from './policy.ts';
import { resolveAddresses, type ResolvedAddress, type Resolver } from './resolve.ts';

export interface EgressRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Everything, DNS to the last byte of the body. */
  timeoutMs: number;
  /** Until the TCP connection is open. Default the smaller of timeoutMs and 5 s. */
  connectTimeoutMs?: number;
  maxResponseBytes: number;
  /** Default 10 MiB. */
  maxRequestBytes?: number;
  /** Redirects followed; default 0 (a redirect is refused with egress_redirect_refused). */
  maxRedirects?: number;
  policy: EgressPolicy;
  /** DNS client (tests: a DNS server on loopback); default the system resolver. */
  resolver?: Resolver;
  /** Cuts the body at maxResponseBytes and answers (truncated: true) instead of failing with egress_too_large. */
  truncateResponse?: boolean;
  /** Headers that carry credentials besides authorization, cookie and proxy-authorization: dropped when a redirect leaves the origin. */
  credentialHeaders?: readonly string[];
  /** Extra trusted CA certificates (PEM) for https: (a private CA; tests). */
  ca?: string | readonly string[];
  /** Aborts the call; it rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface EgressResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** The address connected to. */
  address: string;
  /** The final URL (after redirects). */
  url: string;
  truncated: boolean;
}

const defaultMaxRequestBytes = 10 * 1024 * 1024;
const maxConnectTimeoutMs = 5000;
/** Addresses of one host tried before giving up on connecting. */
const maxAddressesTried = 4;
const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' as const };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

/** Headers the client sets itself: a caller's value would contradict the connection. */
const ownHeaders = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection']);
const alwaysCredentials = ['authorization', 'proxy-authorization', 'cookie'];
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Methods safe to send again when a kept-alive socket turns out closed before any answer. */
const retriable = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

function cleanHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const name = k.toLowerCase();
    if (!ownHeaders.has(name)) out[name] = v;
  }
  return out;
}

interface Hop {
  target: CheckedUrl;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/**
 * One call's state: its deadline and the caller's abort both stop whatever is in flight (the
 * DNS wait, the request, the body). Plain fields and one timer rather than AbortControllers:
 * this is the gateway's hot path, and an abort signal wired into every request costs more than
 * the rest of the checks together.
 */
class Call {
  timedOut = false;
  /** Destroys the request or response in flight. */
  current: { destroy(): void } | undefined;
  /** Ends a DNS wait. */
  onStop: (() => void) | undefined;

  constructor(readonly req: EgressRequest) {}

  get stopped(): boolean {
    return this.timedOut || this.req.signal?.aborted === true;
  }

  stop(): void {
    this.current?.destroy();
    this.onStop?.();
  }
}

/** What an error of the request means, as an EgressError (or the caller's abort reason). */
function explain(err: unknown, call: Call, target: CheckedUrl, address: string): unknown {
  if (err instanceof EgressError) return err;
  if (call.req.signal?.aborted) return call.req.signal.reason;
  if (call.timedOut) return new EgressError('egress_timeout', `${originOf(target.url)} did not answer within ${call.req.timeoutMs} ms`);
  const code = (err as { code?: string }).code ?? 'error';
  return new EgressError('egress_connect_failed', `could not reach ${originOf(target.url)} at ${address} (${code})`, { cause: err });
}

function send(call: Call, hop: Hop, address: string, retry: boolean): Promise<http.IncomingMessage> {
  const { url } = hop.target;
  const tls = url.protocol === 'https:';
  const connectTimeoutMs = call.req.connectTimeoutMs ?? Math.min(call.req.timeoutMs, maxConnectTimeoutMs);
  const options: https.RequestOptions = {
    host: address,
    port: hop.target.port,
    path: url.pathname + url.search,
    method: hop.method,
    headers: { ...hop.headers, host: url.host, ...(hop.body !== undefined ? { 'content-length': String(hop.body.length) } : {}) },
    agent: tls ? httpsAgent : httpAgent,
    ...(tls && hop.target.literal === 0 ? { servername: hop.target.host } : {}),
    ...(tls && call.req.ca !== undefined ? { ca: call.req.ca as string | string[] } : {}),
  };
  return new Promise((resolve, reject) => {
    // The deadline may have passed while DNS answered: its timer has fired already.
    if (call.stopped) {
      reject(explain(new Error('stopped'), call, hop.target, address));
      return;
    }
    let request: http.ClientRequest;
    try {
      request = (tls ? https : http).request(options);
    } catch (err) {
      // Node refuses a header with a bad name or value (CR, LF) here; the value is not repeated.
      reject(new EgressError('egress_bad_url', `the request to ${originOf(url)} is not valid (${(err as { code?: string }).code ?? 'error'})`));
      return;
    }
    let answered = false;
    call.current = request;
    request.on('socket', (socket: Socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(
        () => request.destroy(new EgressError('egress_timeout', `could not connect to ${originOf(url)} at ${address} within ${connectTimeoutMs} ms`, { cause: { code: 'connect-timeout' } })),
        connectTimeoutMs,
      );
      const clear = () => clearTimeout(timer);
      socket.once('connect', clear);
      socket.once('close', clear);
    });
    request.on('response', (res) => {
      answered = true;
      call.current = res;
      resolve(res);
    });
    request.on('error', (err: Error & { code?: string }) => {
      if (answered) return;
      // A kept-alive socket the server closed just as we picked it: send once more on a new one.
      if (retry && request.reusedSocket && err.code === 'ECONNRESET' && retriable.has(hop.method) && !call.stopped) {
        resolve(send(call, hop, address, false));
        return;
      }
      reject(explain(err, call, hop.target, address));
    });
    request.end(hop.body);
  });
}

function readBody(call: Call, res: http.IncomingMessage, hop: Hop, address: string): Promise<{ body: Buffer; truncated: boolean }> {
  const max = call.req.maxResponseBytes;
  const tooLarge = () => new EgressError('egress_too_large', `the answer of ${originOf(hop.target.url)} is larger than ${max} bytes`);
  const declared = Number(res.headers['content-length']);
  // A HEAD answer declares the size of a body it does not send.
  if (!call.req.truncateResponse && hop.method !== 'HEAD' && Number.isFinite(declared) && declared > max) {
    res.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    res.on('data', (chunk: Buffer) => {
      if (size + chunk.length <= max) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      // Over the limit: settle first (destroying emits its own errors), then stop reading; the rest is never buffered.
      if (call.req.truncateResponse) {
        chunks.push(chunk.subarray(0, max - size));
        resolve({ body: Buffer.concat(chunks), truncated: true });
      } else {
        reject(tooLarge());
      }
      res.destroy();
    });
    res.on('end', () => {
      ended = true;
      resolve({ body: Buffer.concat(chunks), truncated: false });
    });
    res.on('error', (err) => reject(explain(err, call, hop.target, address)));
    res.on('aborted', () => reject(explain(new Error('aborted'), call, hop.target, address)));
    // Whatever else ends it (a destroy). After a complete body every answer closes too: no error
    // is built then, since building one (two stack traces) cost each call more than its parsing.
    res.on('close', () => {
      if (!ended) reject(explain(new Error('closed'), call, hop.target, address));
    });
  });
}

function toHeaders(res: http.IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = v;
  return out;
}

/** The next hop of a redirect, checked like the first, or an EgressError. */
function redirectHop(call: Call, hop: Hop, status: number, location: string): Hop {
  let next: string;
  try {
    next = new URL(location, hop.target.url).toString();
  } catch {
    throw new EgressError('egress_redirect_refused', `${originOf(hop.target.url)} redirected to a Location that is not a URL`, { upstreamStatus: status });
  }
  let target: CheckedUrl;
  try {
    target = checkUrl(next, call.req.policy);
  } catch (err) {
    if (err instanceof EgressError) throw new EgressError(err.code, `${originOf(hop.target.url)} redirected: ${err.message}`, { upstreamStatus: status });
    throw err;
  }
  if (hop.target.url.protocol === 'https:' && target.url.protocol !== 'https:') {
    throw new EgressError('egress_redirect_refused', `${originOf(hop.target.url)} redirected from https: to ${target.url.protocol}`, { upstreamStatus: status });
  }
  const toGet = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  let headers = hop.headers;
  if (toGet) {
    headers = { ...headers };
    delete headers['content-type'];
  }
  if (target.url.origin !== hop.target.url.origin) {
    const drop = new Set([...alwaysCredentials, ...(call.req.credentialHeaders ?? []).map((h) => h.toLowerCase())]);
    headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !drop.has(k)));
  }
  return { target, method: toGet && hop.method !== 'HEAD' ? 'GET' : hop.method, headers, body: toGet ? undefined : hop.body };
}

/** Checked addresses to try in turn: IPv4 first (many networks route no IPv6), at most a few. */
function inConnectOrder(addresses: readonly ResolvedAddress[]): ResolvedAddress[] {
  return [...addresses.filter((a) => a.family === 4), ...addresses.filter((a) => a.family === 6)].slice(0, maxAddressesTried);
}

/** Connection failures where nothing was sent: the next address of the host may answer. */
const unreachable = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'connect-timeout']);

/** The request sent to the first of the host's checked addresses that takes a connection. */
async function sendToFirstReachable(call: Call, hop: Hop, addresses: readonly ResolvedAddress[]): Promise<{ res: http.IncomingMessage; address: string }> {
  for (let i = 0; ; i++) {
    const address = addresses[i]!.address;
    try {
      return { res: await send(call, hop, address, true), address };
    } catch (err) {
      const code = err instanceof EgressError ? ((err.cause as { code?: string } | undefined)?.code ?? '') : '';
      if (i + 1 >= addresses.length || call.stopped || !unreachable.has(code)) throw err;
    }
  }
}

/** A hop's addresses, the wait for DNS ended by the call's deadline or abort. */
async function resolveStoppable(call: Call, target: CheckedUrl, req: EgressRequest): Promise<ResolvedAddress[]> {
  if (target.literal !== 0) return resolveAddresses(target.host, target.literal, req.policy);
  const stopped = new Promise<never>((_, reject) => {
    call.onStop = () => reject(new Error('stopped'));
  });
  // Settled by whichever comes first; the loser's rejection is nobody's concern.
  stopped.catch(() => undefined);
  try {
    return await Promise.race([resolveAddresses(target.host, target.literal, req.policy, req.resolver), stopped]);
  } finally {
    call.onStop = undefined;
  }
}

/** One outbound HTTP call under an egress policy. Throws EgressError (or the caller's abort reason). */
export async function egressFetch(req: EgressRequest): Promise<EgressResponse> {
  const first = checkUrl(req.url, req.policy);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  const maxRequestBytes = req.maxRequestBytes ?? defaultMaxRequestBytes;
  if (body !== undefined && body.length > maxRequestBytes) throw new EgressError('egress_too_large', `the request body is larger than ${maxRequestBytes} bytes`);
  const call = new Call(req);
  if (req.signal?.aborted) throw req.signal.reason;
  const timer = setTimeout(() => {
    call.timedOut = true;
    call.stop();
  }, req.timeoutMs);
  const onAbort = () => call.stop();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const maxRedirects = req.maxRedirects ?? 0;
  let hop: Hop = { target: first, method: req.method.toUpperCase(), headers: cleanHeaders(req.headers), body };
  try {
    for (let redirects = 0; ; redirects++) {
      let addresses: ResolvedAddress[];
      try {
        addresses = inConnectOrder(await resolveStoppable(call, hop.target, req));
      } catch (err) {
        throw explain(err, call, hop.target, '(unresolved)');
      }
      const { res, address } = await sendToFirstReachable(call, hop, addresses);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (redirectStatuses.has(status) && location !== undefined) {
        // The redirect's own body is never read.
        res.destroy();
        if (redirects >= maxRedirects) {
          const why = maxRedirects === 0 ? 'redirects are not followed' : `more than ${maxRedirects} redirects`;
          throw new EgressError('egress_redirect_refused', `${originOf(hop.target.url)} answered ${status}: ${why}`, { upstreamStatus: status });
        }
        hop = redirectHop(call, hop, status, location);
        continue;
      }
      const read = await readBody(call, res, hop, address);
      return { status, headers: toHeaders(res), body: read.body, address, url: hop.target.url.toString(), truncated: read.truncated };
    }
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
    call.current = undefined;
  }
}
