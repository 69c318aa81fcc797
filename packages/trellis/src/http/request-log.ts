/**
 * One log line per request, written when the response has gone: method, path, status, time
 * and client address. Fastify's own request logging writes two lines (on arrival and on
 * completion), serialises every header, and puts the query string in the log, where search
 * words and filters can be personal data. The query string is left out here; headers too, so
 * credentials cannot reach the log whatever a client sends. Fastify's other lines (errors,
 * unknown routes) keep its defaults; below `info` pino drops the line before building it.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** The path of a request URL, without its query string. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

class RequestLog extends LogController {
  override incomingRequest(): void {
    // The completed line says all of it.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // Not under `req`/`res`: Fastify's serializers for those keys expect the request and reply objects.
    const line = { method: request.method, path: pathOf(request.url), status: reply.statusCode, ip: request.ip, responseTime: Math.round(reply.elapsedTime * 100) / 100 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export function requestLogController(): LogController {
  return new RequestLog();
}
