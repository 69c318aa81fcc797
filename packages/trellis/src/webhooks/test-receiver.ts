/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 (port 0) that records every
 * request (headers and raw body) and answers with the next status of a script (200 when the
 * script runs out). `next()` resolves on the next request, so tests wait for an event, not a time.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Statuses to answer, in order (then 200); `hang` never answers, `redirect` answers 302, `binary` a 500 with NUL bytes. */
  script: (number | 'hang' | 'redirect' | 'binary')[];
  next(): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const script: Receiver['script'] = [];
  let waiters: ((r: ReceivedRequest) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve(r);
      const step = script.shift() ?? 200;
      if (step === 'hang') return;
      if (step === 'binary') {
        res.writeHead(500, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 65]));
        return;
      }
      if (step === 'redirect') {
        res.writeHead(302, { location: '/elsewhere' }).end();
        return;
      }
      res.writeHead(step, { 'content-type': 'text/plain' }).end(step >= 300 ? `failure ${'x'.repeat(10_000)}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    script,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
