/**
 * The Rego front end: lexer, parser, AST types, printer and parse errors. Other parts of the
 * engine import from here (or from nodes.ts for types only).
 */

export * from './nodes.ts';
export { spanLocation, formatLocation } from './location.ts';
export { RegoParseError, formatParseError, type ParseErrorDetail } from './errors.ts';
export { parseModule, parseQuery, parseTerm, parseRef, isGround, MEMBER, MEMBER_WITH_KEY, type ParseOptions, type ParseStats } from './parser.ts';
export { lex, type LexResult } from './lexer.ts';
export type { Token, TokenKind, TemplatePart } from './tokens.ts';
export { printTerm, printExpr, printBody, printRule, printModule } from './print.ts';
