/**
 * Tests only: an OTLP/HTTP collector's trace endpoint on loopback. It accepts
 * `POST /v1/traces` with OTLP JSON (what the exporter sends) and keeps every span it receives,
 * with the method, path and content type of each export request.
 */
import { createServer, type Server } from 'node:http';

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP numbering: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

export interface TestCollector {
  server: Server;
  /** The base URL to configure as the exporter endpoint. */
  url: string;
  spans: OtlpSpan[];
  /** `METHOD path content-type` of each request received. */
  requests: string[];
  close(): Promise<void>;
}

export async function startTestCollector(): Promise<TestCollector> {
  const spans: OtlpSpan[] = [];
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    spans,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
