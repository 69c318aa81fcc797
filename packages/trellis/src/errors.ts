/**
 * Errors are values with a stable code. Services throw AppError; the HTTP edge turns it
 * into an RFC 9457 problem document and the CLI into an exit code. `errorCatalog` is the one
 * list of codes with their HTTP status and title: docs/errors.md documents exactly these
 * (a test keeps the two in step), and clients branch on `code`, never on message text.
 */

export const errorCatalog = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  manifest_invalid: { status: 422, title: 'The manifest is not valid' },
  bad_request: { status: 400, title: 'Bad request' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  invalid_transition: { status: 409, title: 'Status change not allowed' },
  detector_test_failed: { status: 422, title: 'The detector does not pass its samples' },
  reveal_failed: { status: 422, title: 'The value cannot be revealed with this installation key' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
  audit_chain_broken: { status: 500, title: 'Audit chain verification failed' },
  key_mismatch: { status: 500, title: 'The master key is not the one the database was first used with' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** One located problem in a request: a field path, and for YAML/Rego sources a line and column. */
export interface FieldError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** Line and column (both from 1) of a character offset in a text, for located errors. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts?: { errors?: FieldError[]; extra?: Record<string, unknown>; cause?: unknown }) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.errors = opts?.errors;
    this.extra = opts?.extra;
  }

  get status(): number {
    return errorCatalog[this.code].status;
  }
}

/** RFC 9457 problem details, with Trellis' `code` and located `errors` as extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const problemTypeBase = 'https://trellis.dev/problems/';

export function toProblem(err: AppError, instance?: string): Problem {
  const entry = errorCatalog[err.code];
  const p: Problem = {
    ...(err.extra ?? {}),
    type: problemTypeBase + err.code,
    title: entry.title,
    status: entry.status,
    detail: err.message,
    code: err.code,
  };
  if (instance !== undefined) p.instance = instance;
  if (err.errors && err.errors.length > 0) p.errors = err.errors;
  return p;
}

export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} not found`);
}
