/**
 * A GraphQL lexer and parser that reproduce gqlparser (the Go library OPA embeds): the same
 * document shapes (`Operations`, `Fragments`, `Definitions`, `Extensions`, … with Go field
 * names), the same acceptance rules and the same error texts and positions ("Expected Name,
 * found <EOF>" at 1:2). The `graphql` package is used only for validation, elsewhere.
 *
 * Documents are plain JSON-like objects already pruned the way OPA prunes them: null and
 * empty list/object fields are left out, empty strings and `false` are kept.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

type Kind =
  | 'Invalid'
  | 'EOF'
  | 'Bang'
  | 'Dollar'
  | 'Amp'
  | 'ParenL'
  | 'ParenR'
  | 'Spread'
  | 'Colon'
  | 'Equals'
  | 'At'
  | 'BracketL'
  | 'BracketR'
  | 'BraceL'
  | 'BraceR'
  | 'Name'
  | 'Int'
  | 'Float'
  | 'String'
  | 'BlockString'
  | 'Pipe';

const kindText: Record<Kind, string> = {
  Invalid: '<Invalid>',
  EOF: '<EOF>',
  Bang: '!',
  Dollar: '$',
  Amp: '&',
  ParenL: '(',
  ParenR: ')',
  Spread: '...',
  Colon: ':',
  Equals: '=',
  At: '@',
  BracketL: '[',
  BracketR: ']',
  BraceL: '{',
  BraceR: '}',
  Name: 'Name',
  Int: 'Int',
  Float: 'Float',
  String: 'String',
  BlockString: 'BlockString',
  Pipe: '|',
};

interface Token {
  kind: Kind;
  value: string;
  line: number;
  column: number;
}

const tokenString = (t: Token): string => (t.value !== '' ? `${kindText[t.kind]} ${JSON.stringify(t.value)}` : kindText[t.kind]);

export class GraphQLSyntaxError extends Error {
  constructor(
    readonly msg: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${msg} in GraphQL string at location ${line}:${column}`);
  }
}

/** gqlparser's blockStringValue: dedent and trim blank first/last lines. */
function blockStringValue(raw: string): string {
  const lines = raw.split(/\r\n|[\n\r]/);
  let common = -1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.replace(/^[ \t]+/, '').length;
    if (indent < line.length && (common === -1 || indent < common)) common = indent;
  }
  if (common > 0) for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(common);
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.join('\n');
}

class Lexer {
  private end = 0;
  private line = 1;
  private lineStart = 0;
  /** Code points of the input, so columns count runes like Go. */
  private readonly s: string[];

  constructor(input: string) {
    this.s = Array.from(input);
  }

  private tok(kind: Kind, start: number, value: string): Token {
    return { kind, value, line: this.line, column: start - this.lineStart + 1 };
  }

  private error(msg: string): [Token, GraphQLSyntaxError] {
    const column = this.end - this.lineStart + 1;
    return [{ kind: 'Invalid', value: '', line: this.line, column }, new GraphQLSyntaxError(msg, this.line, column)];
  }

  private ws(): void {
    while (this.end < this.s.length) {
      const c = this.s[this.end]!;
      if (c === '\t' || c === ' ' || c === ',' || c === '\ufeff') this.end++;
      else if (c === '\n') {
        this.end++;
        this.line++;
        this.lineStart = this.end;
      } else if (c === '\r') {
        this.end++;
        this.line++;
        if (this.s[this.end] === '\n') this.end++;
        this.lineStart = this.end;
      } else return;
    }
  }

