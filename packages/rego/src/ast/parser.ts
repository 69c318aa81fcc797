/**
 * The Rego parser: a hand-written recursive-descent parser over the lexer's token array,
 * producing the AST in nodes.ts. It follows OPA's parser (v1/ast/parser.go) closely — same
 * precedence, same backtracking points, same error wording — so that policies that parse in
 * OPA parse here, to the same shape. There is one `parseX` method per rule of
 * docs/grammar.md, named after the rule.
 *
 * Error handling: methods return `undefined` after recording an error; speculative parses
 * (set versus comprehension, `x, y in xs` versus a list) save and restore the position and
 * the error list. At the top level the parser skips to the next line that starts in column 1
 * and goes on, so one run reports several errors (up to `maxErrors`). Nesting is capped at
 * `maxDepth`; a JS stack overflow is also caught and reported, so no input can crash the host.
 *
 * Rego versions: v1 (OPA 1.x: `if`/`contains`/`in`/`every` are keywords; `if` and `contains`
 * required) and v0 (keywords only via `import future.keywords…` or `import rego.v1`). With
 * `regoVersion: 'auto'` a module is parsed as v1 and, if that fails, as v0; see `parseModule`.
 */

import { parse as parseYaml, YAMLError } from 'yaml';
import { lex } from './lexer.ts';
import type { Token, TokenKind } from './tokens.ts';
import { baseKeywords, experimentalKeywords, futureKeywords } from './tokens.ts';
import { RegoParseError, type ParseErrorDetail } from './errors.ts';
import type { Location } from './location.ts';
import type {
  Annotations,
  AnnotationScope,
  ArrayTerm,
  Author,
  BooleanTerm,
  Call,
  Comment,
  Every,
  Expr,
  Group,
  ExprTerms,
  Import,
  Module,
  NumberTerm,
  ObjectItem,
  Package,
  Ref,
  RegoVersion,
  RelatedResource,
  Rule,
  RuleHead,
  RuleKind,
  SomeDecl,
  SomeIn,
  StringTerm,
  TemplateString,
  Term,
  Var,
  With,
} from './nodes.ts';

/** Options shared by every parse entry point. */
export interface ParseOptions {
  /** File name used in locations and error messages (default `''`). */
  file?: string;
  /**
   * Syntax to accept. `auto` (the default for modules) parses as v1 and falls back to v0 when
   * the module does not parse as v1 but does as v0. Queries and terms default to v1.
   */
  regoVersion?: 'v0' | 'v1' | 'auto';
  /** Stop after this many errors (default 10). */
  maxErrors?: number;
  /** Maximum nesting depth of terms and bodies (default 1000). */
  maxDepth?: number;
  /** Parse `# METADATA` blocks (default true). */
  processAnnotations?: boolean;
  /** Receives the parser's work: `steps` grows by the parse's steps (see `ParseStats`). */
  stats?: ParseStats;
}

/**
 * The work of a parse, counted rather than timed: one step per token consumed and per nesting
 * level entered, re-reads after backtracking included. The `parseTerm` memo keeps it linear in
 * the input, which the tests check; it is added to, so one object can total several parses.
 *
 * @example
 * const stats = { steps: 0 };
 * parseModule('package x\nallow if input.ok', { stats });
 * stats.steps; // a few per token
 */
export interface ParseStats {
  steps: number;
}

const DEFAULT_MAX_ERRORS = 10;
const DEFAULT_MAX_DEPTH = 1000;
const DEPTH_MESSAGE = 'max parsing recursion depth exceeded';

/** Binary operator precedence (OPA: relation < `|` < `&` < `+ -` < `* / %`) and built-in names. */
const binaryOps: Partial<Record<TokenKind, { prec: number; name: string }>> = {
  '==': { prec: 1, name: 'equal' },
  '!=': { prec: 1, name: 'neq' },
  '<': { prec: 1, name: 'lt' },
  '<=': { prec: 1, name: 'lte' },
  '>': { prec: 1, name: 'gt' },
  '>=': { prec: 1, name: 'gte' },
  '|': { prec: 2, name: 'or' },
  '&': { prec: 3, name: 'and' },
  '+': { prec: 4, name: 'plus' },
  '-': { prec: 4, name: 'minus' },
  '*': { prec: 5, name: 'mul' },
  '/': { prec: 5, name: 'div' },
  '%': { prec: 5, name: 'rem' },
};

export const MEMBER = 'internal.member_2';
export const MEMBER_WITH_KEY = 'internal.member_3';

/** Thrown internally to unwind when the error limit is reached; never escapes the module. */
class StopParsing {}

/** Parser position, for backtracking. */
interface SavedState {
  i: number;
  errors: number;
  wildcard: number;
}

/** Facts about how a rule was written that the v1 checks need but the AST does not keep. */
interface RuleSyntax {
  hasIf: boolean;
  hasContains: boolean;
  generatedBody: boolean;
}

/** Parser-wide state that a template-string sub-parse shares with its parent. */
interface Shared {
  file: string;
  errors: ParseErrorDetail[];
  maxErrors: number;
  maxDepth: number;
  wildcard: number;
  depth: number;
  /** Tokens consumed and levels entered so far (`ParseStats`). */
  steps: number;
  syntax: WeakMap<Rule, RuleSyntax>;
  /** Future/experimental keywords imported so far (`not` enables the `not { … }` form). */
  imported: Set<string>;
}

/** The result of one top-level statement attempt. */
type Statement = { kind: 'package'; node: Package } | { kind: 'import'; node: Import } | { kind: 'rules'; nodes: Rule[] };

class Parser {
  private toks: Token[];
  private i = 0;
  /** Words currently reserved as keywords (depends on version and future imports). */
  readonly keywords: Set<string>;
  /** parseTerm memo: OPA's parsedTermCache, which keeps backtracking linear. */
  private cache = new Map<number, { term: Term; end: number; wildcard: number }>();

  constructor(
    toks: Token[],
    readonly shared: Shared,
    keywords: Set<string>,
  ) {
    this.toks = toks;
    this.keywords = keywords;
  }

  // ------------------------------------------------------------------------------------------
  // Token helpers
  // ------------------------------------------------------------------------------------------

  private get tok(): Token {
    return this.toks[this.i] as Token;
  }

  /** Kind of the current token (a method, so TypeScript does not narrow it across advance()). */
  private k(): TokenKind {
    return this.tok.kind;
  }

  private peek(n = 1): Token {
    const j = Math.min(this.i + n, this.toks.length - 1);
    return this.toks[j] as Token;
  }

  private advance(): void {
    this.shared.steps++;
    if (this.i < this.toks.length - 1) this.i++;
  }

  /** End offset of the last consumed token. */
  private get lastEnd(): number {
    return this.i > 0 ? (this.toks[this.i - 1] as Token).end : this.tok.offset;
  }

  private locOf(t: Token): Location {
    return { file: this.shared.file, row: t.row, col: t.col, offset: t.offset, end: t.end };
  }

  /** Location from token `start` to the last consumed token. */
  private span(start: Token): Location {
    return { file: this.shared.file, row: start.row, col: start.col, offset: start.offset, end: Math.max(this.lastEnd, start.offset) };
  }

  private isKeyword(t: Token): boolean {
    return t.kind === 'ident' && this.keywords.has(t.text);
  }

  /** True when the current token is keyword `word` (and not the head of a ref like `if.x`). */
  private at(word: string): boolean {
    const t = this.tok;
    return t.kind === 'ident' && t.text === word && this.keywords.has(word) && !this.refAhead();
  }

  /** A word followed directly by `.` or `[` starts a ref even if it is a keyword (`else.foo`). */
  private refAhead(): boolean {
    const n = this.peek();
    return (n.kind === '.' || n.kind === '[') && !n.wsBefore;
  }

  private save(): SavedState {
    return { i: this.i, errors: this.shared.errors.length, wildcard: this.shared.wildcard };
  }

  private restore(s: SavedState): void {
    this.i = s.i;
    this.shared.errors.length = s.errors;
    this.shared.wildcard = s.wildcard;
  }

  // ------------------------------------------------------------------------------------------
  // Errors
  // ------------------------------------------------------------------------------------------

  error(loc: Location, message: string): void {
    this.shared.errors.push({ message, loc });
  }

  /** OPA's `illegal`: `unexpected <tok> token[: note]`, or the lexer's message for a bad token. */
  private illegal(note = ''): void {
    const t = this.tok;
    if (t.kind === 'illegal') {
      this.error(this.locOf(t), t.value ?? 'illegal token');
      return;
    }
    let desc: string;
    if (t.kind === 'ident') desc = this.isKeyword(t) ? `${t.text} keyword` : 'ident token';
    else if (t.kind === 'eof') desc = 'eof token';
    else if (t.kind === 'template') desc = 'template-string token';
    else desc = `${t.kind} token`;
    this.error(this.locOf(t), note.length > 0 ? `unexpected ${desc}: ${note}` : `unexpected ${desc}`);
  }

  private enter(): boolean {
    this.shared.steps++;
    if (++this.shared.depth > this.shared.maxDepth) {
      this.shared.depth--;
      // One message is enough: every enclosing level would otherwise repeat it.
      if (!this.shared.errors.some((e) => e.message === DEPTH_MESSAGE)) this.error(this.locOf(this.tok), DEPTH_MESSAGE);
      return false;
    }
    return true;
  }

