/**
 * The separate metrics listener (TRELLIS_METRICS_PORT): a plain HTTP server on the configured
 * host that answers GET /metrics and nothing else, so a scraper can be let in on a port that
 * serves no API. The same protection as the main port's /metrics applies (routes.ts), with the
 * socket's address as the client's: no proxy stands in front of this port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toProblem, type AppError } from '../errors.ts';
import { problemContentType } from '../http/problem.ts';
import type { Services } from '../module.ts';
import { scrapeGate } from './routes.ts';

function problem(res: import('node:http').ServerResponse, err: AppError): void {
  const body = toProblem(err);
  if (err.code === 'unauthenticated') res.setHeader('www-authenticate', 'Bearer realm="trellis-metrics"');
  res.writeHead(body.status, { 'content-type': problemContentType }).end(JSON.stringify(body));
}

export class MetricsListener {
  private server: Server | undefined;

  constructor(private readonly services: Services) {}

  /** Listen on host:port; resolves with the port bound (the one asked for unless 0). */
  async start(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      void this.answer(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  private async answer(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this port serves only /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return;
    }
    const refused = await scrapeGate(this.services).refusal(req.headers.authorization, req.socket.remoteAddress ?? '');
    if (refused) {
      if (refused.retryAfter !== undefined) res.setHeader('retry-after', String(refused.retryAfter));
      return problem(res, refused.error);
    }
    const text = await this.services.metrics.text();
    res.writeHead(200, { 'content-type': this.services.metrics.contentType });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
