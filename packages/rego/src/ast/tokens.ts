/**
 * Token kinds produced by the lexer and the token record itself.
 *
 * Keywords are not separate token kinds: whether `in`, `if`, `contains` or `every` is a keyword
 * depends on the Rego version and on `future.keywords` imports, and every keyword may still
 * appear as a ref element (`input.in`, `data.package.x`). So the lexer emits `ident` for all
 * names and the parser decides, with its current keyword set, what each one means.
 */

/** Every kind of token. Punctuation kinds are the punctuation itself, which reads well in errors. */
export type TokenKind =
  | 'ident'
  | 'number'
  | 'string'
  | 'template'
  | 'eof'
  | 'illegal'
  | '{'
  | '}'
  | '['
  | ']'
  | '('
  | ')'
  | '.'
  | ','
  | ';'
  | ':'
  | ':='
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '&'
  | '|';

/**
 * One piece of a template string: literal text (already unescaped), or the tokens of an
 * embedded `{…}` expression (terminated by an `eof` token located at the closing brace).
 */
export type TemplatePart =
  | { kind: 'text'; value: string; offset: number; row: number; col: number; end: number }
  | { kind: 'expr'; tokens: Token[] };

/**
 * A token with its span. `wsBefore` / `nlBefore` record whitespace (any, and newlines
 * specifically) between the previous token and this one: Rego is whitespace-sensitive in two
 * places — a ref or call continues only if `.`/`[`/`(` touches the previous term, and a newline
 * separates body expressions like `;` does.
 */
export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: including quotes). */
  text: string;
  /** Unescaped value for `string` tokens; error message for `illegal` tokens. */
  value?: string;
  /** True for backtick strings. */
  raw?: boolean;
  /** Parts of a `template` token. */
  parts?: TemplatePart[];
  offset: number;
  end: number;
  row: number;
  col: number;
  wsBefore: boolean;
  nlBefore: boolean;
}

/**
 * Words that are keywords in Rego v1 (and, for `in`/`every`/`contains`/`if`, in v0 only after
 * `import future.keywords…` or `import rego.v1`).
 */
export const baseKeywords: ReadonlySet<string> = new Set([
  'package',
  'import',
  'as',
  'default',
  'else',
  'not',
  'some',
  'with',
  'null',
  'true',
  'false',
]);

/** The keywords that v0 modules must import from `future.keywords` (standard in v1). */
export const futureKeywords: readonly string[] = ['in', 'every', 'contains', 'if'];

/**
 * Experimental keywords, importable in any version: `and`/`or` logical operators and the
 * `not { … }` body form (`not` itself is always a keyword; the import adds the body form).
 */
export const experimentalKeywords: readonly string[] = ['and', 'or', 'not'];