  private leave(): void {
    this.shared.depth--;
  }

  // ------------------------------------------------------------------------------------------
  // Module level
  // ------------------------------------------------------------------------------------------

  /** module = { package | import | rules } — assembled and validated by parseModuleText. */
  parseStatements(): Statement[] {
    const stmts: Statement[] = [];
    while (this.k() !== 'eof') {
      this.cache.clear();
      const before = this.shared.errors.length;
      const stmt = this.parseStatement();
      if (stmt !== undefined && this.shared.errors.length === before) {
        stmts.push(stmt);
        continue;
      }
      if (this.shared.errors.length === before) this.illegal();
      if (this.shared.errors.length >= this.shared.maxErrors) throw new StopParsing();
      this.recover();
    }
    return stmts;
  }

  /** Skip to the next token that starts a line in column 1: the likely next statement. */
  private recover(): void {
    this.advance();
    while (this.k() !== 'eof' && !(this.tok.nlBefore && this.tok.col === 1)) this.advance();
  }

  private parseStatement(): Statement | undefined {
    if (this.at('package')) {
      const node = this.parsePackage();
      return node && { kind: 'package', node };
    }
    if (this.at('import')) {
      const node = this.parseImport();
      return node && { kind: 'import', node };
    }
    const nodes = this.parseRules();
    return nodes && { kind: 'rules', nodes };
  }

  /** package = "package" ref */
  parsePackage(): Package | undefined {
    const start = this.tok;
    this.advance();
    const t = this.tok;
    if (t.kind !== 'ident') {
      this.illegal();
      return undefined;
    }
    const path = this.parseImportPath();
    if (path === undefined) return undefined;
    const elems: Term[] = [];
    if (path.type === 'var') {
      elems.push({ type: 'string', value: path.name, loc: path.loc });
    } else {
      const head = path.head as Var;
      elems.push({ type: 'string', value: head.name, loc: head.loc });
      elems.push(...path.path);
    }
    const loc = this.span(start);
    const first = elems[0] as StringTerm;
    return { type: 'package', path: { type: 'ref', head: { type: 'var', name: 'data', loc: first.loc }, path: elems, loc: path.loc }, loc };
  }

  /**
   * import-path = word { "." word | "[" string "]" } — keywords are allowed anywhere in an
   * import or package path (`import future.keywords.in`, `package foo.if.bar`).
   */
  private parseImportPath(): Var | Ref | undefined {
    const t = this.tok;
    if (t.kind !== 'ident') {
      this.illegal('expected path');
      return undefined;
    }
    this.advance();
    const head: Var = { type: 'var', name: t.text, loc: this.locOf(t) };
    const path: Term[] = [];
    for (;;) {
      const n = this.tok;
      if (n.wsBefore) break;
      if (n.kind === '.') {
        this.advance();
        const w = this.tok;
        if (w.kind !== 'ident' || w.wsBefore) {
          this.illegal('expected ident');
          return undefined;
        }
        path.push({ type: 'string', value: w.text, loc: this.locOf(w) });
        this.advance();
      } else if (n.kind === '[') {
        this.advance();
        const s = this.tok;
        if (s.kind !== 'string') {
          const term = this.parseTermInfixCall();
          if (term !== undefined) this.error(term.loc, `unexpected ${term.type} token: expecting string`);
          return undefined;
        }
        path.push({ type: 'string', value: s.value ?? '', loc: this.locOf(s) });
        this.advance();
        if (this.k() !== ']') {
          this.illegal('expected ]');
          return undefined;
        }
        this.advance();
      } else break;
    }
    if (path.length === 0) return head;
    return { type: 'ref', head, path, loc: this.span(t) };
  }

  /** import = "import" import-path [ "as" var ] */
  parseImport(): Import | undefined {
    const start = this.tok;
    this.advance();
    const path = this.parseImportPath();
    if (path === undefined) return undefined;
    const root = path.type === 'var' ? path.name : (path.head as Var).name;
    if (root !== 'data' && root !== 'input' && root !== 'future' && root !== 'rego') {
      this.error(path.loc, `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${root}`);
      return undefined;
    }
    let alias: string | undefined;
    if (this.at('as')) {
      this.advance();
      const a = this.tok;
      if (a.kind !== 'ident' || this.isKeyword(a) || (this.peek().kind === '.' && !this.peek().wsBefore)) {
        this.illegal('expected var');
        return undefined;
      }
      alias = a.text;
      this.advance();
    } else {
      // Without an alias the imported name is the last path element; it must not be a keyword.
      const last = path.type === 'var' ? path.name : root === 'future' ? undefined : (path.path[path.path.length - 1] as StringTerm).value;
      if (last !== undefined && this.keywords.has(last) && root !== 'rego') {
        const lastLoc = path.type === 'var' ? path.loc : (path.path[path.path.length - 1] as Term).loc;
        this.error(lastLoc, `unexpected import path, must not end with a keyword, got: ${last}`);
      }
    }
    const imp: Import = { type: 'import', path, alias, loc: this.span(start) };
    if (root === 'future') this.futureImport(imp);
    if (root === 'rego') this.regoV1Import(imp);
    return imp;
  }

  /** `import future.keywords[.kw]`: enables future keywords for the rest of the module. */
  private futureImport(imp: Import): void {
    const path = imp.path;
    if (path.type === 'var' || path.path.length === 0 || (path.path[0] as StringTerm).value !== 'keywords') {
      this.error(path.loc, 'invalid import, must be `future.keywords`');
      return;
    }
    if (imp.alias !== undefined) {
      this.error(path.loc, '`future` imports cannot be aliased');
      return;
    }
    if (path.path.length === 1) {
      for (const kw of [...futureKeywords, ...experimentalKeywords]) this.enableKeyword(kw);
      return;
    }
    if (path.path.length > 2) {
      this.error(path.loc, 'invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`');
      return;
    }
    const kw = (path.path[1] as StringTerm).value;
    if (!futureKeywords.includes(kw) && !experimentalKeywords.includes(kw)) {
      this.error(path.loc, `unexpected keyword, must be one of [${[...futureKeywords, ...experimentalKeywords].sort().join(' ')}]`);
      return;
    }
    this.enableKeyword(kw);
    // Importing `every` implies `in`, as in OPA's scanner.
    if (kw === 'every') this.enableKeyword('in');
  }

  private enableKeyword(kw: string): void {
    this.keywords.add(kw);
    this.shared.imported.add(kw);
  }

  /** `import rego.v1`: in v0 mode, turns on all v1 keywords (and, later, the v1 checks). */
  regoV1Seen = false;
  private regoV1Import(imp: Import): void {
    const path = imp.path;
    if (path.type === 'var' || path.path.length !== 1 || (path.path[0] as StringTerm).value !== 'v1') {
      this.error(path.loc, `invalid import \`${refText(path)}\`, must be \`rego.v1\``);
      return;
    }
    if (imp.alias !== undefined) {
      this.error(path.loc, '`rego` imports cannot be aliased');
      return;
    }
    this.regoV1Seen = true;
    for (const kw of futureKeywords) this.keywords.add(kw);
  }

  // ------------------------------------------------------------------------------------------
  // Rules
  // ------------------------------------------------------------------------------------------

