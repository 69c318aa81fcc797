/**
 * Built-ins of the encoding category: base64/base64url/hex, URL query strings, JSON and YAML.
 * Results and error texts follow OPA, which uses Go's encoders: `json.marshal` is Go's
 * `json.Marshal` (sorted keys, HTML characters escaped), `json.unmarshal` keeps big integers
 * exact, `yaml.*` read YAML 1.1 (`yes` is true) like go-yaml, and decoding errors carry Go's
 * messages (`illegal base64 data at input byte 4`).
 */
import { Document, isScalar, parseAllDocuments, visit } from 'yaml';
import { fromJSON, isArray, isSet, makeSet, ObjectValue, typeName, type Value } from '../value.ts';
import { arg, expectObject, expectString, operandError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';
import { Base64Error, bytesToString, decodeBase64, encodeBase64, restoreBase64urlPadding } from './support/base64.ts';
import { JSONSyntaxError, isValidJSON, marshalJSON, parseJSON } from './support/json.ts';
import { encodeQuery, parseQuery, queryEscape, queryUnescape } from './support/url.ts';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

function base64Decode(fn: string, s: string, url: boolean): string {
  try {
    return bytesToString(decodeBase64(s, { url, padded: true }));
  } catch (e) {
    if (e instanceof Base64Error) throw builtinError(fn, e.message);
    throw e;
  }
}

function hexDecode(fn: string, s: string): string {
  const b = utf8(s);
  const out: number[] = [];
  const val = (c: number): number => {
    if (c >= 0x30 && c <= 0x39) return c - 0x30;
    if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
    if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
    return -1;
  };
  const invalid = (c: number): never => {
    const ch = String.fromCharCode(c);
    const shown = c >= 0x20 && c < 0x7f ? `'${ch === "'" ? "\\'" : ch}'` : `'\\x${c.toString(16).padStart(2, '0')}'`;
    throw builtinError(fn, `encoding/hex: invalid byte: U+${c.toString(16).toUpperCase().padStart(4, '0')} ${shown}`);
  };
  let i = 0;
  for (; i + 1 < b.length; i += 2) {
    const hi = val(b[i]!);
    if (hi < 0) invalid(b[i]!);
    const lo = val(b[i + 1]!);
    if (lo < 0) invalid(b[i + 1]!);
    out.push((hi << 4) | lo);
  }
  if (b.length % 2 === 1) {
    if (val(b[i]!) < 0) invalid(b[i]!);
    throw builtinError(fn, 'encoding/hex: odd length hex string');
  }
  return bytesToString(Buffer.from(out));
}

/** A Rego value as the plain data go-yaml would marshal: sorted keys, sets as sorted arrays. */
function toPlain(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (isArray(v)) return v.map(toPlain);
  if (isSet(v)) return v.sorted().map(toPlain);
  const keys = [...v.entries()].map(([k, val]) => [typeof k === 'string' ? k : marshalJSON(k), val] as const);
  keys.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const o: Record<string, unknown> = {};
  for (const [k, val] of keys) o[k] = toPlain(val);
  return o;
}

/** YAML data (from the yaml package) to a Value, stringifying non-string keys like sigs.k8s.io/yaml. */
function yamlToValue(x: unknown): Value {
  if (x === undefined || x === null) return null;
  if (typeof x === 'bigint') return fromJSON(x);
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new Error('json: unsupported value: ' + String(x));
    return x;
  }
  if (typeof x === 'boolean' || typeof x === 'string') return x;
  if (x instanceof Date) return x.toISOString();
  if (Array.isArray(x)) return x.map(yamlToValue);
  if (x instanceof Map) {
    const o = new ObjectValue();
    for (const [k, v] of x) o.set(typeof k === 'string' ? k : String(k), yamlToValue(v));
    return o;
  }
  if (x instanceof Set) return makeSet([...x].map(yamlToValue));
  const o = new ObjectValue();
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) o.set(k, yamlToValue(v));
  return o;
}

/** go-yaml's wording for the yaml package's error codes, as far as they correspond. */
function goYAMLMessage(code: string, message: string): string {
  switch (code) {
    case 'MISSING_CHAR':
      if (message.startsWith('Flow sequence')) return "did not find expected ',' or ']'";
      if (message.startsWith('Flow map')) return "did not find expected ',' or '}'";
      if (message.includes('quote')) return 'found unexpected end of stream';
      break;
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'mapping values are not allowed in this context';
    case 'BAD_INDENT':
      return 'did not find expected key';
    case 'TAB_AS_INDENT':
      return 'found character that cannot start any token';
    default:
      break;
  }
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').replace(/^./, (c) => c.toLowerCase());
}

