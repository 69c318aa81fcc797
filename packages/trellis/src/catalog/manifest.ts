/**
 * Manifest validation with located errors. `parseManifestText` reads YAML or JSON text and
 * reports every problem at once — syntax, unknown fields, wrong types, bad names — each with
 * its field path and the line and column of the offending node (for a missing field, of its
 * parent's key), so an author fixes the whole file in one pass. `validateManifestValue` does
 * the same for an already-parsed JSON body, without positions. Both are pure.
 */
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import type { FieldError } from '../errors.ts';
import { documentToJs, formatPath, locatePath, nodePosition, readYaml, type YamlLimits } from './located-yaml.ts';
import { manifestSchema, type Manifest } from './schema.ts';

export const manifestLimits: YamlLimits & { maxErrors: number } = {
  // A manifest is a page of YAML; 256 KiB leaves room for long field lists and still stops a
  // pasted data dump. The server's body limit (413) sits above this.
  maxBytes: 256 * 1024,
  maxDepth: 64,
  maxAliasCount: 100,
  maxAliases: 1000,
  // Enough to fix a file in one pass, not so many that a garbage upload floods the response.
  maxErrors: 100,
};

/** Where a path of the manifest sits in its source text (empty when there is no text, e.g. a JSON body). */
export type Locate = (path: readonly PropertyKey[]) => { line?: number; column?: number };

export type ManifestResult = { ok: true; manifest: Manifest; locate: Locate } | { ok: false; errors: FieldError[] };

const nowhere: Locate = () => ({});

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a fractional number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}

const expectedNames: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
};

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

// zod's stock messages start with these words; our own messages in schema.ts never do.
const stockMessage = /^(Invalid|Too (small|big)|Expected|Unrecognized)/;

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, small: boolean): string {
  const bound = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
  const word = small ? 'at least' : 'at most';
  switch (issue.origin) {
    case 'string':
      return `must be ${word} ${bound} characters long`;
    case 'array':
    case 'set':
      return `must have ${word} ${bound} entries`;
    default:
      return `must be ${word} ${bound}`;
  }
}

/** The parts of a zod schema's definition that say which keys an object at a path may have. */
interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  element?: { _zod: { def: SchemaDef } };
  innerType?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
  valueType?: { _zod: { def: SchemaDef } };
  options?: { _zod: { def: SchemaDef } }[];
  getter?: () => { _zod: { def: SchemaDef } };
}

/** The keys the object schemas at `path` of `schema` declare (several for a union). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let defs: SchemaDef[] = [(schema as unknown as { _zod: { def: SchemaDef } })._zod.def];
  const unwrap = (d: SchemaDef): SchemaDef[] => {
    const inner = d.innerType ?? d.in ?? (d.type === 'lazy' && d.getter ? d.getter() : undefined);
    if (inner) return unwrap(inner._zod.def);
    if (d.type === 'union' && d.options) return d.options.flatMap((o) => unwrap(o._zod.def));
    return [d];
  };
  for (const seg of path) {
    defs = defs.flatMap(unwrap).flatMap((d) => {
      if (d.type === 'object' && d.shape && typeof seg === 'string' && seg in d.shape) return [d.shape[seg]!._zod.def];
      if (d.type === 'array' && d.element && typeof seg === 'number') return [d.element._zod.def];
      if (d.type === 'record' && d.valueType) return [d.valueType._zod.def];
      return [];
    });
  }
  return [...new Set(defs.flatMap(unwrap).flatMap((d) => (d.type === 'object' && d.shape ? Object.keys(d.shape) : [])))];
}

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** The known key closest to a misspelt one, within two edits (case ignored); the first on a tie. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase(), 2);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/**
 * One located error per zod issue; an unknown-keys issue becomes one error per key, suggesting
 * the closest field `schema` declares there ("did you mean `owner`?") when one is near.
 */