  /**
   * rules = [ "default" ] rule-head [ rule-bodies ]
   * rule-bodies = ( "if" ( "{" query "}" | literal ) | "{" query "}" ) { else } { "{" query "}" }
   * Returns the rule plus one extra rule per additional v0 body block.
   */
  parseRules(): Rule[] | undefined {
    const start = this.tok;
    let isDefault = false;
    if (this.at('default')) {
      this.advance();
      isDefault = true;
    }
    const t = this.tok;
    if (t.kind !== 'ident' || (this.isKeyword(t) && !this.refAhead() && t.text !== 'contains')) {
      if (isDefault) this.illegal('expected rule head');
      return undefined;
    }
    const parsed = this.parseRuleHead(isDefault);
    if (parsed === undefined) return undefined;
    const { head, usesContains } = parsed;
    const syntax: RuleSyntax = { hasIf: false, hasContains: usesContains, generatedBody: false };

    if (isDefault) {
      if (!this.validateDefaultRule(head, start)) return undefined;
      const rule = this.makeRule(head, this.trueBody(head.loc), true, start, syntax);
      syntax.generatedBody = true;
      return [rule];
    }

    const hasIf = this.at('if');
    const refLen = head.ref.type === 'ref' ? head.ref.path.length + 1 : 1;

    // `p[x] if …` is a single-value rule with key x (OPA: "p[x] if ... becomes a single-value rule").
    if (hasIf && !usesContains && refLen === 2 && head.value === undefined && head.args === undefined) {
      head.value = { type: 'boolean', value: true, loc: head.loc };
    }
    // v0 `p[x] { … }` / `p[x]` is a partial set rule with element x.
    if (!hasIf && !usesContains && head.args === undefined && refLen === 2 && head.value === undefined) {
      const ref = head.ref as Ref;
      head.key = ref.path[0];
      head.ref = ref.head as Var;
    }

    let body: Expr[];
    if (hasIf) {
      syntax.hasIf = true;
      this.advance();
      const b = this.parseIfBody();
      if (b === undefined) return undefined;
      body = b;
    } else if (this.k() === '{') {
      this.advance();
      const b = this.parseBody('}');
      if (b === undefined) return undefined;
      this.advance();
      body = b;
    } else if (usesContains || head.value !== undefined || head.key !== undefined || head.args !== undefined || head.ref.type === 'ref') {
      // A rule without a body: `p := 1`, `p contains 1`, `a.b.c`, `f(x) := 1`, v0 `p[x]`.
      if (head.value === undefined && head.key === undefined) head.value = { type: 'boolean', value: true, loc: head.loc };
      syntax.generatedBody = true;
      const rule = this.makeRule(head, this.trueBody(head.loc), false, start, syntax);
      return [rule];
    } else {
      this.error(head.loc, 'var cannot be used for rule name');
      return undefined;
    }
    if (head.value === undefined && head.key === undefined) head.value = { type: 'boolean', value: true, loc: head.loc };

    const rule = this.makeRule(head, body, false, start, syntax);
    if (this.at('else')) {
      if (head.ref.type === 'ref' && !isGround(head.ref)) {
        this.error(this.locOf(this.tok), 'else keyword cannot be used on rules with variables in head');
        return undefined;
      }
      if (head.key !== undefined) {
        this.error(this.locOf(this.tok), 'else keyword cannot be used on multi-value rules');
        return undefined;
      }
      const e = this.parseElse(head);
      if (e === undefined) return undefined;
      rule.else = e;
    }
    rule.loc = this.span(start);

    const rules = [rule];
    // v0: `p { a } { b }` — each extra block is another rule with the same head.
    while (this.k() === '{') {
      if (rule.else !== undefined) {
        this.error(this.locOf(this.tok), 'expected else keyword');
        return undefined;
      }
      const blockStart = this.tok;
      this.advance();
      const b = this.parseBody('}');
      if (b === undefined) return undefined;
      this.advance();
      const copy = cloneHead(head, this.locOf(blockStart));
      const next = this.makeRule(copy, b, false, blockStart, { ...syntax });
      rules.push(next);
    }
    return rules;
  }

  /** After `if`: a braced body, or a single literal (`p if x > 1`). */
  private parseIfBody(): Expr[] | undefined {
    if (this.k() === '{') {
      // `if { a }` is a body, unless the braces form a term of a longer literal (`if {1} == x`).
      const s = this.save();
      const expr = this.parseLiteral();
      if (expr !== undefined && !(expr.terms.type === 'set' && expr.with.length === 0) && expr.terms.type !== 'group' && this.endsLiteral()) return [expr];
      this.restore(s);
      this.advance();
      const b = this.parseBody('}');
      if (b === undefined) return undefined;
      this.advance();
      return b;
    }
    const expr = this.parseLiteral();
    return expr && [expr];
  }

  /** True when the current token can follow a complete single-literal body. */
  private endsLiteral(): boolean {
    const t = this.tok;
    return t.kind === 'eof' || t.nlBefore || t.kind === ';' || t.kind === '}' || this.at('else');
  }

  private makeRule(head: RuleHead, body: Expr[], isDefault: boolean, start: Token, syntax: RuleSyntax): Rule {
    head.kind = ruleKind(head);
    if (head.kind === 'partial_object') {
      const ref = head.ref as Ref;
      head.key = ref.path[ref.path.length - 1];
    }
    const rule: Rule = { type: 'rule', head, body, default: isDefault, else: undefined, annotations: [], loc: this.span(start) };
    this.shared.syntax.set(rule, syntax);
    return rule;
  }

  private trueBody(loc: Location): Expr[] {
    const t: BooleanTerm = { type: 'boolean', value: true, loc };
    return [{ type: 'expr', negated: false, terms: t, with: [], loc }];
  }

  /**
   * rule-head = ref-head [ "(" args ")" ] [ "contains" term | ( ":=" | "=" ) term ]
   * ref-head  = var { "." word | "[" term "]" }
   */
  private parseRuleHead(isDefault: boolean): { head: RuleHead; usesContains: boolean } | undefined {
    const start = this.tok;
    const first = this.parseVar();
    this.advance();
    // An operator right after the head name means this is an expression, not a rule.
    const op = this.k();
    if (binaryOps[op] !== undefined) {
      this.illegal();
      return undefined;
    }
    let target: Term = first;
    const n = this.tok;
    if ((n.kind === '.' || n.kind === '[' || n.kind === '(') && !n.wsBefore) {
      const r = this.parseRef(first, start);
      if (r === undefined) return undefined;
      target = r;
    }
    let ref: Var | Ref;
    let args: Term[] | undefined;
    if (target.type === 'var') ref = target;
    else if (target.type === 'ref') {
      if (target.head.type !== 'var') {
        this.illegal('expected rule head name');
        return undefined;
      }
      ref = target;
    } else if (target.type === 'call') {
      ref = target.operator;
      args = target.args;
    } else {
      this.illegal('expected rule head name');
      return undefined;
    }
    const name = ref.type === 'var' ? ref.name : (ref.head as Var).name;
    const head: RuleHead = { ref, name, args, key: undefined, value: undefined, assign: false, kind: 'complete', loc: this.span(start) };
    const refName = refText(ref);

    if (this.at('contains')) {
      if (args !== undefined) {
        this.illegal(`the contains keyword can only be used with multi-value rule definitions (e.g., ${refName} contains <VALUE> { ... })`);
        return undefined;
      }
      this.advance();
      const before = this.shared.errors.length;
      const key = this.parseTermInfixCall();
      if (key === undefined) {
        // Only explain the expected form when the term parse did not already say what is wrong.
        if (this.shared.errors.length === before) this.illegal(`expected rule key term (e.g., ${refName} contains <VALUE> { ... })`);
        return undefined;
      }
      head.key = key;
      head.loc = this.span(start);
      return { head, usesContains: true };
    }
    if (this.k() === '=' || this.k() === ':=') {
      head.assign = this.k() === ':=';
      this.advance();
      const before = this.shared.errors.length;
      const value = this.parseTermInfixCall();
      if (value === undefined) {
        if (this.shared.errors.length > before) return undefined;
        if (!head.assign) this.illegal(`expected rule value term (e.g., ${refName}[${refName}] = <VALUE> { ... })`);
        else if (args !== undefined) this.illegal(`expected function value term (e.g., ${refName}(...) := <VALUE> { ... })`);
        else if (isDefault) this.illegal(`expected default rule value term (e.g., default ${refName} := <VALUE>)`);
        else this.illegal(`expected rule value term (e.g., ${refName} := <VALUE> { ... })`);
        return undefined;
      }
      head.value = value;
    }
    head.loc = this.span(start);
    return { head, usesContains: false };
  }

  /** OPA's default-rule checks: a value is required and must be constant; args must be distinct vars. */
  private validateDefaultRule(head: RuleHead, start: Token): boolean {
    const loc = this.locOf(start);
    if (head.value === undefined) {
      this.error(loc, 'illegal default rule (must have a value)');
      return false;
    }
    const bad = findNonConstant(head.value);
    if (bad !== undefined) {
      this.error(loc, `illegal default rule (value cannot contain ${bad})`);
      return false;
    }
    if (head.args !== undefined) {
      const seen = new Set<string>();
      for (const a of head.args) {
        if (a.type !== 'var') {
          this.error(loc, `illegal default rule (arguments cannot contain ${a.type})`);
          return false;
        }
        if (seen.has(a.name)) {
          this.error(loc, `illegal default rule (arguments cannot be repeated ${a.name})`);
          return false;
        }
        seen.add(a.name);
      }
    }
    return true;
  }

  /** else = "else" [ ( ":=" | "=" ) term ] [ "if" ] ( "{" query "}" | literal ) */
  private parseElse(parentHead: RuleHead): Rule | undefined {
    const start = this.tok;
    const head = cloneHead(parentHead, this.locOf(start));
    head.value = undefined;
    head.assign = false;
    this.advance();
    if (this.k() === '{' || this.at('if')) {
      head.value = { type: 'boolean', value: true, loc: this.locOf(start) };
    } else if (this.k() === ':=' || this.k() === '=') {
      head.assign = this.k() === ':=';
      this.advance();
      const v = this.parseTermInfixCall();
      if (v === undefined) return undefined;
      head.value = v;
    } else {
      this.illegal('expected else value term or rule body');
      return undefined;
    }
    head.loc = this.span(start);
    const syntax: RuleSyntax = { hasIf: false, hasContains: false, generatedBody: false };
    let body: Expr[];
    const hasIf = this.at('if');
    if (!hasIf && this.k() !== '{') {
      syntax.generatedBody = true;
      body = this.trueBody(this.locOf(start));
    } else {
      if (hasIf) {
        syntax.hasIf = true;
        this.advance();
      }
      if (this.k() === '{') {
        this.advance();
        const b = this.parseBody('}');
        if (b === undefined) return undefined;
        this.advance();
        body = b;
      } else if (this.k() !== 'eof') {
        const e = this.parseLiteral();
        if (e === undefined) return undefined;
        body = [e];
      } else {
        this.illegal('rule body expected');
        return undefined;
      }
    }
    const rule = this.makeRule(head, body, false, start, syntax);
    if (this.at('else')) {
      const e = this.parseElse(parentHead);
      if (e === undefined) return undefined;
      rule.else = e;
    }
    return rule;
  }

