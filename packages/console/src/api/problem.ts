/**
 * Problem details (RFC 9457) as the Trellis API sends them, turned into an error value the pages
 * show: its title and detail, the code, and each field error with the place it names (a JSON
 * pointer or path, and line:column for YAML and Rego).
 */
export interface FieldError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[];
  readonly retryAfter: number | undefined;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>, retryAfter?: number) {
    const title = typeof body.title === 'string' ? body.title : `Request failed (${status})`;
    const detail = typeof body.detail === 'string' ? body.detail : undefined;
    super(detail ?? title);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.code = typeof body.code === 'string' ? body.code : undefined;
    this.title = title;
    this.detail = detail;
    this.errors = Array.isArray(body.errors) ? body.errors.filter(isFieldError) : [];
    this.retryAfter = retryAfter;
  }
}

function isFieldError(e: unknown): e is FieldError {
  return typeof e === 'object' && e !== null && typeof (e as FieldError).message === 'string';
}

/** Where a field error points, in words: "spec.owner (line 4:3)". */
export function fieldPlace(e: FieldError): string {
  const name = e.path;
  const at = e.line !== undefined ? `line ${e.line}${e.column !== undefined ? `:${e.column}` : ''}` : '';
  return [name, at && (name ? `(${at})` : at)].filter(Boolean).join(' ');
}

/** A sentence for any thrown value, for places with no room for the whole problem. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.detail ?? err.title;
  if (err instanceof Error) return err.message;
  return String(err);
}
