/**
 * An OCSF-over-HTTP receiver for tests: a real HTTP server on 127.0.0.1 that takes JSON arrays
 * of events and behaves as a script says — acknowledge, answer a status, hang past the sender's
 * timeout, close the connection in the middle of its answer — or stops listening altogether
 * (connections refused) and listens again on the same port. It keeps every acknowledged batch,
 * so tests can check what a SIEM would hold.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OcsfEvent } from '../audit/index.ts';
import type { SinkEvent } from './transport.ts';

/** What to do with one request: acknowledge (200), answer this status, hang, or cut the answer. */
export type Behaviour = 'ok' | 'hang' | 'cut' | { status: number; retryAfter?: string };

export interface ReceivedBatch {
  headers: IncomingHttpHeaders;
  events: OcsfEvent[];
}

export interface OcsfReceiver {
  url: string;
  /** Batches acknowledged with 200, in arrival order. */
  acknowledged: ReceivedBatch[];
  /** Requests seen, whatever the answer. */
  requests: number;
  /** Wait this long before acknowledging (a slow SIEM). */
  delayMs: number;
  /** Requests being answered now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
  /** Decides each request's fate; default: acknowledge. */
  behave: (events: OcsfEvent[], n: number) => Behaviour;
  /** Stop listening: new connections are refused until `resume`. Open connections are cut. */
  refuse(): Promise<void>;
  resume(): Promise<void>;
  /** Every acknowledged event's uid, in order (with repeats). */
  uids(): string[];
  close(): Promise<void>;
}

export async function startOcsfReceiver(): Promise<OcsfReceiver> {
  const sockets = new Set<Socket>();
  const receiver: OcsfReceiver = {
    url: '',
    acknowledged: [],
    requests: 0,
    delayMs: 0,
    inFlight: 0,
    maxInFlight: 0,
    behave: () => 'ok',
    refuse: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
    resume: () => listen(port),
    uids: () => receiver.acknowledged.flatMap((b) => b.events.map((e) => e.metadata.uid)),
    close: async () => {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      receiver.maxInFlight = Math.max(receiver.maxInFlight, ++receiver.inFlight);
      res.on('close', () => receiver.inFlight--);
      if (receiver.delayMs > 0) await new Promise((r) => setTimeout(r, receiver.delayMs));
      const events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OcsfEvent[];
      const b = receiver.behave(events, receiver.requests++);
      if (b === 'hang') return;
      if (b === 'cut') {
        // Headers and half a body, then the connection goes: the sender cannot count this as an answer.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"accepted":');
        setTimeout(() => req.socket.destroy(), 5);
        return;
      }
      if (b === 'ok') {
        receiver.acknowledged.push({ headers: req.headers, events });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      res.writeHead(b.status, b.retryAfter ? { 'retry-after': b.retryAfter } : {}).end(`status ${b.status}`);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let port = 0;
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen(0);
  receiver.url = `http://127.0.0.1:${port}/ingest`;
  return receiver;
}

/** Minimal OCSF-shaped events with fresh uids, seqs from `from` (transport tests need no trail). */
export function sampleEvents(n: number, from = 1): SinkEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const uid = randomUUID();
    const event = { class_uid: 6003, severity_id: 1, api: { operation: 'test.event' }, resources: [], metadata: { version: '1.3.0', uid, product: { name: 'Trellis', vendor_name: 'Trellis' } } } as unknown as OcsfEvent;
    return { seq: from + i, uid, event };
  });
}

/** Wait for a condition (a receiver holding every event), failing with `what` if it never comes. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
