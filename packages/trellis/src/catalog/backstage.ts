/**
 * Turns a Backstage `catalog-info.yaml` (one or many `---`-separated entities) into a plan:
 * for each entity, the Trellis manifest to register, or why it is skipped or failed. Pure —
 * the service carries out the plan. Only `kind: Component` becomes an app (a micro-app is a
 * component); systems, APIs, groups and the rest are reported as skipped, not errors, so a
 * team can point the import at the catalog file it already has.
 *
 * Mapping: metadata.name (lower-cased, `_` and `.` turned into `-`), title, description,
 * labels, tags → the same metadata; spec.owner → owner (`user:` refs stay users, everything
 * else is a group, which also becomes the team, as Backstage defaults owner refs to groups);
 * type, lifecycle, system and the source entity ref → `trellis.dev/backstage-*` annotations.
 * Optional metadata that Trellis would reject is dropped with a note rather than failing the
 * entity; a missing owner or an unusable name fails it.
 */
import type { Document, LineCounter } from 'yaml';
import type { FieldError } from '../errors.ts';
import { documentErrors, documentToJs, formatPath, nodePosition, readYaml, type YamlLimits } from './located-yaml.ts';
import { issueToErrors } from './manifest.ts';
import { appNamePattern, manifestApiVersion, manifestKind, manifestSchema, type Manifest } from './schema.ts';

export const backstageLimits: YamlLimits = {
  // Catalog files list many entities; allow more than a single manifest.
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxAliasCount: 100,
  maxAliases: 1000,
};

/** Upper bound on entities per import, so one request stays one bounded transaction set. */
export const maxImportEntities = 500;

interface PlanBase {
  /** Position of the entity in the file, from 0. */
  index: number;
  kind: string | null;
  name: string | null;
  line?: number;
}

export type EntityPlan =
  | (PlanBase & { action: 'import'; manifest: Manifest; notes: string[] })
  | (PlanBase & { action: 'skip'; reason: string })
  | (PlanBase & { action: 'fail'; reason: string; errors?: FieldError[] });