  read(): [Token, GraphQLSyntaxError | undefined] {
    this.ws();
    const start = this.end;
    if (start >= this.s.length) return [this.tok('EOF', start, ''), undefined];
    const c = this.s[start]!;
    this.end++;
    const simple: Record<string, Kind> = {
      '!': 'Bang',
      $: 'Dollar',
      '&': 'Amp',
      '(': 'ParenL',
      ')': 'ParenR',
      ':': 'Colon',
      '=': 'Equals',
      '@': 'At',
      '[': 'BracketL',
      ']': 'BracketR',
      '{': 'BraceL',
      '}': 'BraceR',
      '|': 'Pipe',
    };
    const k = simple[c];
    if (k) return [this.tok(k, start, ''), undefined];
    if (c === '.' && this.s[start + 1] === '.' && this.s[start + 2] === '.') {
      this.end += 2;
      return [this.tok('Spread', start, ''), undefined];
    }
    if (c === '#') {
      while (this.end < this.s.length) {
        const r = this.s[this.end]!;
        if (r === '\t' || r.codePointAt(0)! > 0x1f) this.end++;
        else break;
      }
      return this.read();
    }
    if (/[_A-Za-z]/.test(c)) {
      while (this.end < this.s.length && /[_0-9A-Za-z]/.test(this.s[this.end]!)) this.end++;
      return [this.tok('Name', start, this.s.slice(start, this.end).join('')), undefined];
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.readNumber(start);
    if (c === '"') {
      if (this.s[start + 1] === '"' && this.s[start + 2] === '"') return this.readBlockString(start);
      return this.readString(start);
    }
    this.end--;
    const cp = c.codePointAt(0)!;
    if (cp < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') return this.error(`Cannot contain the invalid character "\\u${String(cp).padStart(4, '0')}"`);
    if (c === "'") return this.error(`Unexpected single quote character ('), did you mean to use a double quote (")?`);
    return this.error(`Cannot parse the unexpected character "${c}".`);
  }

  private digits(): number {
    let n = 0;
    while (this.end < this.s.length && this.s[this.end]! >= '0' && this.s[this.end]! <= '9') {
      this.end++;
      n++;
    }
    return n;
  }

  private describeNext(): string {
    return this.end < this.s.length ? `"${this.s[this.end]}"` : '<EOF>';
  }

  private readNumber(start: number): [Token, GraphQLSyntaxError | undefined] {
    this.end = start;
    let float = false;
    if (this.s[this.end] === '-') this.end++;
    if (this.s[this.end] === '0') {
      this.end++;
      const n = this.digits();
      if (n !== 0) {
        this.end -= n;
        return this.error(`Invalid number, unexpected digit after 0: ${this.describeNext()}.`);
      }
    } else if (this.digits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    if (this.s[this.end] === '.') {
      float = true;
      this.end++;
      if (this.digits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (this.s[this.end] === 'e' || this.s[this.end] === 'E') {
      float = true;
      this.end++;
      if (this.s[this.end] === '-' || this.s[this.end] === '+') this.end++;
      if (this.digits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    return [this.tok(float ? 'Float' : 'Int', start, this.s.slice(start, this.end).join('')), undefined];
  }

  private readString(start: number): [Token, GraphQLSyntaxError | undefined] {
    let out = '';
    const tokStart = start + 1;
    while (this.end < this.s.length) {
      const c = this.s[this.end]!;
      if (c === '\n' || c === '\r') break;
      const cp = c.codePointAt(0)!;
      if (cp < 0x20 && c !== '\t') return this.error(`Invalid character within String: "\\u${String(cp).padStart(4, '0')}".`);
      if (c === '"') {
        const t = this.tok('String', tokStart, out);
        this.end++;
        return [t, undefined];
      }
      if (c === '\\') {
        const esc = this.s[this.end + 1];
        if (esc === undefined) {
          this.end++;
          return this.error('Invalid character escape sequence.');
        }
        if (esc === 'u') {
          const hex = this.s.slice(this.end + 2, this.end + 6).join('');
          if (this.end + 6 >= this.s.length) {
            this.end++;
            return this.error(`Invalid character escape sequence: \\${this.s.slice(this.end).join('')}.`);
          }
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.end++;
            return this.error(`Invalid character escape sequence: \\${this.s.slice(this.end, this.end + 5).join('')}.`);
          }
          out += String.fromCharCode(parseInt(hex, 16));
          this.end += 6;
          continue;
        }
        const map: Record<string, string> = { '"': '"', '/': '/', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        const m = map[esc];
        if (m === undefined) {
          this.end++;
          return this.error(`Invalid character escape sequence: \\${esc}.`);
        }
        out += m;
        this.end += 2;
        continue;
      }
      out += c;
      this.end++;
    }
    return this.error('Unterminated string.');
  }

  private readBlockString(start: number): [Token, GraphQLSyntaxError | undefined] {
    const tokStart = start + 3;
    this.end += 2;
    let buf = '';
    const tokLine = this.line;
    const tokLineStart = this.lineStart;
    while (this.end < this.s.length) {
      const c = this.s[this.end]!;
      if (c === '"' && this.s[this.end + 1] === '"' && this.s[this.end + 2] === '"') {
        const t: Token = { kind: 'BlockString', value: blockStringValue(buf), line: tokLine, column: tokStart - tokLineStart + 1 };
        this.end += 3;
        return [t, undefined];
      }
      const cp = c.codePointAt(0)!;
      if (cp < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') return this.error(`Invalid character within String: "\\u${String(cp).padStart(4, '0')}".`);
      if (c === '\\' && this.s[this.end + 1] === '"' && this.s[this.end + 2] === '"' && this.s[this.end + 3] === '"') {
        buf += '"""';
        this.end += 4;
      } else if (c === '\r') {
        if (this.s[this.end + 1] === '\n') this.end++;
        buf += '\n';
        this.end++;
        this.line++;
        this.lineStart = this.end;
      } else {
        buf += c;
        this.end++;
        if (c === '\n') {
          this.line++;
          this.lineStart = this.end;
        }
      }
    }
    return this.error('Unterminated string.');
  }
}

/** Drop null and empty list/object fields, as OPA's pruneIrrelevantGraphQLASTNodes does. */
function obj(fields: Record<string, Json | undefined>): Obj {
  const o: Obj = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    o[k] = v;
  }
  return o;
}

const VALUE_KIND = { Variable: 0, Int: 1, Float: 2, String: 3, BlockString: 4, Boolean: 5, Null: 6, Enum: 7, List: 8, Object: 9 } as const;

class Parser {
  private readonly lexer: Lexer;
  private err: GraphQLSyntaxError | undefined;
  private peeked = false;
  private peekTok!: Token;
  private peekErr: GraphQLSyntaxError | undefined;
  private prev: Token = { kind: 'Invalid', value: '', line: 0, column: 0 };

  constructor(input: string) {
    this.lexer = new Lexer(input);
  }

  fail(): GraphQLSyntaxError | undefined {
    return this.err;
  }

  peek(): Token {
    if (this.err) return this.prev;
    if (!this.peeked) {
      [this.peekTok, this.peekErr] = this.lexer.read();
      this.peeked = true;
    }
    return this.peekTok;
  }

  error(tok: Token, msg: string): void {
    if (this.err) return;
    this.err = new GraphQLSyntaxError(msg, tok.line, tok.column);
  }

  next(): Token {
    if (this.err) return this.prev;
    if (this.peeked) {
      this.peeked = false;
      this.prev = this.peekTok;
      this.err = this.peekErr;
    } else {
      [this.prev, this.err] = this.lexer.read();
    }
    return this.prev;
  }

  expectKeyword(value: string): Token {
    const tok = this.peek();
    if (tok.kind === 'Name' && tok.value === value) return this.next();
    this.error(tok, `Expected ${JSON.stringify(value)}, found ${tokenString(tok)}`);
    return tok;
  }

  expect(kind: Kind): Token {
    const tok = this.peek();
    if (tok.kind === kind) return this.next();
    this.error(tok, `Expected ${kindText[kind]}, found ${kindText[tok.kind]}`);
    return tok;
  }

  skip(kind: Kind): boolean {
    if (this.err) return false;
    if (this.peek().kind !== kind) return false;
    this.next();
    return true;
  }

  unexpected(tok: Token = this.peek()): void {
    this.error(tok, `Unexpected ${tokenString(tok)}`);
  }

  many(start: Kind, end: Kind, cb: () => void): void {
    if (!this.skip(start)) return;
    while (this.peek().kind !== end && !this.err) cb();
    this.next();
  }

  some(start: Kind, end: Kind, cb: () => void): void {
    if (!this.skip(start)) return;
    let called = false;
    while (this.peek().kind !== end && !this.err) {
      called = true;
      cb();
    }
    if (!called) {
      this.error(this.peek(), `expected at least one definition, found ${kindText[this.peek().kind]}`);
      return;
    }
    this.next();
  }

  name(): string {
    return this.expect('Name').value;
  }

  // ---- query documents ----

  queryDocument(): Obj {
    const operations: Json[] = [];
    const fragments: Json[] = [];
    while (this.peek().kind !== 'EOF') {
      if (this.err) break;
      const t = this.peek();
      if (t.kind === 'Name') {
        if (t.value === 'query' || t.value === 'mutation' || t.value === 'subscription') operations.push(this.operationDefinition());
        else if (t.value === 'fragment') fragments.push(this.fragmentDefinition());
        else this.unexpected();
      } else if (t.kind === 'BraceL') operations.push(this.operationDefinition());
      else this.unexpected();
    }
    return obj({ Operations: operations, Fragments: fragments });
  }

  operationDefinition(): Obj {
    if (this.peek().kind === 'BraceL') return obj({ Operation: 'query', Name: '', SelectionSet: this.requiredSelectionSet() });
    const operation = this.operationType();
    const name = this.peek().kind === 'Name' ? this.next().value : '';
    return obj({
      Operation: operation,
      Name: name,
      VariableDefinitions: this.variableDefinitions(),
      Directives: this.directives(false),
      SelectionSet: this.requiredSelectionSet(),
    });
  }

  operationType(): string {
    const tok = this.next();
    if (tok.value === 'query' || tok.value === 'mutation' || tok.value === 'subscription') return tok.value;
    this.unexpected(tok);
    return '';
  }

  variableDefinitions(): Json[] {
    const defs: Json[] = [];
    this.many('ParenL', 'ParenR', () => defs.push(this.variableDefinition()));
    return defs;
  }

  variableDefinition(): Obj {
    const variable = this.variable();
    this.expect('Colon');
    const type = this.typeReference();
    const def = this.skip('Equals') ? this.valueLiteral(true) : undefined;
    return obj({ Variable: variable, Type: type, DefaultValue: def, Directives: this.directives(false), Used: false });
  }

  variable(): string {
    this.expect('Dollar');
    return this.name();
  }

  optionalSelectionSet(): Json[] {
    const sels: Json[] = [];
    this.some('BraceL', 'BraceR', () => sels.push(this.selection()));
    return sels;
  }

  requiredSelectionSet(): Json[] {
    if (this.peek().kind !== 'BraceL') {
      this.error(this.peek(), `Expected {, found ${kindText[this.peek().kind]}`);
      return [];
    }
    return this.optionalSelectionSet();
  }

  selection(): Obj {
    return this.peek().kind === 'Spread' ? this.fragment() : this.field();
  }

  field(): Obj {
    const alias = this.name();
    const name = this.skip('Colon') ? this.name() : alias;
    const args = this.arguments(false);
    const directives = this.directives(false);
    const sel = this.peek().kind === 'BraceL' ? this.optionalSelectionSet() : undefined;
    return obj({ Alias: alias, Name: name, Arguments: args, Directives: directives, SelectionSet: sel });
  }

  arguments(isConst: boolean): Json[] {
    const args: Json[] = [];
    this.many('ParenL', 'ParenR', () => {
      const name = this.name();
      this.expect('Colon');
      args.push(obj({ Name: name, Value: this.valueLiteral(isConst) }));
    });
    return args;
  }

  fragment(): Obj {
    this.expect('Spread');
    const peek = this.peek();
    if (peek.kind === 'Name' && peek.value !== 'on') {
      const name = this.fragmentName();
      return obj({ Name: name, Directives: this.directives(false) });
    }
    let typeCondition = '';
    if (this.peek().value === 'on') {
      this.next();
      typeCondition = this.name();
    }
    const directives = this.directives(false);
    return obj({ TypeCondition: typeCondition, Directives: directives, SelectionSet: this.requiredSelectionSet() });
  }

  fragmentDefinition(): Obj {
    this.expectKeyword('fragment');
    const name = this.fragmentName();
    const vars = this.variableDefinitions();
    this.expectKeyword('on');
    const typeCondition = this.name();
    const directives = this.directives(false);
    return obj({ Name: name, VariableDefinition: vars, TypeCondition: typeCondition, Directives: directives, SelectionSet: this.requiredSelectionSet() });
  }

  fragmentName(): string {
    if (this.peek().value === 'on') {
      this.unexpected();
      return '';
    }
    return this.name();
  }

  valueLiteral(isConst: boolean): Obj | undefined {
    const tok = this.peek();
    let kind: number;
    switch (tok.kind) {
      case 'BracketL': {
        const children: Json[] = [];
        this.many('BracketL', 'BracketR', () => children.push(obj({ Name: '', Value: this.valueLiteral(isConst) })));
        return obj({ Children: children, Kind: VALUE_KIND.List, Raw: '', ExpectedTypeHasDefault: false });
      }
      case 'BraceL': {
        const children: Json[] = [];
        this.many('BraceL', 'BraceR', () => {
          const name = this.name();
          this.expect('Colon');
          children.push(obj({ Name: name, Value: this.valueLiteral(isConst) }));
        });
        return obj({ Children: children, Kind: VALUE_KIND.Object, Raw: '', ExpectedTypeHasDefault: false });
      }
      case 'Dollar':
        if (isConst) {
          this.unexpected();
          return undefined;
        }
        return obj({ Raw: this.variable(), Kind: VALUE_KIND.Variable, ExpectedTypeHasDefault: false });
      case 'Int':
        kind = VALUE_KIND.Int;
        break;
      case 'Float':
        kind = VALUE_KIND.Float;
        break;
      case 'String':
        kind = VALUE_KIND.String;
        break;
      case 'BlockString':
        kind = VALUE_KIND.BlockString;
        break;
      case 'Name':
        kind = tok.value === 'true' || tok.value === 'false' ? VALUE_KIND.Boolean : tok.value === 'null' ? VALUE_KIND.Null : VALUE_KIND.Enum;
        break;
      default:
        this.unexpected();
        return undefined;
    }
    this.next();
    return obj({ Raw: tok.value, Kind: kind, ExpectedTypeHasDefault: false });
  }

  directives(isConst: boolean): Json[] {
    const out: Json[] = [];
    while (this.peek().kind === 'At') {
      if (this.err) break;
      this.expect('At');
      const name = this.name();
      out.push(obj({ Name: name, Arguments: this.arguments(isConst), Location: '' }));
    }
    return out;
  }

  typeReference(): Obj {
    let elem: Obj | undefined;
    let named = '';
    if (this.skip('BracketL')) {
      elem = this.typeReference();
      this.expect('BracketR');
    } else {
      named = this.name();
    }
    const nonNull = this.skip('Bang');
    return obj({ NamedType: named, Elem: elem, NonNull: nonNull });
  }

  // ---- schema documents ----

  schemaDocument(): Obj {
    const doc: Record<string, Json[]> = { Schema: [], SchemaExtension: [], Directives: [], Definitions: [], Extensions: [] };
    while (this.peek().kind !== 'EOF') {
      if (this.err) break;
      let description = '';
      if (this.peek().kind === 'BlockString' || this.peek().kind === 'String') description = this.next().value;
      if (this.peek().kind !== 'Name') {
        this.unexpected();
        break;
      }
      switch (this.peek().value) {
        case 'scalar':
        case 'type':
        case 'interface':
        case 'union':
        case 'enum':
        case 'input':
          doc.Definitions!.push(this.typeDefinition(description, false));
          break;
        case 'schema':
          doc.Schema!.push(this.schemaDefinition(description, false));
          break;
        case 'directive':
          doc.Directives!.push(this.directiveDefinition(description));
          break;
        case 'extend':
          if (description !== '') this.unexpected(this.prev);
          this.typeSystemExtension(doc);
          break;
        default:
          this.unexpected();
          return obj(doc);
      }
    }
    return obj(doc);
  }

  description(): string {
    const t = this.peek();
    return t.kind === 'BlockString' || t.kind === 'String' ? this.next().value : '';
  }

  schemaDefinition(description: string, extension: boolean): Obj {
    this.expectKeyword('schema');
    const directives = this.directives(true);
    const ops: Json[] = [];
    this.some('BraceL', 'BraceR', () => {
      const operation = this.operationType();
      this.expect('Colon');
      ops.push(obj({ Operation: operation, Type: this.name() }));
    });
    if (extension && directives.length === 0 && ops.length === 0) this.unexpected();
    return obj({ Description: description, Directives: directives, OperationTypes: ops });
  }

  implementsInterfaces(): string[] {
    const types: string[] = [];
    if (this.peek().value === 'implements') {
      this.next();
      this.skip('Amp');
      types.push(this.name());
      while (this.skip('Amp') && !this.err) types.push(this.name());
    }
    return types;
  }

  fieldDefinition(input: boolean): Obj {
    const description = this.description();
    const name = this.name();
    const args = input ? [] : this.argumentDefs();
    this.expect('Colon');
    const type = this.typeReference();
    const def = input && this.skip('Equals') ? this.valueLiteral(true) : undefined;
    return obj({ Description: description, Name: name, Arguments: args, DefaultValue: def, Type: type, Directives: this.directives(true) });
  }

  argumentDefs(): Json[] {
    const args: Json[] = [];
    this.some('ParenL', 'ParenR', () => {
      const description = this.description();
      const name = this.name();
      this.expect('Colon');
      const type = this.typeReference();
      const def = this.skip('Equals') ? this.valueLiteral(true) : undefined;
      args.push(obj({ Description: description, Name: name, DefaultValue: def, Type: type, Directives: this.directives(true) }));
    });
    return args;
  }

  typeDefinition(description: string, extension: boolean): Obj {
    const keyword = this.peek().value;
    this.expectKeyword(keyword);
    const kinds: Record<string, string> = { scalar: 'SCALAR', type: 'OBJECT', interface: 'INTERFACE', union: 'UNION', enum: 'ENUM', input: 'INPUT_OBJECT' };
    const kind = kinds[keyword]!;
    const name = this.name();
    let interfaces: string[] = [];
    let fields: Json[] = [];
    const types: string[] = [];
    const enumValues: Json[] = [];
    let directives: Json[] = [];
    const fieldList = (input: boolean): Json[] => {
      const out: Json[] = [];
      this.some('BraceL', 'BraceR', () => out.push(this.fieldDefinition(input)));
      return out;
    };
    switch (keyword) {
      case 'scalar':
        directives = this.directives(true);
        if (extension && directives.length === 0) this.unexpected();
        break;
      case 'type':
      case 'interface':
        // gqlparser reads `implements` on interface extensions only for object types.
        if (!(extension && keyword === 'interface')) interfaces = this.implementsInterfaces();
        directives = this.directives(true);
        fields = fieldList(false);
        if (extension && interfaces.length === 0 && directives.length === 0 && fields.length === 0) this.unexpected();
        break;
      case 'union':
        directives = this.directives(true);
        if (this.skip('Equals')) {
          this.skip('Pipe');
          types.push(this.name());
          while (this.skip('Pipe') && !this.err) types.push(this.name());
        }
        if (extension && directives.length === 0 && types.length === 0) this.unexpected();
        break;
      case 'enum':
        directives = this.directives(true);
        this.some('BraceL', 'BraceR', () => {
          const d = this.description();
          const n = this.name();
          enumValues.push(obj({ Description: d, Name: n, Directives: this.directives(true) }));
        });
        if (extension && directives.length === 0 && enumValues.length === 0) this.unexpected();
        break;
      case 'input':
        directives = this.directives(!extension);
        fields = fieldList(true);
        if (extension && directives.length === 0 && fields.length === 0) this.unexpected();
        break;
    }
    return obj({
      Kind: kind,
      Description: description,
      Name: name,
      Directives: directives,
      Interfaces: interfaces,
      Fields: fields,
      Types: types,
      EnumValues: enumValues,
      BuiltIn: false,
    });
  }

  typeSystemExtension(doc: Record<string, Json[]>): void {
    this.expectKeyword('extend');
    const v = this.peek().value;
    switch (v) {
      case 'schema':
        doc.SchemaExtension!.push(this.schemaDefinition('', true));
        break;
      case 'scalar':
      case 'type':
      case 'interface':
      case 'union':
      case 'enum':
      case 'input':
        doc.Extensions!.push(this.typeDefinition('', true));
        break;
      default:
        this.unexpected();
    }
  }

  directiveDefinition(description: string): Obj {
    this.expectKeyword('directive');
    this.expect('At');
    const name = this.name();
    const args = this.argumentDefs();
    let repeatable = false;
    const peek = this.peek();
    if (peek.kind === 'Name' && peek.value === 'repeatable') {
      repeatable = true;
      this.skip('Name');
    }
    this.expectKeyword('on');
    this.skip('Pipe');
    const locations: string[] = [this.directiveLocation()];
    while (this.skip('Pipe') && !this.err) locations.push(this.directiveLocation());
    return obj({ Description: description, Name: name, Arguments: args, Locations: locations, IsRepeatable: repeatable });
  }

  directiveLocation(): string {
    const tok = this.expect('Name');
    const valid = [
      'QUERY',
      'MUTATION',
      'SUBSCRIPTION',
      'FIELD',
      'FRAGMENT_DEFINITION',
      'FRAGMENT_SPREAD',
      'INLINE_FRAGMENT',
      'VARIABLE_DEFINITION',
      'SCHEMA',
      'SCALAR',
      'OBJECT',
      'FIELD_DEFINITION',
      'ARGUMENT_DEFINITION',
      'INTERFACE',
      'UNION',
      'ENUM',
      'ENUM_VALUE',
      'INPUT_OBJECT',
      'INPUT_FIELD_DEFINITION',
    ];
    if (valid.includes(tok.value)) return tok.value;
    this.unexpected(tok);
    return '';
  }
}

/** gqlparser's ParseQuery; throws GraphQLSyntaxError. */
export function parseQuery(input: string): Obj {
  const p = new Parser(input);
  const doc = p.queryDocument();
  const err = p.fail();
  if (err) throw err;
  return doc;
}

/** gqlparser's ParseSchema; throws GraphQLSyntaxError. */
export function parseSchema(input: string): Obj {
  const p = new Parser(input);
  const doc = p.schemaDocument();
  const err = p.fail();
  if (err) throw err;
  return doc;
}
