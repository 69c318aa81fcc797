/**
 * One log line per request, written when the response has gone: method, path, status, time
 * and client address. Fastify's own request logging writes two lines (on arrival and on
 * completion), serialises every header, and puts the query string in the log, where search
 * words and filters can be personal data. The query string is left out here; headers too, so
 * credentials cannot reach the log whatever a client sends. Below `info` the hook is not
 * installed at all, so a quiet server pays nothing per request.
 */
import type { FastifyInstance } from 'fastify';

/** The path of a request URL, without its query string. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function installRequestLog(app: FastifyInstance): void {
  // pino's numeric level (info is 30); a disabled logger has none.
  const level = (app.log as { levelVal?: number }).levelVal;
  if (typeof level !== 'number' || level > 30) return;
  app.addHook('onResponse', (req, reply, done) => {
    // Not under `req`/`res`: Fastify's serializers for those keys expect the request and reply objects.
    req.log.info({ method: req.method, path: pathOf(req.url), status: reply.statusCode, ip: req.ip, responseTime: Math.round(reply.elapsedTime * 100) / 100 }, 'request completed');
    done();
  });
}