/** Parse YAML as OPA does (YAML 1.1 scalars, first document only); throws go-yaml-like errors. */
function parseYAML(s: string): Value {
  const docs: Document.Parsed[] = parseAllDocuments(s, {
    version: '1.1',
    intAsBigInt: true,
    uniqueKeys: true,
    // go-yaml leaves timestamps as strings when decoding into interface{}.
    customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp'),
  }) as Document.Parsed[];
  if (!Array.isArray(docs)) return null;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? 1;
      if (err.code === 'DUPLICATE_KEY') throw new Error(`yaml: unmarshal errors:\n  line ${line}: mapping key already defined`);
      throw new Error(`yaml: line ${line}: ${goYAMLMessage(err.code, err.message)}`);
    }
  }
  const first = docs[0];
  if (!first) return null;
  return yamlToValue(first.toJS({ mapAsMap: false, maxAliasCount: 10000 }));
}

/** go-yaml v2's plain-scalar resolution: whether `s` would read back as a non-string. */
const YAML11_NON_STRING = [
  /^(?:~|null|Null|NULL)?$/,
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:0b[01_]+|0[0-7_]+|0x[0-9a-fA-F_]+|0|[1-9][0-9_]*)$/,
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/,
];

function resolvesToNonString(s: string): boolean {
  return YAML11_NON_STRING.some((re) => re.test(s));
}

/**
 * YAML text as go-yaml v2 emits it (via sigs.k8s.io/yaml): block style, sequences not
 * indented under their key, strings that would read back as another type double-quoted,
 * other strings that cannot be plain single-quoted.
 */
function marshalYAML(v: Value): string {
  const doc = new Document(toPlain(v), { version: '1.1' });
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && !node.value.includes('\n') && resolvesToNonString(node.value)) {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, nullStr: 'null', singleQuote: true });
}

const strToStr = (name: string, description: string, impl: (s: string, fn: string) => Value): BuiltinDecl => ({
  name,
  category: 'encoding',
  args: [{ name: 'x', type: t.string }],
  result: t.string,
  description,
  impl: (args) => impl(expectString(name, args, 0), name),
});

const isValid = (name: string, description: string, check: (s: string) => boolean): BuiltinDecl => ({
  name,
  category: 'encoding',
  args: [{ name: 'x', type: t.string }],
  result: t.boolean,
  description,
  // OPA answers false (not a type error) for a non-string operand.
  impl: (args) => {
    const v = arg(args, 0);
    return typeof v === 'string' && check(v);
  },
});