  // ------------------------------------------------------------------------------------------
  // Bodies and literals
  // ------------------------------------------------------------------------------------------

  /** body = literal { ( ";" | newline ) literal } — ends before `end` (not consumed). */
  parseBody(end: TokenKind): Expr[] | undefined {
    if (!this.enter()) return undefined;
    try {
      return this.parseQuery(false, end);
    } finally {
      this.leave();
    }
  }

  /** query = literal { ( ";" | newline ) literal } */
  parseQuery(requireSemi: boolean, end: TokenKind): Expr[] | undefined {
    const body: Expr[] = [];
    if (this.k() === end) {
      this.error(this.locOf(this.tok), 'found empty body');
      return undefined;
    }
    for (;;) {
      const expr = this.parseLiteral();
      if (expr === undefined) return undefined;
      body.push(expr);
      if (this.k() === ';') {
        this.advance();
        continue;
      }
      if (this.k() === end || requireSemi) return body;
      if (!this.tok.nlBefore) {
        this.illegal(`expected \\n or ; or ${end === 'eof' ? 'EOF' : end}`);
        return undefined;
      }
    }
  }

  /**
   * literal = logical-or  (when `and`/`or` are imported)  |  simple-literal
   * logical-or  = logical-and { "or" logical-and }
   * logical-and = operand { "and" operand }
   * operand     = "{" query "}"  (only when followed by `and`/`or`)  |  simple-literal
   */
  parseLiteral(): Expr | undefined {
    if (!this.keywords.has('and') && !this.keywords.has('or')) return this.parseSimpleLiteral();
    return this.parseLogicalOr();
  }

  private parseLogicalOr(): Expr | undefined {
    const start = this.tok;
    let lhs = this.parseLogicalAnd(false);
    while (lhs !== undefined && this.at('or')) {
      this.advance();
      const rhs = this.parseLogicalAnd(true);
      if (rhs === undefined) return undefined;
      lhs = this.logical('or', lhs, rhs, start);
    }
    return lhs;
  }

  private parseLogicalAnd(afterOp: boolean): Expr | undefined {
    const start = this.tok;
    let lhs = this.parseOperand(afterOp);
    while (lhs !== undefined && this.at('and')) {
      this.advance();
      const rhs = this.parseOperand(true);
      if (rhs === undefined) return undefined;
      lhs = this.logical('and', lhs, rhs, start);
    }
    return lhs;
  }

  /**
   * An operand in braces is a group when an and/or follows it, or — right after an and/or —
   * when the literal ends there; otherwise it is a set or object term (`{1} == x`).
   */
  private parseOperand(afterOp: boolean): Expr | undefined {
    if (this.k() === '{') {
      const s = this.save();
      const start = this.tok;
      const group = this.parseGroup();
      if (group !== undefined && (this.at('and') || this.at('or') || (afterOp && this.endsOperand()))) {
        return { type: 'expr', negated: false, terms: group, with: [], loc: this.span(start) };
      }
      this.restore(s);
    }
    return this.parseSimpleLiteral();
  }

  /** True at a token that can end an and/or operand. */
  private endsOperand(): boolean {
    const k = this.k();
    return k === 'eof' || this.tok.nlBefore || k === ';' || k === '}' || k === ']' || k === ')' || this.at('with') || this.at('else');
  }

  /** group = "{" query "}" */
  private parseGroup(): Group | undefined {
    const start = this.tok;
    this.advance();
    const body = this.parseBody('}');
    if (body === undefined || this.k() !== '}') return undefined;
    this.advance();
    return { type: 'group', body, loc: this.span(start) };
  }

  private logical(op: 'and' | 'or', lhs: Expr, rhs: Expr, start: Token): Expr {
    const loc = this.span(start);
    return { type: 'expr', negated: false, terms: { type: op, lhs: operandBody(lhs), rhs: operandBody(rhs), loc }, with: [], loc };
  }

  /** simple-literal = ( [ "not" ] ( expr | group ) | some-decl | every ) { with } */
  private parseSimpleLiteral(): Expr | undefined {
    const start = this.tok;
    let negated = false;
    if (this.at('not')) {
      this.advance();
      negated = true;
      // `not { … }` negates a whole body under `import future.keywords.not`.
      if (this.k() === '{' && this.shared.imported.has('not')) {
        const s = this.save();
        const group = this.parseGroup();
        if (group !== undefined) return this.finishDecl(group, start, true);
        this.restore(s);
      }
    }
    if (this.at('some')) {
      if (negated) {
        this.illegal("illegal negation of 'some'");
        return undefined;
      }
      return this.parseSome();
    }
    if (this.at('every')) {
      if (negated) {
        this.illegal("illegal negation of 'every'");
        return undefined;
      }
      return this.parseEvery();
    }
    const terms = this.parseExpr();
    if (terms === undefined) return undefined;
    const expr: Expr = { type: 'expr', negated, terms, with: [], loc: this.span(start) };
    if (this.at('with')) {
      const w = this.parseWiths();
      if (w === undefined) return undefined;
      expr.with = w;
      expr.loc = this.span(start);
    }
    return expr;
  }

  /** expr = term-in [ ( ":=" | "=" ) term-in ] */
  private parseExpr(): ExprTerms | undefined {
    const start = this.tok;
    const lhs = this.parseTermInfixCall();
    if (lhs === undefined) return undefined;
    const op = this.k();
    if (op === ':=' || op === '=') {
      this.advance();
      const rhs = this.parseTermInfixCall();
      if (rhs === undefined) return undefined;
      return { type: op === ':=' ? 'assign' : 'unify', lhs, rhs, loc: this.span(start) };
    }
    return lhs;
  }

  /** with = "with" ref "as" term-in { "with" ref "as" term-in } */
  private parseWiths(): With[] | undefined {
    const out: With[] = [];
    while (this.at('with')) {
      const start = this.tok;
      this.advance();
      if (this.k() !== 'ident') {
        this.illegal('expected ident');
        return undefined;
      }
      const target = this.parseTerm();
      if (target === undefined) return undefined;
      if (target.type !== 'ref' && target.type !== 'var') {
        this.error(target.loc, 'unexpected token: expected with target path');
        return undefined;
      }
      if (!this.at('as')) {
        this.illegal('expected as keyword');
        return undefined;
      }
      this.advance();
      const value = this.parseTermInfixCall();
      if (value === undefined) return undefined;
      out.push({ type: 'with', target, value, loc: this.span(start) });
    }
    return out;
  }