export interface ImportPlan {
  /** Problems with the file as a whole (too large, too deep, too many entities). */
  errors: FieldError[];
  entities: EntityPlan[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Backstage entity refs: `[kind:][namespace/]name`; owners default to kind group. */
export function parseOwnerRef(ref: string): { kind: 'user' | 'group'; name: string } | null {
  const m = /^(?:([A-Za-z]+):)?(?:([A-Za-z0-9._-]+)\/)?(.+)$/.exec(ref.trim());
  if (!m) return null;
  const kind = (m[1] ?? 'group').toLowerCase();
  const name = m[3]!;
  if (kind !== 'user' && kind !== 'group') return null;
  // A bare e-mail address names a person, whatever Backstage's default kind says.
  if (m[1] === undefined && name.includes('@')) return { kind: 'user', name };
  return { kind, name };
}

/** Backstage names allow `[A-Za-z0-9._-]`; Trellis names are DNS labels. */
export function toAppName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

const optionalMetadata = ['title', 'description', 'labels', 'annotations', 'tags'] as const;

function mapComponent(entity: Obj, base: PlanBase): EntityPlan {
  const metadata = isObj(entity.metadata) ? entity.metadata : {};
  const spec = isObj(entity.spec) ? entity.spec : {};
  const rawName = str(metadata.name);
  if (!rawName) return { ...base, action: 'fail', reason: 'metadata.name is missing' };
  const name = toAppName(rawName);
  if (name.length === 0 || name.length > 63 || !appNamePattern.test(name)) {
    return { ...base, action: 'fail', reason: `metadata.name "${rawName}" cannot be turned into an app name (a DNS label of at most 63 characters)` };
  }
  const ownerRef = str(spec.owner);
  if (!ownerRef) return { ...base, action: 'fail', reason: 'spec.owner is missing; every Trellis app needs an accountable owner' };
  const owner = parseOwnerRef(ownerRef);
  if (!owner) return { ...base, action: 'fail', reason: `spec.owner "${ownerRef}" is not a user or group reference` };

  const notes: string[] = [];
  if (name !== rawName) notes.push(`name "${rawName}" registered as "${name}"`);
  const namespace = str(metadata.namespace) ?? 'default';
  const annotations: Record<string, string> = {
    ...(isObj(metadata.annotations) ? (metadata.annotations as Record<string, string>) : {}),
    'trellis.dev/imported-from': 'backstage',
    'trellis.dev/backstage-entity-ref': `component:${namespace}/${rawName}`,
  };
  for (const key of ['type', 'lifecycle', 'system'] as const) {
    const v = str(spec[key]);
    if (v) annotations[`trellis.dev/backstage-${key}`] = v;
  }
  const candidate: Obj = {
    apiVersion: manifestApiVersion,
    kind: manifestKind,
    metadata: {
      name,
      ...(metadata.title !== undefined ? { title: metadata.title } : {}),
      ...(metadata.description !== undefined ? { description: metadata.description } : {}),
      ...(metadata.labels !== undefined ? { labels: metadata.labels } : {}),
      annotations,
      ...(metadata.tags !== undefined ? { tags: metadata.tags } : {}),
    },
    spec: {
      owner: `${owner.kind}:${owner.name}`,
      ...(owner.kind === 'group' ? { team: owner.name } : {}),
    },
  };
  return validateCandidate(candidate, base, notes);
}

/** Validate; on failure drop the optional metadata that failed (with a note) and try once more. */
function validateCandidate(candidate: Obj, base: PlanBase, notes: string[]): EntityPlan {
  let result = manifestSchema.safeParse(candidate);
  if (!result.success) {
    const meta = { ...(candidate.metadata as Obj) };
    const bad = new Set<string>();
    for (const issue of result.error.issues) {
      const [top, field] = issue.path;
      if (top === 'metadata' && typeof field === 'string' && (optionalMetadata as readonly string[]).includes(field)) bad.add(field);
    }
    for (const field of bad) {
      delete meta[field];
      notes.push(`metadata.${field} dropped: not valid in a Trellis manifest`);
    }
    if (bad.size > 0) result = manifestSchema.safeParse({ ...candidate, metadata: meta });
  }
  if (result.success) return { ...base, action: 'import', manifest: result.data, notes };
  const errors = result.error.issues.flatMap((i) => issueToErrors(i, candidate)).map((e) => ({ path: formatPath(e.path), message: e.message }));
  return { ...base, action: 'fail', reason: 'the entity does not map to a valid manifest', errors };
}

function planEntity(doc: Document.Parsed, lineCounter: LineCounter, index: number): EntityPlan | null {
  const pos = nodePosition(lineCounter, doc.contents);
  const base: PlanBase = { index, kind: null, name: null, ...('line' in pos ? { line: pos.line } : {}) };
  const syntax = documentErrors(doc, lineCounter);
  if (syntax.length > 0) return { ...base, action: 'fail', reason: 'YAML syntax error', errors: syntax };
  const js = documentToJs(doc, lineCounter, backstageLimits.maxAliasCount);
  if (!js.ok) return { ...base, action: 'fail', reason: js.error.message, errors: [js.error] };
  // Empty documents (a trailing `---`) are not entities.
  if (js.value === null || js.value === undefined) return null;
  if (!isObj(js.value)) return { ...base, action: 'fail', reason: 'an entity must be a mapping' };
  const entity = js.value;
  const kind = str(entity.kind) ?? null;
  const name = isObj(entity.metadata) ? (str(entity.metadata.name) ?? null) : null;
  const located = { ...base, kind, name };
  const apiVersion = str(entity.apiVersion);
  if (!apiVersion?.startsWith('backstage.io/')) {
    return { ...located, action: 'skip', reason: `apiVersion ${apiVersion ?? '(missing)'} is not a Backstage entity (backstage.io/…)` };
  }
  if (kind?.toLowerCase() !== 'component') {
    return { ...located, action: 'skip', reason: `kind ${kind ?? '(missing)'} is not imported; only Component entities become apps` };
  }
  return mapComponent(entity, located);
}

/** Read a catalog-info.yaml and decide, entity by entity, what the import will do. */
export function planBackstageImport(text: string, limits = backstageLimits): ImportPlan {
  const source = readYaml(text, limits);
  // readYaml reports size and depth problems without documents; syntax errors stay per entity.
  if (source.docs.length === 0) return { errors: source.errors, entities: [] };
  const entities: EntityPlan[] = [];
  source.docs.forEach((doc, i) => {
    const plan = planEntity(doc, source.lineCounter, i);
    if (plan) entities.push(plan);
  });
  if (entities.length > maxImportEntities) {
    return { errors: [{ path: '', message: `the file holds ${entities.length} entities; import at most ${maxImportEntities} at a time` }], entities: [] };
  }
  return { errors: [], entities };
}
