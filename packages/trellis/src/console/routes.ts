/**
 * Serves the web console (packages/console, a React single-page application) at `/console/`.
 * The page holds no data of its own and talks only to the public REST API, so these routes are
 * public and everything the console shows is still authorised per request. Any path under
 * /console/ that is not a built file gets index.html, so the browser's router can show it.
 * Strict headers: scripts only from this origin; styles from this origin or carrying this
 * response's nonce (Mantine and CodeMirror create style elements and put the nonce on them);
 * no framing, no MIME sniffing, no referrer.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { defaultConsoleDir, loadConsoleAssets } from './assets.ts';

const securityHeaders = (reply: FastifyReply, nonce: string): FastifyReply =>
  reply
    .header(
      'content-security-policy',
      `default-src 'self'; script-src 'self'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trellis</title></head><body><main><h1>The web console is not built</h1><p>Start Trellis with <code>npm start</code>, which builds the console when it is missing or stale, or build it with <code>npm run build</code>. The REST API at <code>/api/v1/</code> works without it.</p></main></body></html>`;

export function consoleRoutes(app: FastifyInstance, consoleDir: string): void {
  const assets = loadConsoleAssets(consoleDir || defaultConsoleDir());

  const sendIndex = (reply: FastifyReply) => {
    const nonce = randomBytes(18).toString('base64');
    securityHeaders(reply, nonce).header('cache-control', 'no-store');
    if (assets.index === null) return reply.code(503).type('text/html; charset=utf-8').send(notBuilt);
    return reply.type('text/html; charset=utf-8').send(assets.index.replaceAll('__CSP_NONCE__', nonce));
  };

  app.get('/', { config: { public: true } }, async (_req, reply) => reply.redirect('/console/', 302));
  app.get('/console', { config: { public: true } }, async (_req, reply) => reply.redirect('/console/', 301));
  app.get<{ Params: { '*': string } }>('/console/*', { config: { public: true } }, async (req, reply) => {
    const path = req.params['*'];
    const file = assets.files.get(path);
    if (file) {
      return securityHeaders(reply, randomBytes(18).toString('base64'))
        .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .type(file.type)
        .send(file.body);
    }
    // A missing hashed file is a stale tab after an upgrade: a 404, not the page (a script
    // answered with HTML would fail in a way nobody can read).
    if (path.startsWith('assets/')) return reply.code(404).type('text/plain; charset=utf-8').send('not found: reload the page');
    return sendIndex(reply);
  });
}
