/**
 * The HTTP edge of error handling: every failure leaves the server as an RFC 9457 problem
 * document (`application/problem+json`) with Trellis' stable `code`. Validation failures name
 * each field; no message ever echoes request content (it may hold a secret).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, toProblem, type FieldError } from '../errors.ts';

export const problemContentType = 'application/problem+json';

export function sendProblem(reply: FastifyReply, err: AppError, instance?: string): FastifyReply {
  const problem = toProblem(err, instance);
  return reply.code(problem.status).type(problemContentType).send(problem);
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** `/spec/connectors/0/access` → `spec.connectors[0].access`. */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

export function validationIssuesToFieldErrors(issues: AjvIssue[], context: string | undefined): FieldError[] {
  return issues.map((i) => {
    let path = pointerToPath(i.instancePath ?? '');
    const p = i.params ?? {};
    if (i.keyword === 'required' && typeof p.missingProperty === 'string') path = path ? `${path}.${p.missingProperty}` : p.missingProperty;
    if (i.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
      path = path ? `${path}.${p.additionalProperty}` : p.additionalProperty;
      return { path: context ? `${context}.${path}` : path, message: 'unknown field' };
    }
    // A closed set names its values (Ajv says only "must be equal to one of the allowed values"):
    // they come from the schema, never from the request.
    const message = i.keyword === 'enum' && Array.isArray(p.allowedValues) ? `must be one of ${p.allowedValues.map(String).join(', ')}` : (i.message ?? 'is not valid');
    return { path: context ? (path ? `${context}.${path}` : context) : path, message };
  });
}

/** SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100), or either wrapped by a driver. */
function isStorageFull(err: Error & { code?: unknown; cause?: unknown }): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === '53100') return true;
  }
  return false;
}

function fromFastifyError(err: FastifyError): AppError {
  if (err.validation) {
    const errors = validationIssuesToFieldErrors(err.validation as AjvIssue[], err.validationContext);
    return new AppError('validation_failed', `the request ${err.validationContext ?? 'input'} is not valid: ${errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ')}`, { errors });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'the request body is larger than the server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'this content type is not accepted here; send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('bad_request', 'the request body is empty but JSON was declared');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad_request', 'the Content-Length header does not match the body');
  }
  if (err instanceof SyntaxError || err.statusCode === 400) {
    // JSON.parse messages quote the input; say where, never what.
    const pos = /position (\d+)/.exec(err.message);
    return new AppError('bad_request', `the request body is not valid JSON${pos ? ` (at byte ${pos[1]})` : ''}`);
  }
  if (err.statusCode === 404) return new AppError('not_found', 'no such resource');
  if (err.statusCode === 405) return new AppError('method_not_allowed', 'this method is not allowed here');
  if (err.statusCode === 415) return new AppError('unsupported_media_type', 'this content type is not accepted here');
  if (err.statusCode === 429) return new AppError('rate_limited', 'too many requests');
  if (err.statusCode === 503) return new AppError('unavailable', 'the server is not ready');
  if (isStorageFull(err)) return new AppError('storage_full', 'the database has no room left (disk or size limit full): nothing of this request was written; free space and retry');
  return new AppError('internal', 'an internal error occurred; it has been logged');
}

/**
 * Errors Fastify raises before routing (a malformed percent-escape, an over-long parameter):
 * the same problem documents as everything else, without echoing the URL.
 */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is longer than the server accepts' : 'the request URL is not valid (a malformed percent-escape?)';
  return sendProblem(reply, new AppError('bad_request', message));
}

export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    const appErr = err instanceof AppError ? err : fromFastifyError(err);
    if (appErr.code === 'internal') request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, appErr, request.url.split('?')[0]);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new AppError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request.url.split('?')[0]));
}
