/**
 * The Rego lexer: turns source text into a flat array of tokens (with spans) plus the list of
 * comments. Hand-written, one pass, one character of lookahead, no regular expressions, so
 * its cost is linear in the input and it cannot backtrack.
 *
 * The whole file is tokenised up front (rather than on demand) because the parser backtracks
 * in a few places, exactly as OPA's does (`x, y in xs` versus a list, set versus comprehension);
 * with an array, saving and restoring the parser position is saving an index.
 *
 * Lexical errors do not throw: the offending characters become an `illegal` token whose
 * `value` is OPA's scanner message (`non-terminated string`, `illegal escape sequence`, …),
 * and the parser reports it when it reaches the token.
 */

import type { Comment } from './nodes.ts';
import type { Token, TokenKind, TemplatePart } from './tokens.ts';

/** Result of lexing one source text. */
export interface LexResult {
  tokens: Token[];
  comments: Comment[];
}

const CH_NL = 10;
const CH_CR = 13;
const CH_TAB = 9;
const CH_SPACE = 32;
const CH_QUOTE = 34;
const CH_BACKSLASH = 92;
const CH_BACKTICK = 96;
const CH_LBRACE = 123;

/** Template strings nested deeper than this are rejected (the lexer recurses per level). */
const MAX_TEMPLATE_DEPTH = 200;

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * Tokenise `src`. `file` names the source in comments' locations. The returned token array
 * always ends with an `eof` token.
 *
 * @example
 * const { tokens } = lex('p := 1', 'x.rego'); // ident ':=' number eof
 */
export function lex(src: string, file: string): LexResult {
  const lx = new Lexer(src, file);
  const tokens: Token[] = [];
  for (;;) {
    const t = lx.next();
    tokens.push(t);
    if (t.kind === 'eof') break;
  }
  return { tokens, comments: lx.comments };
}

class Lexer {
  private pos = 0;
  private row = 1;
  /** Offset of the first character of the current line, so col = pos - lineStart + 1. */
  private lineStart = 0;
  /** Nesting of template strings inside template expressions (each level recurses). */
  private templateDepth = 0;
  readonly comments: Comment[] = [];

  constructor(
    private readonly src: string,
    private readonly file: string,
  ) {
    // A leading byte-order mark is not part of the program.
    if (src.charCodeAt(0) === 0xfeff) {
      this.pos = 1;
      this.lineStart = 1;
    }
  }

  private peek(ahead = 0): number {
    const i = this.pos + ahead;
    return i < this.src.length ? this.src.charCodeAt(i) : -1;
  }

  /** Skip whitespace and comments; report what was skipped. */
  private skipTrivia(): { ws: boolean; nl: boolean } {
    let ws = false;
    let nl = false;
    for (;;) {
      const c = this.peek();
      if (c === CH_SPACE || c === CH_TAB || c === CH_CR) {
        this.pos++;
        ws = true;
      } else if (c === CH_NL) {
        this.pos++;
        this.row++;
        this.lineStart = this.pos;
        ws = true;
        nl = true;
      } else if (c === 35 /* # */) {
        const start = this.pos;
        const col = start - this.lineStart + 1;
        while (this.pos < this.src.length && this.src.charCodeAt(this.pos) !== CH_NL) this.pos++;
        let end = this.pos;
        if (end > start && this.src.charCodeAt(end - 1) === CH_CR) end--;
        this.comments.push({
          text: this.src.slice(start + 1, end),
          loc: { file: this.file, row: this.row, col, offset: start, end },
        });
        ws = true;
      } else {
        return { ws, nl };
      }
    }
  }

  private make(kind: TokenKind, start: number, row: number, col: number, ws: boolean, nl: boolean): Token {
    return { kind, text: this.src.slice(start, this.pos), offset: start, end: this.pos, row, col, wsBefore: ws, nlBefore: nl };
  }

