/**
 * JSON text as OPA produces and consumes it through Go's `encoding/json`:
 *  - `marshalJSON` writes Go's `json.Marshal` form of a Rego value (sorted keys, sets as sorted
 *    arrays, HTML-sensitive characters escaped as `\u003c`, U+2028/2029 escaped), optionally
 *    indented like `json.MarshalIndent`;
 *  - `parseJSON` reads JSON keeping integers exact (bigint beyond ±2^53, as OPA keeps
 *    arbitrary-precision numbers) and fails with Go's decoder messages.
 */
import { formatNumber, normInt, ObjectValue, SetValue, type Value } from '../../value.ts';

export interface IndentOptions {
  prefix: string;
  indent: string;
}

/** Go's JSON string encoding (encodeState.string with HTML escaping on). */
export function quoteJSONString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else out += '\\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x3c:
      case 0x3e:
      case 0x26:
      case 0x2028:
      case 0x2029:
        out += '\\u' + c.toString(16).padStart(4, '0');
        break;
      default:
        out += c < 0x20 ? '\\u' + c.toString(16).padStart(4, '0') : s[i]!;
    }
  }
  return out + '"';
}

function numberText(v: number | bigint): string {
  return typeof v === 'bigint' ? v.toString() : formatNumber(v);
}

/** Object keys as OPA's ast.JSON renders them: strings as-is, other keys as their JSON text. */
function keyText(k: Value): string {
  return typeof k === 'string' ? k : marshalJSON(k);
}

function sortedEntries(o: ObjectValue): [string, Value][] {
  const entries: [string, Value][] = [...o.entries()].map(([k, v]) => [keyText(k), v]);
  // Go sorts map keys by their bytes; UTF-16 order agrees except across surrogate pairs.
  return entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Go `json.Marshal` (or `json.MarshalIndent` when `ind` is given, without the leading prefix). */
export function marshalJSON(v: Value, ind?: IndentOptions, depth = 0): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return numberText(v);
    case 'string':
      return quoteJSONString(v);
  }
  const items: string[] = [];
  let open: string;
  let close: string;
  if (Array.isArray(v) || v instanceof SetValue) {
    const elems = Array.isArray(v) ? v : v.sorted();
    for (const e of elems) items.push(marshalJSON(e, ind, depth + 1));
    open = '[';
    close = ']';
  } else {
    for (const [k, val] of sortedEntries(v)) {
      items.push(quoteJSONString(k) + (ind ? ': ' : ':') + marshalJSON(val, ind, depth + 1));
    }
    open = '{';
    close = '}';
  }
  if (items.length === 0) return open + close;
  if (!ind) return open + items.join(',') + close;
  const nl = '\n' + ind.prefix;
  const inner = nl + ind.indent.repeat(depth + 1);
  return open + inner + items.join(',' + inner) + nl + ind.indent.repeat(depth) + close;
}

export class JSONSyntaxError extends Error {}

/** Go's scanner quoting of an offending character: 'x', '\n', '"'. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return "'" + q.slice(1, -1) + "'";
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(context: string): never {
    if (this.i >= this.s.length) throw new JSONSyntaxError('unexpected EOF');
    const cp = String.fromCodePoint(this.s.codePointAt(this.i)!);
    throw new JSONSyntaxError(`invalid character ${quoteChar(cp)} ${context}`);
  }

  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  top(): Value {
    this.ws();
    if (this.i >= this.s.length) throw new JSONSyntaxError('EOF');
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) this.fail('after top-level value');
    return v;
  }

  value(): Value {
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail('looking for beginning of value');
    }
  }

  literal(word: string, v: Value): Value {
    for (let k = 0; k < word.length; k++) {
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
      this.i++;
    }
    return v;
  }

  number(): Value {
    const start = this.i;
    let isInt = true;
    if (this.s[this.i] === '-') {
      this.i++;
      if (!this.isDigit()) this.fail('in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else while (this.isDigit()) this.i++;
    if (this.s[this.i] === '.') {
      isInt = false;
      this.i++;
      if (!this.isDigit()) this.fail('after decimal point in numeric literal');
      while (this.isDigit()) this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      isInt = false;
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      if (!this.isDigit()) this.fail('in exponent of numeric literal');
      while (this.isDigit()) this.i++;
    }
    const text = this.s.slice(start, this.i);
    if (isInt) {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : normInt(BigInt(text));
    }
    return Number(text);
  }

  isDigit(): boolean {
    const c = this.s.charCodeAt(this.i);
    return c >= 0x30 && c <= 0x39;
  }

  string(): string {
    this.i++; // opening quote
    let out = '';
    while (true) {
      if (this.i >= this.s.length) this.fail('in string literal');
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('in string literal');
      if (c !== 0x5c) {
        out += this.s[this.i]!;
        this.i++;
        continue;
      }
      this.i++;
      const e = this.s[this.i];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        this.i++;
        continue;
      }
      if (e !== 'u') this.fail('in string escape code');
      this.i++;
      const cu = this.hex4();
      if (cu >= 0xd800 && cu <= 0xdbff && this.s.startsWith('\\u', this.i)) {
        const save = this.i;
        this.i += 2;
        const lo = this.hex4();
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          out += String.fromCharCode(cu, lo);
          continue;
        }
        this.i = save;
        out += '\ufffd';
        continue;
      }
      out += cu >= 0xd800 && cu <= 0xdfff ? '\ufffd' : String.fromCharCode(cu);
    }
  }

  hex4(): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const d = parseInt(this.s[this.i] ?? 'x', 16);
      if (Number.isNaN(d)) this.fail('in \\u hexadecimal character escape');
      v = v * 16 + d;
      this.i++;
    }
    return v;
  }

  array(): Value[] {
    this.i++;
    const out: Value[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    while (true) {
      this.ws();
      if (this.i >= this.s.length) this.fail('');
      out.push(this.value());
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail('after array element');
    }
  }

  object(): ObjectValue {
    this.i++;
    const o = new ObjectValue();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return o;
    }
    while (true) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      this.ws();
      if (this.i >= this.s.length) this.fail('');
      o.set(k, this.value()); // duplicate keys: the last one wins, as in Go
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return o;
      }
      this.fail('after object key:value pair');
    }
  }
}

/** Parse JSON text into a Value; throws JSONSyntaxError with Go's message. */
export function parseJSON(text: string): Value {
  return new Parser(text).top();
}

/** Go's `json.Valid`. */
export function isValidJSON(text: string): boolean {
  try {
    parseJSON(text);
    return true;
  } catch {
    return false;
  }
}