export function issueToErrors(issue: z.core.$ZodIssue, input: unknown, schema?: z.ZodType): { path: PropertyKey[]; message: string; atKey: boolean }[] {
  const path = [...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schema ? knownKeysAt(schema, path) : [];
      return issue.keys.map((k) => {
        const near = closestKey(k, known.filter((x) => !issue.keys.includes(x)));
        return { path: [...path, k], message: `unknown field "${k}"${near ? `; did you mean \`${near}\`?` : ''}`, atKey: true };
      });
    }
    case 'invalid_type': {
      const actual = valueAt(input, path);
      if (actual === undefined) return [{ path, message: 'is required', atKey: false }];
      const expected = expectedNames[issue.expected] ?? issue.expected;
      return [{ path, message: `must be ${expected}, not ${describe(actual)}`, atKey: false }];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const message = values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
      return [{ path, message, atKey: false }];
    }
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? issue.message;
      const key = path[path.length - 1];
      return [{ path, message: `key "${String(key)}" ${stockMessage.test(inner) ? 'is not allowed' : inner}`, atKey: true }];
    }
    case 'invalid_union':
      return [{ path, message: `is not valid here (got ${describe(valueAt(input, path))})`, atKey: false }];
    case 'too_small':
      return [{ path, message: stockMessage.test(issue.message) ? sizeMessage(issue, true) : issue.message, atKey: false }];
    case 'too_big':
      return [{ path, message: stockMessage.test(issue.message) ? sizeMessage(issue, false) : issue.message, atKey: false }];
    default:
      return [{ path, message: issue.message, atKey: false }];
  }
}

export function compareErrors(a: FieldError, b: FieldError): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.path.localeCompare(b.path);
}

export function capErrors(errors: FieldError[], max: number): FieldError[] {
  if (errors.length <= max) return errors;
  return [...errors.slice(0, max), { path: '', message: `${errors.length - max} more errors not shown` }];
}

function schemaErrors(value: unknown, locate?: (path: readonly PropertyKey[], atKey: boolean) => { line?: number; column?: number }): FieldError[] | Manifest {
  const result = manifestSchema.safeParse(value);
  if (result.success) return result.data;
  const out: FieldError[] = [];
  for (const issue of result.error.issues) {
    for (const e of issueToErrors(issue, value, manifestSchema)) {
      out.push({ path: formatPath(e.path), message: e.message, ...(locate ? locate(e.path, e.atKey) : {}) });
    }
  }
  return out.sort(compareErrors);
}

function locator(doc: Document.Parsed, lineCounter: LineCounter) {
  return (path: readonly PropertyKey[], atKey: boolean): { line?: number; column?: number } => {
    const loc = locatePath(doc, path);
    if (!loc.found) return nodePosition(lineCounter, loc.keyNode, loc.node, doc.contents);
    return atKey ? nodePosition(lineCounter, loc.keyNode, loc.node) : nodePosition(lineCounter, loc.node, loc.keyNode);
  };
}

function notAMapping(value: unknown): FieldError[] | null {
  if (value === null || value === undefined) return [{ path: '', message: 'the manifest is empty; expected apiVersion, kind, metadata and spec'}];
  if (typeof value !== 'object' || Array.isArray(value)) return [{ path: '', message: `the manifest must be a mapping with apiVersion, kind, metadata and spec, not ${describe(value)}` }];
  return null;
}

/**
 * The path to the first value nested deeper than `maxDepth`, or null. Iterative on purpose: it
 * runs before anything recursive (JSON.stringify, zod) sees a parsed body, which a JSON parser
 * hands over however deep it is.
 */
export function tooDeepAt(value: unknown, maxDepth: number): PropertyKey[] | null {
  const pending: Array<{ value: unknown; path: PropertyKey[] }> = [{ value, path: [] }];
  while (pending.length > 0) {
    const { value: v, path } = pending.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const keys: PropertyKey[] = Array.isArray(v) ? Array.from(v.keys()) : Object.keys(v);
    if (keys.length === 0) continue;
    if (path.length >= maxDepth) return [...path, keys[0]!];
    for (const k of keys) pending.push({ value: (v as Record<PropertyKey, unknown>)[k], path: [...path, k] });
  }
  return null;
}

function depthErrors(value: unknown, maxDepth: number, locate?: (path: readonly PropertyKey[], atKey: boolean) => { line?: number; column?: number }): FieldError[] | null {
  const path = tooDeepAt(value, maxDepth);
  if (path === null) return null;
  return [{ path: formatPath(path), message: `is nested deeper than ${maxDepth} levels`, ...(locate ? locate(path, false) : {}) }];
}

/** Validate one document already read by `readYaml`, locating errors in it. */
export function validateManifestDocument(doc: Document.Parsed, lineCounter: LineCounter, limits = manifestLimits): ManifestResult {
  const js = documentToJs(doc, lineCounter, limits.maxAliasCount);
  if (!js.ok) return { ok: false, errors: [js.error] };
  const shape = notAMapping(js.value);
  if (shape) return { ok: false, errors: shape.map((e) => ({ ...e, line: 1, column: 1, ...nodePosition(lineCounter, doc.contents) })) };
  const locate = locator(doc, lineCounter);
  // the text's nesting was checked before parsing; aliases can still nest the value deeper
  const deep = depthErrors(js.value, limits.maxDepth, locate);
  if (deep) return { ok: false, errors: deep };
  const checked = schemaErrors(js.value, locate);
  return Array.isArray(checked) ? { ok: false, errors: capErrors(checked, limits.maxErrors) } : { ok: true, manifest: checked, locate: (path) => locate(path, false) };
}

/** Parse and validate manifest text (YAML or JSON). Every error at once, each located. */
export function parseManifestText(text: string, limits = manifestLimits): ManifestResult {
  const source = readYaml(text, limits);
  if (source.errors.length > 0) return { ok: false, errors: capErrors(source.errors.sort(compareErrors), limits.maxErrors) };
  if (source.docs.length > 1) {
    const second = source.docs[1]!;
    return {
      ok: false,
      errors: [{ path: '', message: 'a manifest holds one document; found several (separated by ---)', ...nodePosition(source.lineCounter, second.contents) }],
    };
  }
  const doc = source.docs[0];
  if (!doc) return { ok: false, errors: notAMapping(undefined)!.map((e) => ({ ...e, line: 1, column: 1 })) };
  return validateManifestDocument(doc, source.lineCounter, limits);
}

/** Validate a manifest that arrived as parsed JSON: same rules and messages, no positions. */
export function validateManifestValue(value: unknown, limits = manifestLimits): ManifestResult {
  const shape = notAMapping(value);
  if (shape) return { ok: false, errors: shape };
  const deep = depthErrors(value, limits.maxDepth);
  if (deep) return { ok: false, errors: deep };
  const size = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (size > limits.maxBytes) {
    return { ok: false, errors: [{ path: '', message: `the manifest is ${Math.ceil(size / 1024)} KiB; the limit is ${Math.ceil(limits.maxBytes / 1024)} KiB` }] };
  }
  const checked = schemaErrors(value);
  return Array.isArray(checked) ? { ok: false, errors: capErrors(checked, limits.maxErrors) } : { ok: true, manifest: checked, locate: nowhere };
}