  private illegal(start: number, row: number, col: number, ws: boolean, nl: boolean, message: string): Token {
    const t = this.make('illegal', start, row, col, ws, nl);
    t.value = message;
    return t;
  }

  next(): Token {
    const { ws, nl } = this.skipTrivia();
    const start = this.pos;
    const row = this.row;
    const col = start - this.lineStart + 1;
    const c = this.peek();
    if (c < 0) return this.make('eof', start, row, col, ws, nl);

    if (isLetter(c)) {
      this.pos++;
      while (this.pos < this.src.length) {
        const d = this.src.charCodeAt(this.pos);
        if (!isLetter(d) && !isDigit(d)) break;
        this.pos++;
      }
      return this.make('ident', start, row, col, ws, nl);
    }
    if (isDigit(c)) return this.number(start, row, col, ws, nl);

    this.pos++;
    switch (c) {
      case CH_QUOTE:
        return this.string(start, row, col, ws, nl);
      case CH_BACKTICK:
        return this.rawString(start, row, col, ws, nl);
      case 36 /* $ */: {
        const d = this.peek();
        if (d === CH_QUOTE || d === CH_BACKTICK) {
          this.pos++;
          if (this.templateDepth >= MAX_TEMPLATE_DEPTH) {
            this.pos = this.src.length;
            return this.illegal(start, row, col, ws, nl, 'max parsing recursion depth exceeded');
          }
          this.templateDepth++;
          try {
            return this.template(start, row, col, ws, nl, d === CH_BACKTICK);
          } finally {
            this.templateDepth--;
          }
        }
        return this.illegal(start, row, col, ws, nl, 'illegal $ character');
      }
      case 123:
        return this.make('{', start, row, col, ws, nl);
      case 125:
        return this.make('}', start, row, col, ws, nl);
      case 91:
        return this.make('[', start, row, col, ws, nl);
      case 93:
        return this.make(']', start, row, col, ws, nl);
      case 40:
        return this.make('(', start, row, col, ws, nl);
      case 41:
        return this.make(')', start, row, col, ws, nl);
      case 46:
        return this.make('.', start, row, col, ws, nl);
      case 44:
        return this.make(',', start, row, col, ws, nl);
      case 59:
        return this.make(';', start, row, col, ws, nl);
      case 58:
        return this.make(this.eat(61) ? ':=' : ':', start, row, col, ws, nl);
      case 61:
        return this.make(this.eat(61) ? '==' : '=', start, row, col, ws, nl);
      case 60:
        return this.make(this.eat(61) ? '<=' : '<', start, row, col, ws, nl);
      case 62:
        return this.make(this.eat(61) ? '>=' : '>', start, row, col, ws, nl);
      case 33 /* ! */:
        if (this.peek() === 61) {
          this.pos++;
          return this.make('!=', start, row, col, ws, nl);
        }
        return this.illegal(start, row, col, ws, nl, 'illegal ! character');
      case 43:
        return this.make('+', start, row, col, ws, nl);
      case 45:
        return this.make('-', start, row, col, ws, nl);
      case 42:
        return this.make('*', start, row, col, ws, nl);
      case 47:
        return this.make('/', start, row, col, ws, nl);
      case 37:
        return this.make('%', start, row, col, ws, nl);
      case 38:
        return this.make('&', start, row, col, ws, nl);
      case 124:
        return this.make('|', start, row, col, ws, nl);
      case 0:
        return this.illegal(start, row, col, ws, nl, 'illegal null character');
      default: {
        // Consume a whole surrogate pair so the token text is one character.
        if (c >= 0xd800 && c <= 0xdbff && this.peek() >= 0xdc00 && this.peek() <= 0xdfff) this.pos++;
        return this.illegal(start, row, col, ws, nl, 'illegal token');
      }
    }
  }

