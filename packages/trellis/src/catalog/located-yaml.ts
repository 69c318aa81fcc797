/**
 * Reading untrusted YAML (or JSON, which YAML 1.2 contains) while keeping where every node
 * came from, so a validation error can name its line and column. Hostile input is stopped
 * before it costs anything: the size is checked first, nesting depth is measured on the
 * concrete syntax tree (an iterative walk) before the recursive composer ever sees it —
 * deeply nested flow collections otherwise exhaust the stack, and past ~10,000 levels V8
 * aborts the whole process instead of throwing — and alias expansion is capped
 * (`maxAliasCount`) against "billion laughs", as is the number of aliases (`maxAliases`).
 */
import { Composer, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, visit, type Document, type Node as YamlNode } from 'yaml';
import type { CST } from 'yaml';
import { lineColumnAt, type FieldError } from '../errors.ts';

export interface YamlLimits {
  maxBytes: number;
  /** Deepest collection nesting allowed; manifests need about ten levels. */
  maxDepth: number;
  maxAliasCount: number;
  /** Alias nodes (`*name`) allowed in the text. The YAML library expands a chain of aliases
   *  (each anchor holding an alias of the one before) in time that grows with the square of its
   *  length — 40,000 links in a megabyte took 25 s — so they are counted before it runs. */
  maxAliases: number;
}

export interface YamlSource {
  docs: Document.Parsed[];
  lineCounter: LineCounter;
  errors: FieldError[];
}

/** `spec.connectors[0].access`; keys that are not plain words are quoted: `metadata.labels["example.com/x"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function at(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

// The lexer's markers for document start, flow end and scalars carry no source text.
const lexerMarkers = new Set(['\u0002', '\u0018', '\u001f']);

/**
 * A cheap first look at nesting: flow brackets, and block indicators (`- - - x`) on one line,
 * counted on the lexer's token stream with an early exit. Building the CST of a 200 KB
 * bracket bomb takes most of a second; this stops it after the first few dozen tokens.
 * Returns the offset where `limit` was passed, or null (the CST walk stays the real check).
 */
export function lexicalDepthOverflow(text: string, limit: number): number | null {
  let flow = 0;
  let indicators = 0;
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (tok === '[' || tok === '{') {
      if (++flow > limit) return offset;
    } else if (tok === ']' || tok === '}') {
      flow = Math.max(0, flow - 1);
    } else if (tok === '-' || tok === '?') {
      if (++indicators > limit) return offset;
    } else if (tok === '\n' || tok === '\r\n') {
      indicators = 0;
    }
    if (!lexerMarkers.has(tok)) offset += tok.length;
  }
  return null;
}

/**
 * The deepest collection nesting in a CST and the offset where `limit` was first passed, and
 * how many alias nodes it holds with the offset of the first (in the text) past `aliasLimit`.
 * Iterative on purpose:
 * this runs before anything recursive touches the input.
 */
