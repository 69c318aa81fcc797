/**
 * Request and response hygiene that every route gets without asking:
 * - JSON bodies nested deeper than MAX_DEPTH are refused before parsing (a 100,000-level
 *   document parses fine but overflows the stack of whatever walks it next);
 * - no string anywhere in a request (JSON body, text body, query, path parameters) may hold
 *   U+0000: PostgreSQL text cannot store it, and no field of ours has a use for it;
 * - responses are `Cache-Control: no-store` unless a route says otherwise, so no shared cache
 *   or browser history keeps API data, and `nosniff` everywhere.
 * Each refusal is a 400 problem naming the field, or the line and column of a text body.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, lineColumnAt, type FieldError } from '../errors.ts';

export const MAX_DEPTH = 64;
const NUL_MESSAGE = 'must not contain NUL (U+0000) characters';

/** The nesting depth of a JSON text, by one pass over its brackets outside strings. */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

/** True when a JSON text has an escaped NUL (`\u0000`) inside a string; raw NULs are invalid JSON. */
function hasEscapedNul(text: string): boolean {
  for (let i = text.indexOf('\\u0000'); i !== -1; i = text.indexOf('\\u0000', i + 1)) {
    let slashes = 0;
    for (let j = i; j >= 0 && text.charCodeAt(j) === 92; j--) slashes++;
    if (slashes % 2 === 1) return true;
  }
  return false;
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** Paths of the strings (values or keys) in a parsed value that hold NUL; iterative, bounded. */
export function nulPaths(root: unknown, base = '', limit = 10): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[root, base]];
  while (stack.length > 0 && found.length < limit) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) found.push(path || '(body)');
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], childPath(path, i)]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k.includes('\0')) found.push(childPath(path, k.replace(/\0/g, '\\u0000')));
        stack.push([child, childPath(path, k)]);
      }
    }
  }
  return found;
}

function nulError(errors: FieldError[]): AppError {
  return new AppError('validation_failed', `the request is not valid: ${errors.map((e) => e.path).join(', ')} ${NUL_MESSAGE}`, { errors });
}

function checkRequestStrings(request: FastifyRequest): void {
  const errors: FieldError[] = [];
  for (const p of nulPaths(request.params, 'params')) errors.push({ path: p, message: NUL_MESSAGE });
  for (const p of nulPaths(request.query, 'query')) errors.push({ path: p, message: NUL_MESSAGE });
  const body = request.body;
  if (typeof body === 'string') {
    const at = body.indexOf('\0');
    if (at !== -1) errors.push({ path: '(body)', message: NUL_MESSAGE, ...lineColumnAt(body, at) });
  } else if (body !== undefined && request.nulInBody) {
    for (const p of nulPaths(body)) errors.push({ path: p, message: NUL_MESSAGE });
  }
  if (errors.length > 0) throw nulError(errors);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the JSON parser when the raw body escapes a NUL, so only those bodies are walked. */
    nulInBody?: boolean;
  }
}

export function installHardening(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text, MAX_DEPTH) > MAX_DEPTH) {
      done(new AppError('validation_failed', `the request body is nested deeper than ${MAX_DEPTH} levels`, { errors: [{ path: '(body)', message: `must not be nested deeper than ${MAX_DEPTH} levels` }] }), undefined);
      return;
    }
    if (hasEscapedNul(text)) request.nulInBody = true;
    parseJson(request, text, done);
  });
  app.addHook('preValidation', async (request) => checkRequestStrings(request));
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
  });
}
