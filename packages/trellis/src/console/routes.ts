/**
 * Serves the web console's static files at `/` and `/console/*`. The page holds no data of its
 * own: it signs in with an API token and talks only to the public REST API, so these routes
 * are public (no token) and everything the console shows is still authorised per request.
 * Strict headers: a CSP that allows only this origin, no framing, no MIME sniffing.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';

const files: Record<string, { type: string; body: string }> = {
  'index.html': { type: 'text/html; charset=utf-8', body: readFileSync(new URL('./static/index.html', import.meta.url), 'utf8') },
  'app.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./static/app.js', import.meta.url), 'utf8') },
  'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./static/app.css', import.meta.url), 'utf8') },
  'favicon.svg': { type: 'image/svg+xml', body: readFileSync(new URL('./static/favicon.svg', import.meta.url), 'utf8') },
};

function send(reply: FastifyReply, name: string): FastifyReply {
  const f = files[name]!;
  return reply
    .header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-cache')
    .type(f.type)
    .send(f.body);
}

export function consoleRoutes(app: FastifyInstance): void {
  app.get('/', { config: { public: true } }, async (_req, reply) => send(reply, 'index.html'));
  app.get<{ Params: { file: string } }>('/console/:file', { config: { public: true }, schema: { params: { type: 'object', properties: { file: { type: 'string', enum: Object.keys(files) } }, required: ['file'] } } }, async (req, reply) =>
    send(reply, req.params.file),
  );
}
