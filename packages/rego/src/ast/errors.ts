/**
 * Parse errors. The parser never throws anything else: any input yields either an AST or a
 * RegoParseError listing every error found (up to a limit), each with its location and OPA's
 * wording, formatted the way OPA prints them (`file:row: rego_parse_error: message`).
 */

import type { Location } from './location.ts';

/** One parse error at one place. */
export interface ParseErrorDetail {
  message: string;
  loc: Location;
}

/** Format one error as OPA does: `file:row: rego_parse_error: msg` (`row:col:` when no file). */
export function formatParseError(e: ParseErrorDetail): string {
  const prefix = e.loc.file.length > 0 ? `${e.loc.file}:${e.loc.row}` : `${e.loc.row}:${e.loc.col}`;
  return `${prefix}: rego_parse_error: ${e.message}`;
}

/**
 * Thrown by `parseModule`, `parseQuery` and `parseTerm` when the text is not valid Rego.
 * `errors` holds every error found, sorted by location; `file`, `row`, `col` repeat the first
 * one's position for convenience. The message follows OPA's `Errors.Error()`:
 * `1 error occurred: f.rego:3: rego_parse_error: …` or `2 errors occurred:\n…\n…`.
 *
 * @example
 * try { parseModule('package', { file: 'x.rego' }); }
 * catch (e) { if (e instanceof RegoParseError) console.log(e.errors[0].message); }
 */
export class RegoParseError extends Error {
  readonly code = 'rego_parse_error' as const;
  readonly errors: ParseErrorDetail[];
  readonly file: string;
  readonly row: number;
  readonly col: number;

  constructor(errors: ParseErrorDetail[]) {
    const sorted = [...errors].sort((a, b) => a.loc.offset - b.loc.offset);
    const first = sorted[0] ?? { message: 'unknown parse error', loc: { file: '', row: 0, col: 0, offset: 0 } };
    const lines = sorted.map(formatParseError);
    const message = lines.length <= 1 ? `1 error occurred: ${lines[0] ?? formatParseError(first)}` : `${lines.length} errors occurred:\n${lines.join('\n')}`;
    super(message);
    this.name = 'RegoParseError';
    this.errors = sorted.length > 0 ? sorted : [first];
    this.file = first.loc.file;
    this.row = first.loc.row;
    this.col = first.loc.col;
  }
}