export function measureTokens(tokens: readonly CST.Token[], limit: number, aliasLimit = Infinity): { depth: number; overAt: number | null; aliases: number; aliasOverAt: number | null } {
  let max = 0;
  let overAt: number | null = null;
  const aliases: number[] = [];
  const stack: { token: CST.Token | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (depth > max) max = depth;
    if (depth > limit && overAt === null) overAt = token.offset;
    if (token.type === 'alias') aliases.push(token.offset);
    if (token.type === 'document') {
      if (token.value) stack.push({ token: token.value, depth });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (const item of token.items) {
        if ('key' in item && item.key) stack.push({ token: item.key, depth: depth + 1 });
        if (item.value) stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  // the walk meets nodes last to first; the author wants the first alias too many
  const aliasOverAt = aliases.length > aliasLimit ? aliases.sort((a, b) => a - b)[aliasLimit]! : null;
  return { depth: max, overAt, aliases: aliases.length, aliasOverAt };
}

/**
 * Parse `text` into located YAML documents. Errors (size, depth, syntax, duplicate keys) come
 * back as values with line and column; `docs` is empty when the input could not be read.
 */
export function readYaml(text: string, limits: YamlLimits): YamlSource {
  const lineCounter = new LineCounter();
  const size = byteLength(text);
  if (size > limits.maxBytes) {
    return {
      docs: [],
      lineCounter,
      errors: [{ path: '', message: `the document is ${formatBytes(size)}; the limit is ${formatBytes(limits.maxBytes)}` }],
    };
  }
  const early = lexicalDepthOverflow(text, limits.maxDepth);
  if (early !== null) return { docs: [], lineCounter, errors: [{ path: '', message: `the document nests deeper than ${limits.maxDepth} levels`, ...lineColumnAt(text, early) }] };
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const { overAt, aliasOverAt } = measureTokens(tokens, limits.maxDepth, limits.maxAliases);
  if (overAt !== null) {
    return {
      docs: [],
      lineCounter,
      errors: [{ path: '', message: `the document nests deeper than ${limits.maxDepth} levels`, ...at(lineCounter, overAt) }],
    };
  }
  if (aliasOverAt !== null) {
    return { docs: [], lineCounter, errors: [{ path: '', message: `the document has more than ${limits.maxAliases} aliases`, ...at(lineCounter, aliasOverAt) }] };
  }
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, strict: true });
  const docs = Array.from(composer.compose(tokens, true, text.length));
  return { docs, lineCounter, errors: docs.flatMap((doc) => documentErrors(doc, lineCounter)) };
}

/** One document's syntax errors, located. Warnings (unknown tags, collection keys) count as errors: the input is plain data. */
export function documentErrors(doc: Document.Parsed, lineCounter: LineCounter): FieldError[] {
  return [...doc.errors, ...doc.warnings].map((e) => ({ path: '', message: `YAML: ${e.message}`, ...at(lineCounter, e.pos[0]) }));
}

export type ToJsResult = { ok: true; value: unknown } | { ok: false; error: FieldError };

/** The first mapping key that is not a plain scalar (`? [a, b]: 1`), which plain data cannot hold. */
function collectionKey(doc: Document.Parsed): YamlNode | undefined {
  let found: YamlNode | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (pair.key !== null && !isScalar(pair.key)) {
        found = pair.key as YamlNode;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The document as plain data, with alias expansion capped. */
export function documentToJs(doc: Document.Parsed, lineCounter: LineCounter, maxAliasCount: number): ToJsResult {
  // Refused here rather than stringified by the YAML library, which also warns on the process's stderr.
  const key = collectionKey(doc);
  if (key) return { ok: false, error: { path: '', message: 'YAML: a mapping key must be a plain value, not a list or mapping', ...at(lineCounter, key.range?.[0] ?? 0) } };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount }) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const start = doc.contents?.range[0] ?? 0;
    return { ok: false, error: { path: '', message: `YAML: ${message}`, ...at(lineCounter, start) } };
  }
}

function scalarKey(node: unknown): string | undefined {
  if (isScalar(node)) return String(node.value);
  return undefined;
}

/** Where a path lands in a document: the value node, or the nearest existing ancestor. */
export interface Located {
  /** The whole path exists in the document. */
  found: boolean;
  /** The key whose value the path reached last (for a missing field: its parent's key). */
  keyNode: YamlNode | null;
  /** The node the path reached (when found, the value itself). */
  node: YamlNode | null;
}

export function locatePath(doc: Document.Parsed, path: readonly PropertyKey[]): Located {
  let node: YamlNode | null = (doc.contents as YamlNode | null) ?? null;
  let keyNode: YamlNode | null = null;
  for (const seg of path) {
    if (node && isAlias(node)) node = (node.resolve(doc) as YamlNode | undefined) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((p) => scalarKey(p.key) === String(seg));
      if (!pair) return { found: false, keyNode, node };
      keyNode = pair.key as YamlNode;
      node = (pair.value as YamlNode | null) ?? null;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      keyNode = null;
      node = (node.items[seg] as YamlNode | null) ?? null;
    } else {
      return { found: false, keyNode, node };
    }
  }
  return { found: true, keyNode, node };
}

/** Line and column for a node: its own start, else its key's. */
export function nodePosition(lineCounter: LineCounter, ...candidates: (YamlNode | null | undefined)[]): { line: number; column: number } | Record<string, never> {
  for (const n of candidates) {
    // A block collection's range can begin at the line break before its first entry
    // (after `---`); its first key is where a reader looks.
    const first = isMap(n) && !n.flow ? (n.items[0]?.key as YamlNode | undefined) : undefined;
    const range = first?.range ?? n?.range;
    if (range) return at(lineCounter, range[0]);
  }
  return {};
}