  /** some-decl = "some" ( term-in | var { "," var } ) — the term must be `x in xs` or `k, v in xs`. */
  private parseSome(): Expr | undefined {
    const start = this.tok;
    this.advance();
    const s = this.save();
    const term = this.parseTermInfixCall();
    if (term !== undefined && term.type === 'call') {
      const name = callName(term);
      let decl: SomeIn;
      if (name === MEMBER && term.infix !== undefined) {
        decl = { type: 'somein', key: undefined, value: term.args[0] as Term, collection: term.args[1] as Term, loc: this.span(start) };
      } else if (name === MEMBER_WITH_KEY && term.infix !== undefined) {
        decl = { type: 'somein', key: term.args[0], value: term.args[1] as Term, collection: term.args[2] as Term, loc: this.span(start) };
      } else {
        this.error(term.loc, 'unexpected call token: expected `x in xs` or `x, y in xs` expression');
        return undefined;
      }
      return this.finishDecl(decl, start);
    }
    this.restore(s);
    const vars: Var[] = [];
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'ident' || this.isKeyword(t)) {
        this.illegal('expected var');
        return undefined;
      }
      vars.push(this.parseVar());
      this.advance();
      if (this.k() !== ',') break;
      this.advance();
    }
    const decl: SomeDecl = { type: 'some', vars, loc: this.span(start) };
    return { type: 'expr', negated: false, terms: decl, with: [], loc: this.span(start) };
  }

  private finishDecl(decl: SomeIn | Every | Group, start: Token, negated = false): Expr | undefined {
    const expr: Expr = { type: 'expr', negated, terms: decl, with: [], loc: this.span(start) };
    if (this.at('with')) {
      const w = this.parseWiths();
      if (w === undefined) return undefined;
      expr.with = w;
      expr.loc = this.span(start);
    }
    return expr;
  }

  /** every = "every" [ var "," ] var "in" term "{" query "}" */
  private parseEvery(): Expr | undefined {
    const start = this.tok;
    this.advance();
    const term = this.parseTermInfixCall();
    if (term === undefined) return undefined;
    const name = term.type === 'call' && term.infix !== undefined ? callName(term) : undefined;
    if (term.type !== 'call' || (name !== MEMBER && name !== MEMBER_WITH_KEY)) {
      this.illegal('expected `x[, y] in xs { ... }` expression');
      return undefined;
    }
    let key: Term | undefined;
    let value: Term;
    let domain: Term;
    if (name === MEMBER) {
      value = term.args[0] as Term;
      domain = term.args[1] as Term;
    } else {
      key = term.args[0] as Term;
      value = term.args[1] as Term;
      domain = term.args[2] as Term;
      if (key.type !== 'var') {
        this.illegal('expected key to be a variable');
        return undefined;
      }
    }
    if (value.type !== 'var') {
      this.illegal('expected value to be a variable');
      return undefined;
    }
    if (this.k() !== '{') {
      this.illegal('missing body');
      return undefined;
    }
    this.advance();
    const body = this.parseBody('}');
    if (body === undefined) return undefined;
    this.advance();
    const every: Every = { type: 'every', key: key as Var | undefined, value, domain, body, loc: this.span(start) };
    return this.finishDecl(every, start);
  }

  // ------------------------------------------------------------------------------------------
  // Terms with operators
  // ------------------------------------------------------------------------------------------

  /** term-in (key-value form allowed): `x in xs`, `k, v in xs`, or a relation. */
  parseTermInfixCall(): Term | undefined {
    return this.parseTermIn(true);
  }

  /** term-in inside lists, where a comma separates elements. */
  private parseTermInfixCallInList(): Term | undefined {
    return this.parseTermIn(false);
  }

  /**
   * term-in = relation [ "," relation ] { "in" relation }  — `in` binds loosest of all
   * operators; the `k, v in xs` form is tried only where a comma cannot mean anything else.
   */
  private parseTermIn(keyVal: boolean): Term | undefined {
    const start = this.tok;
    let lhs = this.parseBinary(1);
    if (lhs === undefined) return undefined;
    if (keyVal && this.k() === ',') {
      const s = this.save();
      this.advance();
      const mhs = this.parseBinary(1);
      if (mhs !== undefined && this.at('in')) {
        const opTok = this.tok;
        this.advance();
        const rhs = this.parseBinary(1);
        if (rhs !== undefined) {
          lhs = this.infixCall(MEMBER_WITH_KEY, 'in', opTok, [lhs, mhs, rhs], start);
        } else this.restore(s);
      } else this.restore(s);
    }
    while (this.at('in')) {
      const opTok = this.tok;
      this.advance();
      const rhs = this.parseBinary(1);
      if (rhs === undefined) return undefined;
      lhs = this.infixCall(MEMBER, 'in', opTok, [lhs, rhs], start);
    }
    return lhs;
  }

  /** Precedence climbing over relation / `|` / `&` / arith / factor; all left-associative. */
  private parseBinary(minPrec: number): Term | undefined {
    const start = this.tok;
    let lhs = this.parseTerm();
    if (lhs === undefined) return undefined;
    for (;;) {
      const op = binaryOps[this.k()];
      if (op === undefined || op.prec < minPrec) return lhs;
      const opTok = this.tok;
      this.advance();
      const rhs = this.parseBinary(op.prec + 1);
      if (rhs === undefined) return undefined;
      lhs = this.infixCall(op.name, opTok.kind, opTok, [lhs, rhs], start);
    }
  }

  private infixCall(name: string, infix: string, opTok: Token, args: Term[], start: Token): Call {
    const opLoc = this.locOf(opTok);
    let operator: Var | Ref;
    const dot = name.indexOf('.');
    if (dot < 0) operator = { type: 'var', name, loc: opLoc };
    else {
      const [head, ...rest] = name.split('.');
      operator = { type: 'ref', head: { type: 'var', name: head as string, loc: opLoc }, path: rest.map((p) => ({ type: 'string', value: p, loc: opLoc })), loc: opLoc };
    }
    return { type: 'call', operator, args, infix, loc: this.span(start) };
  }

  // ------------------------------------------------------------------------------------------
  // Terms
  // ------------------------------------------------------------------------------------------

  /**
   * term = ( scalar | var | array | set-or-object | template | "(" term-in ")" ) { ref-suffix }
   * Memoised by position (see `cache`).
   */
  parseTerm(): Term | undefined {
    // Only terms that open a bracket are worth memoising: they are what makes nested
    // backtracking exponential; re-reading a name or a number is cheaper than a map entry.
    const k = this.k();
    const memo = k === '{' || k === '[' || k === '(' || k === 'template';
    if (memo) {
      const cached = this.cache.get(this.i);
      if (cached !== undefined) {
        this.i = cached.end;
        this.shared.wildcard = cached.wildcard;
        return cached.term;
      }
    }
    if (!this.enter()) return undefined;
    const startIndex = this.i;
    const errorsBefore = this.shared.errors.length;
    try {
      const term = this.parseTermUncached();
      if (memo && term !== undefined && this.shared.errors.length === errorsBefore) {
        this.cache.set(startIndex, { term, end: this.i, wildcard: this.shared.wildcard });
      }
      return term;
    } finally {
      this.leave();
    }
  }

  private parseTermUncached(): Term | undefined {
    const t = this.tok;
    let term: Term | undefined;
    switch (t.kind) {
      case 'ident':
        // `contains`, `and`, `or` are keywords only in rule heads / between literals (OPA
        // lets `contains(s, x)` and `or(a, b)` stay calls).
        if (this.refAhead() || t.text === 'contains' || t.text === 'and' || t.text === 'or' || !this.keywords.has(t.text)) {
          term = this.parseVar();
          this.advance();
        } else if (t.text === 'null') {
          term = { type: 'null', loc: this.locOf(t) };
          this.advance();
        } else if (t.text === 'true' || t.text === 'false') {
          term = { type: 'boolean', value: t.text === 'true', loc: this.locOf(t) };
          this.advance();
        } else {
          this.illegal();
          return undefined;
        }
        break;
      case 'number':
      case '-':
      case '.':
        term = this.parseNumber();
        break;
      case 'string':
        term = { type: 'string', value: t.value ?? '', loc: this.locOf(t) };
        if (t.raw === true) term.raw = true;
        this.advance();
        break;
      case 'template':
        term = this.parseTemplateString();
        break;
      case '[':
        term = this.parseArray();
        break;
      case '{':
        term = this.parseSetOrObject();
        break;
      case '(': {
        this.advance();
        const inner = this.parseTermInfixCall();
        if (inner === undefined) return undefined;
        if (this.k() !== ')') {
          this.error(this.locOf(this.tok), 'non-terminated expression');
          return undefined;
        }
        this.advance();
        term = inner;
        break;
      }
      default:
        this.illegal();
        return undefined;
    }
    if (term === undefined) return undefined;
    const n = this.tok;
    if ((n.kind === '.' || n.kind === '[' || n.kind === '(') && !n.wsBefore) return this.parseRef(term, t);
    return term;
  }

  /** var = ident; `_` becomes a fresh wildcard `$n`. */
  private parseVar(): Var {
    const t = this.tok;
    if (t.text === '_') return { type: 'var', name: `$${this.shared.wildcard++}`, wildcard: true, loc: this.locOf(t) };
    return { type: 'var', name: t.text, loc: this.locOf(t) };
  }

  /** ref-suffix = "." word | "[" term-in "]" | "(" [ term-list ] ")" — no whitespace before. */
  private parseRef(head: Term, start: Token): Term | undefined {
    switch (head.type) {
      case 'var':
      case 'array':
      case 'object':
      case 'set':
      case 'arraycomprehension':
      case 'objectcomprehension':
      case 'setcomprehension':
      case 'call':
        break;
      default:
        this.error(head.loc, `illegal ref (head cannot be ${head.type})`);
        return undefined;
    }
    let current: Term = head;
    let path: Term[] = [];
    const flush = (): Term => (path.length === 0 ? current : { type: 'ref', head: current, path, loc: this.span(start) });
    for (;;) {
      const t = this.tok;
      if (t.wsBefore) return flush();
      if (t.kind === '.') {
        this.advance();
        const w = this.tok;
        if (w.kind !== 'ident' || w.wsBefore) {
          this.illegal('expected ident');
          return undefined;
        }
        path.push({ type: 'string', value: w.text, loc: this.locOf(w) });
        this.advance();
      } else if (t.kind === '[') {
        this.advance();
        const idx = this.parseTermInfixCall();
        if (idx === undefined) return undefined;
        if (this.k() !== ']') {
          this.illegal('expected ]');
          return undefined;
        }
        this.advance();
        path.push(idx);
      } else if (t.kind === '(') {
        const op = flush();
        if (op.type !== 'var' && op.type !== 'ref') {
          this.error(op.loc, `illegal call (operator cannot be ${op.type})`);
          return undefined;
        }
        const call = this.parseCall(op, start);
        if (call === undefined) return undefined;
        current = call;
        path = [];
      } else return flush();
    }
  }

  /** call = operator "(" [ term-list ] ")"; `set()` is the empty set. */
  private parseCall(operator: Var | Ref, start: Token): Term | undefined {
    this.advance(); // (
    if (this.k() === ')') {
      this.advance();
      if (operator.type === 'var' && operator.name === 'set') return { type: 'set', items: [], loc: this.span(start) };
      return { type: 'call', operator, args: [], loc: this.span(start) };
    }
    const args = this.parseTermList(')');
    if (args === undefined) return undefined;
    this.advance();
    return { type: 'call', operator, args, loc: this.span(start) };
  }

  /** number = [ "-" ] ( digits [ "." digits ] | "." digits ) [ exponent ] */
  private parseNumber(): NumberTerm | undefined {
    const start = this.tok;
    let prefix = '';
    if (this.k() === '-') {
      prefix = '-';
      this.advance();
      if (this.k() !== 'number' && this.k() !== '.') {
        this.illegal('expected number');
        return undefined;
      }
    }
    if (this.k() === '.') {
      prefix += '0.';
      this.advance();
      if (this.k() !== 'number' || this.tok.wsBefore || !/^\d+$/.test(this.tok.text)) {
        this.illegal('expected number');
        return undefined;
      }
    }
    const lit = this.tok;
    if (lit.kind !== 'number') {
      this.illegal('expected number');
      return undefined;
    }
    const text = lit.text;
    if (!prefix.endsWith('.') && text.length > 1 && text[0] === '0') {
      const c1 = text[1];
      if (c1 !== '.' && !(text.length > 2 && (c1 === 'e' || c1 === 'E'))) {
        this.illegal('expected number without leading zero');
        return undefined;
      }
    }
    this.advance();
    const raw = prefix + text;
    const value = numberValue(raw);
    if (value === undefined) {
      this.error(this.locOf(lit), 'number too big');
      return undefined;
    }
    return { type: 'number', raw, value, loc: this.span(start) };
  }

  /** array = "[" [ term-list | term "|" query ] "]" */
  private parseArray(): Term | undefined {
    const start = this.tok;
    this.advance();
    if (this.k() === ']') {
      this.advance();
      return { type: 'array', items: [], loc: this.span(start) };
    }
    let potentialComprehension = true;
    // A leading comma (`[, x]`) is accepted for backwards compatibility, as in OPA.
    if (this.k() === ',') {
      potentialComprehension = false;
      this.advance();
    }
    const s = this.save();
    // Parse a single term first so `[x | body]` is a comprehension, not `x | body` (set union).
    const head = this.parseTerm();
    if (head === undefined) return undefined;
    switch (this.k()) {
      case ']':
        this.advance();
        return { type: 'array', items: [head], loc: this.span(start) };
      case ',': {
        this.advance();
        const rest = this.parseTermList(']', [head]);
        if (rest === undefined) return undefined;
        this.advance();
        return { type: 'array', items: rest, loc: this.span(start) };
      }
      case '|':
        if (potentialComprehension) {
          this.advance();
          const body = this.parseBody(']');
          if (body !== undefined) {
            this.advance();
            return { type: 'arraycomprehension', term: head, body, loc: this.span(start) };
          }
          if (this.k() !== ',') return undefined;
        }
        break;
      default:
        break;
    }
    this.restore(s);
    const items = this.parseTermList(']');
    if (items === undefined) return undefined;
    this.advance();
    const arr: ArrayTerm = { type: 'array', items, loc: this.span(start) };
    return arr;
  }

  /** set-or-object = "{" [ term-list | pair-list | term "|" query | term ":" term "|" query ] "}" */
  private parseSetOrObject(): Term | undefined {
    const start = this.tok;
    this.advance();
    if (this.k() === '}') {
      this.advance();
      return { type: 'object', items: [], loc: this.span(start) };
    }
    let potentialComprehension = true;
    if (this.k() === ',') {
      potentialComprehension = false;
      this.advance();
    }
    const s = this.save();
    let head = this.parseTerm();
    if (head === undefined) return undefined;
    switch (this.k()) {
      case '|':
        if (potentialComprehension) return this.parseSet(s, head, true, start);
        break;
      case '}':
      case ',':
        return this.parseSet(s, head, potentialComprehension, start);
      case ':':
        return this.parseObject(head, potentialComprehension, start);
      default:
        break;
    }
    this.restore(s);
    head = this.parseTermInfixCallInList();
    if (head === undefined) return undefined;
    switch (this.k()) {
      case '}':
      case ',':
        return this.parseSet(s, head, false, start);
      case ':':
        return this.parseObject(head, potentialComprehension, start);
      default:
        this.illegal('non-terminated set');
        return undefined;
    }
  }

  private parseSet(s: SavedState, head: Term, potentialComprehension: boolean, start: Token): Term | undefined {
    switch (this.k()) {
      case '}':
        this.advance();
        return { type: 'set', items: [head], loc: this.span(start) };
      case ',': {
        this.advance();
        const items = this.parseTermList('}', [head]);
        if (items === undefined) return undefined;
        this.advance();
        return { type: 'set', items, loc: this.span(start) };
      }
      case '|': {
        if (potentialComprehension) {
          this.advance();
          const body = this.parseBody('}');
          if (body !== undefined) {
            this.advance();
            return { type: 'setcomprehension', term: head, body, loc: this.span(start) };
          }
          if (this.k() !== ',') return undefined;
        }
        this.restore(s);
        const items = this.parseTermList('}');
        if (items === undefined) return undefined;
        this.advance();
        return { type: 'set', items, loc: this.span(start) };
      }
      default:
        return undefined;
    }
  }

  private parseObject(key: Term, potentialComprehension: boolean, start: Token): Term | undefined {
    this.advance(); // :
    const s = this.save();
    // First try the value as a single term, which is what `{k: v | body}` needs.
    const v = this.parseTerm();
    if (v === undefined) return undefined;
    let potentialRelation = true;
    if (potentialComprehension) {
      const k = this.k();
      if (k === '}' || k === ',' || k === '|') {
        if (k !== '|') potentialRelation = false;
        const r = this.parseObjectFinish(key, v, true, start);
        if (r !== undefined) return r;
      }
    }
    this.restore(s);
    if (potentialRelation) {
      const v2 = this.parseTermInfixCallInList();
      if (v2 === undefined) return undefined;
      if (this.k() === '}' || this.k() === ',') return this.parseObjectFinish(key, v2, false, start);
    }
    this.illegal('non-terminated object');
    return undefined;
  }

  private parseObjectFinish(key: Term, value: Term, potentialComprehension: boolean, start: Token): Term | undefined {
    switch (this.k()) {
      case '}':
        this.advance();
        return { type: 'object', items: [{ key, value }], loc: this.span(start) };
      case '|':
        if (potentialComprehension) {
          this.advance();
          const body = this.parseBody('}');
          if (body === undefined) return undefined;
          this.advance();
          return { type: 'objectcomprehension', key, value, body, loc: this.span(start) };
        }
        this.illegal('non-terminated object');
        return undefined;
      case ',': {
        this.advance();
        const items = this.parsePairList('}', [{ key, value }]);
        if (items === undefined) return undefined;
        this.advance();
        return { type: 'object', items, loc: this.span(start) };
      }
      default:
        return undefined;
    }
  }

  /** term-list = term-in { "," term-in } [ "," ] — stops at `end` (not consumed). */
  private parseTermList(end: TokenKind, items: Term[] = []): Term[] | undefined {
    if (this.k() === end) return items;
    for (;;) {
      const term = this.parseTermInfixCallInList();
      if (term === undefined) return undefined;
      items.push(term);
      if (this.k() === end) return items;
      if (this.k() !== ',') {
        this.illegal(`expected "," or "${end}"`);
        return undefined;
      }
      this.advance();
      if (this.k() === end) return items;
    }
  }

  /** pair-list = term-in ":" term-in { "," term-in ":" term-in } [ "," ] */
  private parsePairList(end: TokenKind, items: ObjectItem[]): ObjectItem[] | undefined {
    if (this.k() === end) return items;
    for (;;) {
      const key = this.parseTermInfixCallInList();
      if (key === undefined) return undefined;
      if (this.k() !== ':') {
        this.illegal('expected ":"');
        return undefined;
      }
      this.advance();
      const value = this.parseTermInfixCallInList();
      if (value === undefined) return undefined;
      items.push({ key, value });
      if (this.k() === end) return items;
      if (this.k() !== ',') {
        this.illegal(`expected "," or "${end}"`);
        return undefined;
      }
      this.advance();
      if (this.k() === end) return items;
    }
  }

  /** template = `$"` { text | "{" literal "}" } `"` (or the backtick form). */
  private parseTemplateString(): TemplateString | undefined {
    const t = this.tok;
    const parts: Array<StringTerm | Expr> = [];
    for (const part of t.parts ?? []) {
      if (part.kind === 'text') {
        parts.push({ type: 'string', value: part.value, loc: { file: this.shared.file, row: part.row, col: part.col, offset: part.offset, end: part.end } });
        continue;
      }
      const sub = new Parser(part.tokens, this.shared, this.keywords);
      const expr = sub.parseTemplateExpr();
      if (expr === undefined) return undefined;
      parts.push(expr);
    }
    this.advance();
    return { type: 'templatestring', parts, multiLine: t.raw === true, loc: this.locOf(t) };
  }

  /** The literal inside a template's `{…}`: no negation, assignment, unification, some or every. */
  parseTemplateExpr(): Expr | undefined {
    if (this.k() === 'eof') {
      this.error(this.locOf(this.tok), 'invalid template-string expression');
      return undefined;
    }
    const expr = this.parseLiteral();
    if (expr === undefined) return undefined;
    const kind = expr.terms.type;
    let bad: string | undefined;
    if (expr.negated) bad = "unexpected negation ('not') in template-string expression";
    else if (kind === 'unify') bad = "unexpected unification ('=') in template-string expression";
    else if (kind === 'assign') bad = "unexpected assignment (':=') in template-string expression";
    else if (kind === 'every') bad = "unexpected 'every' in template-string expression";
    else if (kind === 'some' || kind === 'somein') bad = "unexpected 'some' in template-string expression";
    if (bad !== undefined) {
      this.error(expr.loc, bad);
      return undefined;
    }
    if (this.k() !== 'eof') {
      this.error(this.locOf(this.tok), 'expected } to end template string expression');
      return undefined;
    }
    return expr;
  }

  /** True when every token has been consumed (used by parseQuery/parseTerm entry points). */
  atEnd(): boolean {
    return this.k() === 'eof';
  }

  /** Report the current token as unexpected (entry points use this for trailing input). */
  unexpected(): void {
    this.illegal();
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/**
 * Parse a number literal's text to value.ts's representation. Floats beyond float64 range
 * become ±Infinity (OPA keeps big floats; `raw` stays exact); undefined when the decimal
 * exponent is beyond OPA's limit (its "number too big").
 */
function numberValue(raw: string): number | bigint | undefined {
  const e = raw.search(/[eE]/);
  if (e < 0 && !raw.includes('.')) {
    const n = BigInt(raw);
    return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
  }
  const f = Number(raw);
  if (e >= 0) {
    const exp = Number(raw.slice(e + 1));
    // OPA limits the binary exponent to 1e5, about 30103 decimal digits.
    if (!Number.isFinite(exp) || Math.abs(exp) - raw.length > 30000) return undefined;
  }
  return f;
}

/** The body an and/or operand stands for: a group's expressions, or the literal itself. */
function operandBody(e: Expr): Expr[] {
  return e.terms.type === 'group' && !e.negated ? e.terms.body : [e];
}

/** The dotted name of a call's operator (`internal.member_2`), if it is a plain name. */
function callName(c: Call): string | undefined {
  const op = c.operator;
  if (op.type === 'var') return op.name;
  if (op.head.type !== 'var') return undefined;
  let s = op.head.name;
  for (const p of op.path) {
    if (p.type !== 'string') return undefined;
    s += '.' + p.value;
  }
  return s;
}

/** Source-like text of a ref for messages (`a.b[c]`). */
function refText(t: Var | Ref): string {
  if (t.type === 'var') return t.name;
  let s = t.head.type === 'var' ? t.head.name : '<term>';
  for (const p of t.path) {
    if (p.type === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.value)) s += '.' + p.value;
    else if (p.type === 'var') s += `[${p.name}]`;
    else if (p.type === 'string') s += `[${JSON.stringify(p.value)}]`;
    else if (p.type === 'number') s += `[${p.raw}]`;
    else s += '[...]';
  }
  return s;
}

