/**
 * Source locations. Every token and every AST node carries one, so that any later stage
 * (compiler, evaluator, built-ins) can point an error at the exact place in the policy text.
 */

/**
 * A position in a source file. `row` and `col` are 1-based (as OPA prints them); `col`
 * counts UTF-16 code units from the start of the line. `offset` is the 0-based UTF-16
 * offset of the first character and `end` (when known) the offset just past the last one,
 * so `text.slice(loc.offset, loc.end)` is the node's source text.
 *
 * @example
 * const loc: Location = { file: 'policy.rego', row: 3, col: 1, offset: 20, end: 31 };
 */
export interface Location {
  file: string;
  row: number;
  col: number;
  offset: number;
  end?: number;
}
