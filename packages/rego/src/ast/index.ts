/**
 * The Rego front end: lexer, parser, AST types, printer and parse errors. Other parts of the
 * engine import from here (or from nodes.ts for types only).
 */

export * from './nodes.ts';
export { RegoParseError } from './errors.ts';
export { parseModule, parseQuery, parseTerm, type ParseStats } from './parser.ts';
export { lex } from './lexer.ts';
export { printTerm, printModule } from './print.ts';
