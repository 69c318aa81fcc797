/**
 * Errors are values with a stable code. Services throw AppError; the HTTP edge turns it
 * into an RFC 9457 problem document and the CLI into an exit code. The codes every module
 * shares are `coreErrors` below; a module declares its own with `defineErrors` in its module
 * definition, and `modules.ts` gathers all of them into the catalogue that docs/errors.md
 * documents (a test keeps the two in step). Clients branch on `code`, never on message text.
 */

/** What a code means over HTTP. */
export interface ErrorEntry {
  status: number;
  title: string;
}

export type ErrorTable = Record<string, ErrorEntry>;

export const coreErrors = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'Bad request' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
  storage_full: { status: 507, title: 'Insufficient storage' },
} as const satisfies ErrorTable;

export type CoreErrorCode = keyof typeof coreErrors;

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

export interface AppErrorOptions {
  errors?: FieldError[];
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  /** A core code; a module's own codes come from its `defineErrors(...).error(...)`. */
  constructor(code: CoreErrorCode, message: string, opts?: AppErrorOptions);
  constructor(code: string, message: string, opts: AppErrorOptions & { entry: ErrorEntry });
  constructor(code: string, message: string, opts?: AppErrorOptions & { entry?: ErrorEntry }) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    const entry = opts?.entry ?? coreErrors[code as CoreErrorCode];
    this.name = 'AppError';
    this.code = code;
    this.status = entry.status;
    this.title = entry.title;
    this.errors = opts?.errors;
    this.extra = opts?.extra;
  }
}

/**
 * A module's own error codes: declare them once, raise them by name.
 * @example
 *   export const catalogErrors = defineErrors({ invalid_transition: { status: 409, title: 'Status change not allowed' } });
 *   throw catalogErrors.error('invalid_transition', 'an approved app cannot go back to draft');
 */
export function defineErrors<T extends ErrorTable>(table: T): { table: T; error(code: keyof T & string, message: string, opts?: AppErrorOptions): AppError } {
  return { table, error: (code, message, opts) => new AppError(code, message, { ...opts, entry: table[code]! }) };
}

/** RFC 9457 problem details, with Trellis' `code` and located `errors` as extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const problemTypeBase = 'https://trellis.dev/problems/';

export function toProblem(err: AppError, instance?: string): Problem {
  const p: Problem = {
    ...(err.extra ?? {}),
    type: problemTypeBase + err.code,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
  };
  if (instance !== undefined) p.instance = instance;
  if (err.errors && err.errors.length > 0) p.errors = err.errors;
  return p;
}