  /** Consume the next character if it is `c`. */
  private eat(c: number): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  /** JSON-style number: digits, optional fraction, optional exponent (sign handled by the parser). */
  private number(start: number, row: number, col: number, ws: boolean, nl: boolean): Token {
    let error: string | undefined;
    while (isDigit(this.peek())) this.pos++;
    // A `.` continues the number only when a digit follows: `x[1].y` must stay a ref.
    if (this.peek() === 46 && isDigit(this.peek(1))) {
      this.pos++;
      while (isDigit(this.peek())) this.pos++;
    }
    const e = this.peek();
    if (e === 101 || e === 69) {
      const save = this.pos;
      this.pos++;
      if (this.peek() === 43 || this.peek() === 45) this.pos++;
      if (!isDigit(this.peek())) {
        // `1e` / `1ex`: not an exponent; fall through to the illegal-format check.
        this.pos = save;
      } else {
        while (isDigit(this.peek())) this.pos++;
      }
    }
    if (isLetter(this.peek())) {
      error = 'illegal number format';
      while (isLetter(this.peek()) || isDigit(this.peek())) this.pos++;
    }
    if (error !== undefined) return this.illegal(start, row, col, ws, nl, error);
    return this.make('number', start, row, col, ws, nl);
  }

  /** `"…"` with JSON escapes. The opening quote is consumed. */
  private string(start: number, row: number, col: number, ws: boolean, nl: boolean): Token {
    const r = this.quoted(CH_QUOTE, false);
    if (r.error !== undefined) return this.illegal(start, row, col, ws, nl, r.error);
    const t = this.make('string', start, row, col, ws, nl);
    t.value = r.value;
    return t;
  }