export const encodingBuiltins: BuiltinDecl[] = [
  strToStr('base64.encode', 'Serializes the input string into base64 encoding.', (s) => encodeBase64(utf8(s))),
  strToStr('base64.decode', 'Deserializes the base64 encoded input string.', (s, fn) => base64Decode(fn, s, false)),
  isValid('base64.is_valid', 'Verifies the input string is base64 encoded.', (s) => {
    try {
      decodeBase64(s);
      return true;
    } catch {
      return false;
    }
  }),
  strToStr('base64url.encode', 'Serializes the input string into base64url encoding.', (s) => encodeBase64(utf8(s), { url: true })),
  strToStr('base64url.encode_no_pad', 'Serializes the input string into base64url encoding without padding.', (s) =>
    encodeBase64(utf8(s), { url: true, padded: false }),
  ),
  strToStr('base64url.decode', 'Deserializes the base64url encoded input string.', (s, fn) => {
    const padded = restoreBase64urlPadding(s);
    if (padded === undefined) throw builtinError(fn, `illegal base64url string: ${s}`);
    return base64Decode(fn, padded, true);
  }),
  strToStr('hex.encode', 'Serializes the input string using hex-encoding.', (s) => utf8(s).toString('hex')),
  strToStr('hex.decode', 'Deserializes the hex-encoded input string.', (s, fn) => hexDecode(fn, s)),
  strToStr('urlquery.encode', 'Encodes the input string into a URL-encoded string.', (s) => queryEscape(s)),
  strToStr('urlquery.decode', 'Decodes a URL-encoded input string.', (s, fn) => {
    try {
      return queryUnescape(s);
    } catch (e) {
      throw builtinError(fn, (e as Error).message);
    }
  }),
  {
    name: 'urlquery.encode_object',
    category: 'encoding',
    args: [{ name: 'object', type: t.object(t.string, t.union(t.string, t.array(t.string), t.set(t.string))) }],
    result: t.string,
    description: 'Encodes the given object into a URL encoded query string.',
    impl: (args) => {
      const fn = 'urlquery.encode_object';
      const o = expectObject(fn, args, 0);
      const values = new Map<string, string[]>();
      const bad = (): never => {
        throw operandError(fn, 0, 'values must be string, array[string], or set[string]');
      };
      for (const [k, v] of o.entries()) {
        const key = typeof k === 'string' ? k : marshalJSON(k);
        if (typeof v === 'string') values.set(key, [v]);
        else if (isArray(v) || isSet(v)) {
          const list: string[] = [];
          for (const x of isArray(v) ? v : v.sorted()) {
            if (typeof x !== 'string') bad();
            list.push(x as string);
          }
          values.set(key, list);
        } else bad();
      }
      return encodeQuery(values);
    },
  },
  {
    name: 'urlquery.decode_object',
    category: 'encoding',
    args: [{ name: 'x', type: t.string }],
    result: t.object(t.string, t.array(t.string)),
    description: 'Decodes the given URL query string into an object.',
    impl: (args) => {
      const fn = 'urlquery.decode_object';
      const s = expectString(fn, args, 0);
      let q: Map<string, string[]>;
      try {
        q = parseQuery(s);
      } catch (e) {
        throw builtinError(fn, (e as Error).message);
      }
      const o = new ObjectValue();
      for (const [k, vs] of q) o.set(k, [...vs]);
      return o;
    },
  },
  {
    name: 'json.marshal',
    category: 'encoding',
    args: [{ name: 'x', type: t.any }],
    result: t.string,
    description: 'Serializes the input term to JSON.',
    impl: (args) => marshalJSON(arg(args, 0)),
  },
  {
    name: 'json.marshal_with_options',
    category: 'encoding',
    args: [
      { name: 'x', type: t.any },
      {
        name: 'opts',
        type: t.object(t.string, t.any),
        description: 'options: `pretty` (boolean), `prefix` and `indent` (strings)',
      },
    ],
    result: t.string,
    description: 'Serializes the input term to JSON, with additional formatting options.',
    impl: (args) => {
      const fn = 'json.marshal_with_options';
      const x = arg(args, 0);
      const opts = expectObject(fn, args, 1);
      let prefix = '';
      let indent = '\t';
      let implicit = false;
      let explicit: boolean | undefined;
      for (const [k, v] of opts.entries()) {
        if (typeof k !== 'string') throw operandError(fn, 1, `failed to stringify key ${marshalJSON(k)}`);
        switch (k) {
          case 'prefix':
          case 'indent':
            if (typeof v !== 'string') throw operandError(fn, 1, `key ${k} failed cast to string: operand must be string but got ${typeName(v)}`);
            if (k === 'prefix') prefix = v;
            else indent = v;
            implicit = true;
            break;
          case 'pretty':
            if (typeof v !== 'boolean') throw operandError(fn, 1, `key ${k} failed cast to bool`);
            explicit = v;
            break;
          default:
            throw operandError(fn, 1, `object contained unknown key ${JSON.stringify(k)}`);
        }
      }
      const pretty = explicit ?? implicit;
      // Go's MarshalIndent does not prefix the first line; OPA adds it.
      return pretty ? prefix + marshalJSON(x, { prefix, indent }) : marshalJSON(x);
    },
  },
  {
    name: 'json.unmarshal',
    category: 'encoding',
    args: [{ name: 'x', type: t.string }],
    result: t.any,
    description: 'Deserializes the input string as JSON.',
    impl: (args) => {
      const fn = 'json.unmarshal';
      const s = expectString(fn, args, 0);
      try {
        return parseJSON(s);
      } catch (e) {
        if (e instanceof JSONSyntaxError) throw builtinError(fn, e.message);
        throw e;
      }
    },
  },
  isValid('json.is_valid', 'Verifies the input string is a valid JSON document.', isValidJSON),
  {
    name: 'yaml.marshal',
    category: 'encoding',
    args: [{ name: 'x', type: t.any }],
    result: t.string,
    description: 'Serializes the input term to YAML.',
    impl: (args) => marshalYAML(arg(args, 0)),
  },
  {
    name: 'yaml.unmarshal',
    category: 'encoding',
    args: [{ name: 'x', type: t.string }],
    result: t.any,
    description: 'Deserializes the input string as YAML.',
    impl: (args) => {
      const fn = 'yaml.unmarshal';
      const s = expectString(fn, args, 0);
      try {
        return parseYAML(s);
      } catch (e) {
        throw builtinError(fn, (e as Error).message);
      }
    },
  },
  isValid('yaml.is_valid', 'Verifies the input string is a valid YAML document.', (s) => {
    try {
      parseYAML(s);
      return true;
    } catch {
      return false;
    }
  }),
];