/** Ground = contains no vars, refs, calls or comprehensions. */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isGround);
    case 'object':
      return t.items.every((it) => isGround(it.key) && isGround(it.value));
    case 'ref':
      // A rule-head ref is ground when all its path elements are (its head is the rule name).
      return t.head.type === 'var' && t.path.every(isGround);
    default:
      return false;
  }
}

function ruleKind(head: RuleHead): RuleKind {
  if (head.args !== undefined) return 'function';
  if (head.value === undefined && head.key !== undefined) return 'partial_set';
  if (head.ref.type === 'ref' && !isGround(head.ref)) return 'partial_object';
  return 'complete';
}

/** What makes a default value non-constant (OPA: refs, vars, calls outside comprehensions). */
function findNonConstant(t: Term): string | undefined {
  switch (t.type) {
    case 'var':
    case 'ref':
    case 'call':
      return t.type;
    case 'array':
    case 'set':
      for (const x of t.items) {
        const r = findNonConstant(x);
        if (r !== undefined) return r;
      }
      return undefined;
    case 'object':
      for (const it of t.items) {
        const r = findNonConstant(it.key) ?? findNonConstant(it.value);
        if (r !== undefined) return r;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** A copy of a head for else-branches and extra v0 bodies (the AST is a tree: no sharing). */
function cloneHead(head: RuleHead, loc: Location): RuleHead {
  return structuredClone({ ...head, loc });
}

// ---------------------------------------------------------------------------------------------
// Rego v1 checks (OPA's checkRegoV1 for rules)
// ---------------------------------------------------------------------------------------------

function checkRegoV1Rules(rules: Rule[], syntax: WeakMap<Rule, RuleSyntax>, errors: ParseErrorDetail[]): void {
  const check = (rule: Rule): void => {
    const s = syntax.get(rule);
    if (s === undefined) return;
    const what = rule.head.args !== undefined ? 'function' : 'rule';
    if (!s.generatedBody && !s.hasIf && !rule.default) {
      errors.push({ message: `\`if\` keyword is required before ${what} body`, loc: rule.loc });
    }
    if (rule.head.kind === 'partial_set' && !s.hasContains) {
      errors.push({ message: '`contains` keyword is required for partial set rules', loc: rule.loc });
    }
    if (rule.else !== undefined) check(rule.else);
  };
  for (const r of rules) check(r);
}

// ---------------------------------------------------------------------------------------------
// Annotations (# METADATA blocks)
// ---------------------------------------------------------------------------------------------

interface MetadataBlock {
  loc: Location;
  lastRow: number;
  lines: string[];
}

/** Group comments into METADATA blocks: a `# METADATA` line and the column-1 comments right after it. */
function metadataBlocks(comments: Comment[]): MetadataBlock[] {
  const blocks: MetadataBlock[] = [];
  let cur: MetadataBlock | undefined;
  let prevRow = -1;
  for (const c of comments) {
    if (cur !== undefined) {
      if (c.loc.row === prevRow + 1 && c.loc.col === 1) {
        cur.lines.push(c.text.startsWith(' ') ? c.text.slice(1) : c.text);
        cur.lastRow = c.loc.row;
        prevRow = c.loc.row;
        continue;
      }
      cur = undefined;
    }
    if (c.text.trim().startsWith('METADATA')) {
      cur = { loc: c.loc, lastRow: c.loc.row, lines: [] };
      blocks.push(cur);
    }
    prevRow = c.loc.row;
  }
  return blocks;
}

function parseAuthor(a: unknown): Author | string {
  if (typeof a === 'string') {
    const parts = a.split(/\s+/).filter((p) => p.length > 0);
    if (parts.length === 0) return 'author is an empty string';
    const last = parts[parts.length - 1] as string;
    if (last.length >= 2 && last.startsWith('<') && last.endsWith('>')) {
      const out: Author = { email: last.slice(1, -1) };
      const name = parts.slice(0, -1).join(' ');
      if (name.length > 0) out.name = name;
      return out;
    }
    return { name: parts.join(' ') };
  }
  if (a !== null && typeof a === 'object' && !Array.isArray(a)) {
    const o = a as Record<string, unknown>;
    const name = typeof o['name'] === 'string' ? o['name'].trim() : '';
    const email = typeof o['email'] === 'string' ? o['email'].trim() : '';
    if (name.length === 0 && email.length === 0) return "'name' and/or 'email' values required in object";
    const out: Author = {};
    if (name.length > 0) out.name = name;
    if (email.length > 0) out.email = email;
    return out;
  }
  return 'invalid value type, must be string or map';
}

function parseRelatedResource(r: unknown): RelatedResource | string {
  if (typeof r === 'string') {
    if (r.length === 0) return 'ref URL may not be empty string';
    return { ref: r };
  }
  if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
    const o = r as Record<string, unknown>;
    const ref = typeof o['ref'] === 'string' ? o['ref'].trim() : '';
    if (ref.length === 0) return "'ref' value required in object";
    const out: RelatedResource = { ref };
    const d = typeof o['description'] === 'string' ? o['description'].trim() : '';
    if (d.length > 0) out.description = d;
    return out;
  }
  return 'invalid value type, must be string or map';
}

const scopes: ReadonlySet<string> = new Set(['package', 'subpackages', 'rule', 'document']);

/** Parse one block's YAML into Annotations (scope resolved later); a string is an error message. */
function parseMetadataBlock(b: MetadataBlock): Annotations | string {
  const text = b.lines.join('\n');
  if (text.trim().length === 0) return 'expected METADATA block, found whitespace';
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return e instanceof YAMLError ? `yaml: ${e.message.split('\n')[0] ?? ''}` : 'yaml: invalid METADATA block';
  }
  if (doc === null || doc === undefined) return 'expected METADATA block, found whitespace';
  if (typeof doc !== 'object' || Array.isArray(doc)) return 'yaml: METADATA block must be a mapping';
  const raw: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  const a: Annotations = { scope: 'rule', raw, loc: b.loc };
  const scope = raw['scope'];
  if (scope !== undefined) {
    if (typeof scope !== 'string' || !scopes.has(scope)) return `invalid annotation scope '${String(scope)}'`;
    a.scope = scope as AnnotationScope;
  }
  if (typeof raw['title'] === 'string') a.title = raw['title'];
  if (typeof raw['description'] === 'string') a.description = raw['description'];
  if (Array.isArray(raw['organizations'])) a.organizations = raw['organizations'].map(String);
  if (raw['entrypoint'] === true) a.entrypoint = true;
  if (Array.isArray(raw['schemas'])) a.schemas = raw['schemas'] as unknown[];
  if (raw['custom'] !== null && typeof raw['custom'] === 'object' && !Array.isArray(raw['custom'])) a.custom = raw['custom'] as Record<string, unknown>;
  if (raw['authors'] !== undefined) {
    const list = Array.isArray(raw['authors']) ? raw['authors'] : [raw['authors']];
    const authors: Author[] = [];
    for (const x of list) {
      const r = parseAuthor(x);
      if (typeof r === 'string') return `invalid author definition ${JSON.stringify(x)}: ${r}`;
      authors.push(r);
    }
    a.authors = authors;
    raw['authors'] = authors;
  }
  if (raw['related_resources'] !== undefined) {
    const list = Array.isArray(raw['related_resources']) ? raw['related_resources'] : [raw['related_resources']];
    const rrs: RelatedResource[] = [];
    for (const x of list) {
      const r = parseRelatedResource(x);
      if (typeof r === 'string') return `invalid related-resource definition ${JSON.stringify(x)}: ${r}`;
      rrs.push(r);
    }
    a.relatedResources = rrs;
    raw['related_resources'] = rrs;
  }
  return a;
}

/**
 * Parse METADATA blocks and attach each to the statement that follows it: the package
 * (default scope `package`) or a rule (default scope `rule`).
 */
function attachAnnotations(mod: Module, comments: Comment[], errors: ParseErrorDetail[]): void {
  const blocks = metadataBlocks(comments);
  if (blocks.length === 0) return;
  const stmts: Array<{ row: number; pkg?: Package; rule?: Rule }> = [{ row: mod.package.loc.row, pkg: mod.package }];
  for (const r of mod.rules) stmts.push({ row: r.loc.row, rule: r });
  stmts.sort((x, y) => x.row - y.row);
  for (const b of blocks) {
    const a = parseMetadataBlock(b);
    if (typeof a === 'string') {
      errors.push({ message: a, loc: b.loc });
      continue;
    }
    const next = stmts.find((s) => s.row > b.lastRow);
    const explicit = a.raw['scope'] !== undefined;
    if (next?.pkg !== undefined) {
      if (!explicit) a.scope = 'package';
      if (a.scope !== 'package' && a.scope !== 'subpackages') {
        errors.push({ message: `annotation scope '${a.scope}' must be applied to rule (have package)`, loc: b.loc });
        continue;
      }
    } else if (next?.rule !== undefined) {
      if (a.scope === 'package' || a.scope === 'subpackages') {
        errors.push({ message: `annotation scope '${a.scope}' must be applied to package`, loc: b.loc });
        continue;
      }
      next.rule.annotations.push(a);
    } else if (!explicit || a.scope === 'rule' || a.scope === 'document') {
      errors.push({ message: `annotation scope '${a.scope}' must be applied to rule`, loc: b.loc });
      continue;
    }
    a.raw['scope'] = a.scope;
    mod.annotations.push(a);
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

function newShared(options: ParseOptions | undefined): Shared {
  return {
    file: options?.file ?? '',
    errors: [],
    maxErrors: options?.maxErrors ?? DEFAULT_MAX_ERRORS,
    maxDepth: options?.maxDepth ?? DEFAULT_MAX_DEPTH,
    wildcard: 0,
    depth: 0,
    steps: 0,
    syntax: new WeakMap(),
    imported: new Set(),
  };
}

function keywordsFor(version: RegoVersion): Set<string> {
  const kws = new Set(baseKeywords);
  if (version === 'v1') for (const k of futureKeywords) kws.add(k);
  return kws;
}

/**
 * Run `fn` so that nothing but RegoParseError escapes: the error limit unwinds via StopParsing,
 * and a JS stack overflow (only reachable with a very large maxDepth) becomes a parse error.
 * The steps taken are added to `stats`, however the parse ends.
 */
function guarded<T>(shared: Shared, stats: ParseStats | undefined, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StopParsing) return undefined;
    if (e instanceof RangeError) {
      shared.errors.push({ message: DEPTH_MESSAGE, loc: { file: shared.file, row: 1, col: 1, offset: 0 } });
      return undefined;
    }
    throw e;
  } finally {
    if (stats) stats.steps += shared.steps;
  }
}

/** Parse a module in one fixed version; returns the module or the errors. */
function parseModuleAs(text: string, version: RegoVersion, options: ParseOptions | undefined): { mod?: Module; errors: ParseErrorDetail[] } {
  const shared = newShared(options);
  const { tokens, comments } = lex(text, shared.file);
  const p = new Parser(tokens, shared, keywordsFor(version));
  // (lex cannot overflow: template nesting, its only recursion, is capped.)
  const stmts = guarded(shared, options?.stats, () => p.parseStatements());
  if (stmts === undefined || shared.errors.length > 0) return { errors: shared.errors };

  const first = stmts[0];
  if (first === undefined || first.kind !== 'package') {
    const loc = first === undefined ? { file: shared.file, row: 1, col: 1, offset: 0 } : first.kind === 'rules' ? (first.nodes[0] as Rule).loc : first.node.loc;
    shared.errors.push({ message: 'package expected', loc });
    return { errors: shared.errors };
  }
  const mod: Module = {
    type: 'module',
    file: shared.file,
    package: first.node,
    imports: [],
    rules: [],
    comments,
    regoVersion: version === 'v1' || p.regoV1Seen ? 'v1' : 'v0',
    annotations: [],
    futureKeywords: [...shared.imported].sort(),
    loc: first.node.loc,
  };
  let seenRule = false;
  for (const s of stmts.slice(1)) {
    if (s.kind === 'package') shared.errors.push({ message: 'unexpected package', loc: s.node.loc });
    else if (s.kind === 'import') {
      if (seenRule) shared.errors.push({ message: 'import must come before rules', loc: s.node.loc });
      mod.imports.push(s.node);
    } else {
      seenRule = true;
      mod.rules.push(...s.nodes);
    }
  }
  if (mod.regoVersion === 'v1') checkRegoV1Rules(mod.rules, shared.syntax, shared.errors);
  if (options?.processAnnotations !== false) attachAnnotations(mod, comments, shared.errors);
  if (shared.errors.length > 0) return { errors: shared.errors };
  return { mod, errors: [] };
}

/**
 * Parse a Rego module.
 *
 * With `regoVersion: 'auto'` (the default) the module is parsed as v1; if that fails it is
 * parsed as v0 and, if that succeeds, the v0 result is returned (`module.regoVersion` says
 * which). A module importing `rego.v1` is always v1. Otherwise the v1 errors are thrown.
 *
 * @throws RegoParseError listing every error found.
 * @example
 * const mod = parseModule('package x\nallow if input.ok', { file: 'x.rego' });
 * mod.rules[0].head.name; // 'allow'
 */
export function parseModule(text: string, options?: ParseOptions): Module {
  const version = options?.regoVersion ?? 'auto';
  const first = parseModuleAs(text, version === 'v0' ? 'v0' : 'v1', options);
  if (first.mod !== undefined) return first.mod;
  if (version === 'auto') {
    const second = parseModuleAs(text, 'v0', options);
    if (second.mod !== undefined && second.mod.regoVersion === 'v0') return second.mod;
  }
  throw new RegoParseError(first.errors);
}

/**
 * Parse a query (a body: expressions separated by `;` or newlines), e.g. a conformance
 * `query` such as `data.test.p = x`. Queries use v1 keywords unless `regoVersion: 'v0'`.
 *
 * @throws RegoParseError
 * @example
 * const [expr] = parseQuery('data.test.p = x'); // expr.terms.type === 'unify'
 */
export function parseQuery(text: string, options?: ParseOptions): Expr[] {
  const shared = newShared(options);
  const { tokens } = lex(text, shared.file);
  const p = new Parser(tokens, shared, keywordsFor(options?.regoVersion === 'v0' ? 'v0' : 'v1'));
  const body = guarded(shared, options?.stats, () => {
    const b = p.parseQuery(false, 'eof');
    if (b !== undefined && !p.atEnd()) {
      p.unexpected();
      return undefined;
    }
    return b;
  });
  if (body === undefined || shared.errors.length > 0) {
    if (shared.errors.length === 0) shared.errors.push({ message: 'invalid query', loc: { file: shared.file, row: 1, col: 1, offset: 0 } });
    throw new RegoParseError(shared.errors);
  }
  return body;
}

/**
 * Parse a single term (operators allowed), e.g. a conformance `input_term` such as
 * `{"x": [1, 2]}`.
 *
 * @throws RegoParseError
 * @example
 * parseTerm('[1, 2]'); // { type: 'array', items: [...] }
 */
export function parseTerm(text: string, options?: ParseOptions): Term {
  const shared = newShared(options);
  const { tokens } = lex(text, shared.file);
  const p = new Parser(tokens, shared, keywordsFor(options?.regoVersion === 'v0' ? 'v0' : 'v1'));
  const term = guarded(shared, options?.stats, () => {
    const t = p.parseTermInfixCall();
    if (t !== undefined && !p.atEnd()) {
      p.unexpected();
      return undefined;
    }
    return t;
  });
  if (term === undefined || shared.errors.length > 0) {
    if (shared.errors.length === 0) shared.errors.push({ message: 'invalid term', loc: { file: shared.file, row: 1, col: 1, offset: 0 } });
    throw new RegoParseError(shared.errors);
  }
  return term;
}