  /**
   * Scan quoted text up to `close`, unescaping. In template mode an unescaped `{` also ends the
   * chunk (`stop` tells which) and `\{` is an escaped brace.
   */
  private quoted(close: number, template: boolean): { value: string; error?: string; stop: 'close' | 'brace' } {
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= this.src.length) return { value: out, error: 'non-terminated string', stop: 'close' };
      const c = this.src.charCodeAt(this.pos);
      if (c === CH_NL) return { value: out, error: 'non-terminated string', stop: 'close' };
      if (c === close) {
        out += this.src.slice(chunkStart, this.pos);
        this.pos++;
        return { value: out, stop: 'close' };
      }
      if (template && c === CH_LBRACE) {
        out += this.src.slice(chunkStart, this.pos);
        this.pos++;
        return { value: out, stop: 'brace' };
      }
      if (c !== CH_BACKSLASH) {
        this.pos++;
        continue;
      }
      out += this.src.slice(chunkStart, this.pos);
      const e = this.peek(1);
      this.pos += 2;
      switch (e) {
        case CH_QUOTE:
          out += '"';
          break;
        case CH_BACKSLASH:
          out += '\\';
          break;
        case 47:
          out += '/';
          break;
        case 98:
          out += '\b';
          break;
        case 102:
          out += '\f';
          break;
        case 110:
          out += '\n';
          break;
        case 114:
          out += '\r';
          break;
        case 116:
          out += '\t';
          break;
        case 117: {
          // \uXXXX; surrogate pairs need no special handling because JS strings are UTF-16.
          let code = 0;
          for (let i = 0; i < 4; i++) {
            const h = this.peek();
            if (!isHex(h)) return this.skipRest(close, out, 'illegal escape sequence');
            code = code * 16 + parseInt(String.fromCharCode(h), 16);
            this.pos++;
          }
          out += String.fromCharCode(code);
          break;
        }
        case CH_LBRACE:
          if (template) {
            out += '{';
            break;
          }
          return this.skipRest(close, out, 'illegal escape sequence');
        default:
          if (e === CH_NL || e < 0) this.pos--;
          return this.skipRest(close, out, 'illegal escape sequence');
      }
      chunkStart = this.pos;
    }
  }

  /** After an error inside a string, consume to the closing quote so lexing can resume sensibly. */
  private skipRest(close: number, value: string, error: string): { value: string; error: string; stop: 'close' } {
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c === CH_NL) break;
      this.pos++;
      if (c === CH_BACKSLASH) {
        if (this.pos < this.src.length && this.src.charCodeAt(this.pos) !== CH_NL) this.pos++;
      } else if (c === close) break;
    }
    return { value, error, stop: 'close' };
  }

  /** `` `…` ``: no escapes, may span lines. */
  private rawString(start: number, row: number, col: number, ws: boolean, nl: boolean): Token {
    const bodyStart = this.pos;
    for (;;) {
      if (this.pos >= this.src.length) return this.illegal(start, row, col, ws, nl, 'non-terminated string');
      const c = this.src.charCodeAt(this.pos);
      if (c === CH_BACKTICK) break;
      this.newlineAware(c);
    }
    const t = this.make('string', start, row, col, ws, nl);
    t.value = this.src.slice(bodyStart, this.pos);
    this.pos++;
    t.text = this.src.slice(start, this.pos);
    t.end = this.pos;
    t.raw = true;
    return t;
  }

  /** Advance over one character, keeping row/line bookkeeping right for newlines. */
  private newlineAware(c: number): void {
    this.pos++;
    if (c === CH_NL) {
      this.row++;
      this.lineStart = this.pos;
    }
  }

  /**
   * A template string `$"…{expr}…"` or `` $`…{expr}…` ``: alternate text chunks and embedded
   * expressions. Each expression's tokens are lexed here, counting braces, up to the `}` that
   * closes it; the parser then parses them as a separate token stream.
   */
  private template(start: number, row: number, col: number, ws: boolean, nl: boolean, multiLine: boolean): Token {
    const parts: TemplatePart[] = [];
    const close = multiLine ? CH_BACKTICK : CH_QUOTE;
    for (;;) {
      const chunkOffset = this.pos;
      const chunkRow = this.row;
      const chunkCol = chunkOffset - this.lineStart + 1;
      let r: { value: string; error?: string; stop: 'close' | 'brace' };
      if (multiLine) r = this.rawTemplateChunk();
      else r = this.quoted(close, true);
      if (r.error !== undefined) return this.illegal(start, row, col, ws, nl, r.error);
      if (r.value.length > 0) {
        parts.push({ kind: 'text', value: r.value, offset: chunkOffset, row: chunkRow, col: chunkCol, end: this.pos - 1 });
      }
      if (r.stop === 'close') break;
      // Embedded expression: lex until the brace that closes it.
      const tokens: Token[] = [];
      let depth = 0;
      for (;;) {
        const t = this.next();
        if (t.kind === 'eof') return this.illegal(start, row, col, ws, nl, 'non-terminated string');
        if (t.kind === '{') depth++;
        else if (t.kind === '}') {
          if (depth === 0) {
            tokens.push({ ...t, kind: 'eof', text: '' });
            break;
          }
          depth--;
        }
        tokens.push(t);
      }
      parts.push({ kind: 'expr', tokens });
    }
    const t = this.make('template', start, row, col, ws, nl);
    t.parts = parts;
    t.raw = multiLine;
    return t;
  }

  /** A chunk of a backtick template: no escapes except `\{`, newlines allowed. */
  private rawTemplateChunk(): { value: string; error?: string; stop: 'close' | 'brace' } {
    let out = '';
    for (;;) {
      if (this.pos >= this.src.length) return { value: out, error: 'non-terminated string', stop: 'close' };
      const c = this.src.charCodeAt(this.pos);
      if (c === CH_BACKTICK) {
        this.pos++;
        return { value: out, stop: 'close' };
      }
      if (c === CH_LBRACE) {
        this.pos++;
        return { value: out, stop: 'brace' };
      }
      if (c === CH_BACKSLASH && this.peek(1) === CH_LBRACE) {
        out += '{';
        this.pos += 2;
        continue;
      }
      out += this.src[this.pos];
      this.newlineAware(c);
    }
  }
}
