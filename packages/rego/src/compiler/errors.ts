/**
 * Compile and evaluation errors with OPA's codes. Compile stages push `RegoError`s into an
 * `ErrorList`, which keeps them up to a limit; the compiler sorts them by location and throws
 * them together as one `RegoCompileError`. Evaluation throws a single `RegoError` (conflicts,
 * built-in errors in strict mode, limits, cancellation).
 */
import type { Location } from '../ast/nodes.ts';

/** Every error code the engine produces (OPA's codes, plus `eval_limit_error` for our limits). */
export type RegoErrorCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_type_error'
  | 'rego_unsafe_var_error'
  | 'rego_recursion_error'
  | 'eval_conflict_error'
  | 'eval_type_error'
  | 'eval_builtin_error'
  | 'eval_cancel_error'
  | 'eval_limit_error';

/**
 * One error with a code, a message (OPA's wording) and, where known, a location.
 *
 * @example
 * throw new RegoError('eval_conflict_error', 'complete rules must not produce multiple outputs', rule.loc);
 */
export class RegoError extends Error {
  readonly code: RegoErrorCode;
  readonly loc: Location | undefined;
  constructor(code: RegoErrorCode, message: string, loc?: Location) {
    super(formatError(code, message, loc));
    this.name = 'RegoError';
    this.code = code;
    this.loc = loc;
    this.detail = message;
  }
  /** The message without the code/location prefix. */
  readonly detail: string;
}

/** `file:row: code: message`, the way OPA prints an error. */
export function formatError(code: string, message: string, loc: Location | undefined): string {
  if (!loc) return `${code}: ${message}`;
  const where = loc.file ? `${loc.file}:${loc.row}` : `${loc.row}:${loc.col}`;
  return `${where}: ${code}: ${message}`;
}

/**
 * Every error a compilation found, sorted by location. `message` follows OPA's
 * `N errors occurred:` format so a substring match on one error's text works.
 *
 * @example
 * try { compile({ modules: { 'p.rego': 'package p\nq if x' } }); }
 * catch (e) { if (e instanceof RegoCompileError) e.errors.map((x) => [x.code, x.loc?.row]); }
 */
export class RegoCompileError extends Error {
  readonly code: RegoErrorCode;
  readonly errors: RegoError[];
  constructor(errors: RegoError[]) {
    const lines = errors.map((e) => e.message);
    super(lines.length === 1 ? `1 error occurred: ${lines[0]}` : `${lines.length} errors occurred:\n${lines.join('\n')}`);
    this.name = 'RegoCompileError';
    this.errors = errors;
    this.code = errors[0]?.code ?? 'rego_compile_error';
  }
}

/**
 * Collects errors up to `limit` (OPA stops at 10 by default) and reports them sorted.
 *
 * @example
 * const errors = new ErrorList();
 * errors.add('rego_compile_error', 'var x assigned above', loc);
 * errors.throwIfAny();
 */
export class ErrorList {
  readonly items: RegoError[] = [];
  constructor(readonly limit = 10) {}
  add(code: RegoErrorCode, message: string, loc?: Location): void {
    if (this.items.length < this.limit) this.items.push(new RegoError(code, message, loc));
  }
  /** Throw everything collected so far, sorted by file and offset, if anything was collected. */
  throwIfAny(): void {
    if (this.items.length === 0) return;
    const sorted = [...this.items].sort((a, b) => {
      const fa = a.loc?.file ?? '';
      const fb = b.loc?.file ?? '';
      if (fa !== fb) return fa < fb ? -1 : 1;
      return (a.loc?.offset ?? 0) - (b.loc?.offset ?? 0);
    });
    throw new RegoCompileError(sorted);
  }
}
