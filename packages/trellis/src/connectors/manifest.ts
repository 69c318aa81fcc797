/**
 * Connector manifest validation with located errors, on the catalog's machinery: the same
 * hardened YAML reader (size, depth and alias limits before parsing), the same issue → message
 * translation ("unknown field … did you mean"), the same ordering and cap. Every problem is
 * reported at once with its field path, and for text with its line and column. Pure.
 */
import type { Document, LineCounter } from 'yaml';
import type { FieldError } from '../errors.ts';
import type { YamlLimits } from '../catalog/index.ts';
import { capErrors, compareErrors, documentToJs, formatPath, issueToErrors, locatePath, nodePosition, readYaml, tooDeepAt } from './catalog-kit.ts';
import { connectorManifestSchema, type ConnectorManifest } from './schema.ts';

export const connectorLimits: YamlLimits & { maxErrors: number } = {
  // A field catalog of a few hundred tables with their columns and tags; the server's default
  // body limit (1 MiB) sits above this.
  maxBytes: 768 * 1024,
  maxDepth: 64,
  maxAliasCount: 100,
  maxAliases: 1000,
  maxErrors: 100,
};

export type ConnectorManifestResult = { ok: true; manifest: ConnectorManifest } | { ok: false; errors: FieldError[] };

type Locate = (path: readonly PropertyKey[], atKey: boolean) => { line?: number; column?: number };

function shapeError(value: unknown): FieldError | null {
  if (value === null || value === undefined) return { path: '', message: 'the manifest is empty; expected apiVersion, kind: Connector, metadata and spec' };
  if (typeof value !== 'object' || Array.isArray(value)) return { path: '', message: `the manifest must be a mapping with apiVersion, kind: Connector, metadata and spec, not ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}` };
  return null;
}

function check(value: unknown, limits: typeof connectorLimits, locate?: Locate): ConnectorManifestResult {
  const deepAt = tooDeepAt(value, limits.maxDepth);
  if (deepAt) return { ok: false, errors: [{ path: formatPath(deepAt), message: `is nested deeper than ${limits.maxDepth} levels`, ...(locate ? locate(deepAt, false) : {}) }] };
  const result = connectorManifestSchema.safeParse(value);
  if (result.success) return { ok: true, manifest: result.data };
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    for (const e of issueToErrors(issue, value, connectorManifestSchema)) errors.push({ path: formatPath(e.path), message: e.message, ...(locate ? locate(e.path, e.atKey) : {}) });
  }
  return { ok: false, errors: capErrors(errors.sort(compareErrors), limits.maxErrors) };
}

function locator(doc: Document.Parsed, lineCounter: LineCounter): Locate {
  return (path, atKey) => {
    const loc = locatePath(doc, path);
    if (!loc.found) return nodePosition(lineCounter, loc.keyNode, loc.node, doc.contents);
    return atKey ? nodePosition(lineCounter, loc.keyNode, loc.node) : nodePosition(lineCounter, loc.node, loc.keyNode);
  };
}

/** Parse and validate connector manifest text (YAML or JSON): every error at once, each located. */
export function parseConnectorText(text: string, limits = connectorLimits): ConnectorManifestResult {
  const source = readYaml(text, limits);
  if (source.errors.length > 0) return { ok: false, errors: capErrors(source.errors.sort(compareErrors), limits.maxErrors) };
  if (source.docs.length > 1) {
    return { ok: false, errors: [{ path: '', message: 'a connector manifest holds one document; found several (separated by ---)', ...nodePosition(source.lineCounter, source.docs[1]!.contents) }] };
  }
  const doc = source.docs[0];
  if (!doc) return { ok: false, errors: [{ ...shapeError(undefined)!, line: 1, column: 1 }] };
  const js = documentToJs(doc, source.lineCounter, limits.maxAliasCount);
  if (!js.ok) return { ok: false, errors: [js.error] };
  const shape = shapeError(js.value);
  if (shape) return { ok: false, errors: [{ ...shape, line: 1, column: 1, ...nodePosition(source.lineCounter, doc.contents) }] };
  return check(js.value, limits, locator(doc, source.lineCounter));
}

/** Validate a connector manifest that arrived as parsed JSON: same rules and messages, no positions. */
export function validateConnectorValue(value: unknown, limits = connectorLimits): ConnectorManifestResult {
  const shape = shapeError(value);
  if (shape) return { ok: false, errors: [shape] };
  const deepAt = tooDeepAt(value, limits.maxDepth);
  if (deepAt) return { ok: false, errors: [{ path: formatPath(deepAt), message: `is nested deeper than ${limits.maxDepth} levels` }] };
  const size = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (size > limits.maxBytes) return { ok: false, errors: [{ path: '', message: `the manifest is ${Math.ceil(size / 1024)} KiB; the limit is ${Math.ceil(limits.maxBytes / 1024)} KiB` }] };
  return check(value, limits);
}
