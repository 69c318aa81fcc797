/**
 * Classification (C2), pure: which tier an app's data is, and why. Every field the manifest
 * binds is looked up in its connector's field catalog; its tags map to tiers through the
 * tag → tier table (settings); DLP findings in sample records the owner attached add their
 * own tags. Detected = the highest of those tiers; effective = the higher of declared and
 * detected. A connector, resource or field the catalog does not list is an error naming the
 * manifest path, so nothing is classified from a guess.
 */
import type { Classification, ClassificationResult, Locate, Manifest } from '../catalog/index.ts';
import type { FieldError } from '../errors.ts';
import { classifications } from '../catalog/index.ts';
import type { ConnectorCatalog } from '../connectors/index.ts';

/** Tag or tag prefix (`pii.*`) → tier. The most specific entry wins; `*` is the fallback. */
export type TagTierTable = Readonly<Record<string, Classification>>;

export const defaultTagTiers: TagTierTable = {
  'pii.*': 'restricted',
  'pci.*': 'restricted',
  'phi.*': 'restricted',
  secret: 'restricted',
  'secret.*': 'restricted',
  restricted: 'restricted',
  confidential: 'confidential',
  internal: 'internal',
  public: 'public',
  '*': 'internal',
};

export function tierRank(tier: Classification | null): number {
  return tier === null ? -1 : classifications.indexOf(tier);
}

export function higherTier(a: Classification | null, b: Classification | null): Classification | null {
  return tierRank(a) >= tierRank(b) ? a : b;
}

/** The tier of one tag: an exact entry, else the longest matching `prefix.*`, else `*`, else internal. */
export function tierOfTag(tag: string, table: TagTierTable): Classification {
  const exact = table[tag];
  if (exact) return exact;
  const parts = tag.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const hit = table[`${parts.slice(0, n).join('.')}.*`];
    if (hit) return hit;
  }
  return table['*'] ?? 'internal';
}

/** A field the app binds, with its catalog tags: what classification, risk and policy all read. */
export interface BoundField {
  connector: string;
  resource: string;
  field: string;
  access: 'read' | 'write' | 'read-write';
  tags: string[];
  tier: Classification | null;
}

/** A DLP finding in a sample record, reduced to what may be kept: where, and which tag (never the value). */
export interface SampleFinding {
  connector: string;
  resource: string;
  field: string;
  tag: string;
  entity: string;
}

export interface ClassifyResult {
  classification: ClassificationResult;
  fields: BoundField[];
  /** Sample findings whose tag the catalog does not give the field: open findings for review. */
  openFindings: SampleFinding[];
  errors: FieldError[];
}

function highestTier(tags: readonly string[], table: TagTierTable): Classification | null {
  let tier: Classification | null = null;
  for (const t of tags) tier = higherTier(tier, tierOfTag(t, table));
  return tier;
}

/** Resolve every bound field against the field catalogs; unknown names become located errors. */
export function bindFields(manifest: Manifest, catalogs: ReadonlyMap<string, ConnectorCatalog>, table: TagTierTable, locate: Locate): { fields: BoundField[]; errors: FieldError[] } {
  const fields: BoundField[] = [];
  const errors: FieldError[] = [];
  (manifest.spec.connectors ?? []).forEach((use, ci) => {
    const catalog = catalogs.get(use.name);
    if (!catalog) {
      errors.push({ path: `spec.connectors[${ci}].name`, message: `connector "${use.name}" is not defined; an admin defines it with \`trellis connectors apply\``, ...locate(['spec', 'connectors', ci, 'name']) });
      return;
    }
    if (catalog.status !== 'active') {
      errors.push({ path: `spec.connectors[${ci}].name`, message: `connector "${use.name}" is ${catalog.status}; it cannot be bound`, ...locate(['spec', 'connectors', ci, 'name']) });
      return;
    }
    use.resources.forEach((res, ri) => {
      const resource = catalog.resources.find((r) => r.name === res.name);
      if (!resource) {
        const known = catalog.resources.map((r) => r.name).slice(0, 20).join(', ');
        errors.push({ path: `spec.connectors[${ci}].resources[${ri}].name`, message: `connector "${use.name}" has no resource "${res.name}"${known ? ` (it has ${known})` : ''}`, ...locate(['spec', 'connectors', ci, 'resources', ri, 'name']) });
        return;
      }
      const byName = new Map(resource.fields.map((f) => [f.name, f]));
      res.fields.forEach((name, fi) => {
        const f = byName.get(name);
        if (!f) {
          errors.push({ path: `spec.connectors[${ci}].resources[${ri}].fields[${fi}]`, message: `field "${name}" is not in the field catalog of ${use.name}.${res.name}`, ...locate(['spec', 'connectors', ci, 'resources', ri, 'fields', fi]) });
          return;
        }
        fields.push({ connector: use.name, resource: res.name, field: name, access: res.access, tags: [...f.tags], tier: highestTier(f.tags, table) });
      });
    });
  });
  return { fields, errors };
}

/** Classify from bound fields and sample findings (both already resolved). */
export function classify(manifest: Manifest, fields: readonly BoundField[], samples: readonly SampleFinding[], table: TagTierTable): Pick<ClassifyResult, 'classification' | 'openFindings'> {
  const because: ClassificationResult['because'] = [];
  let detected: Classification | null = null;
  for (const f of fields) {
    if (f.tier === null || f.tags.length === 0) continue;
    detected = higherTier(detected, f.tier);
    because.push({ source: 'catalog', field: `${f.connector}.${f.resource}.${f.field}`, tags: f.tags, tier: f.tier });
  }
  const tagged = new Map(fields.map((f) => [`${f.connector}.${f.resource}.${f.field}`, f.tags]));
  const openFindings: SampleFinding[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    const field = `${s.connector}.${s.resource}.${s.field}`;
    const key = `${field}\u0000${s.tag}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const tier = tierOfTag(s.tag, table);
    detected = higherTier(detected, tier);
    because.push({ source: 'sample', field, tags: [s.tag], tier });
    // The catalog should have said so: a finding its tags do not cover is an open finding.
    const tags = tagged.get(field) ?? [];
    if (!tags.some((t) => t === s.tag || s.tag.startsWith(`${t}.`) || tierRank(tierOfTag(t, table)) >= tierRank(tier))) openFindings.push(s);
  }
  // Highest tier first, so the reason that decided the tier leads the list.
  because.sort((a, b) => tierRank(b.tier) - tierRank(a.tier) || a.field.localeCompare(b.field));
  const declared = manifest.spec.classification ?? null;
  return { classification: { declared, detected, effective: higherTier(declared, detected), because }, openFindings };
}
