/**
 * The input documents of `data.trellis.admission` (docs/governance.md), pure. One document per
 * connector the app binds, each with `input.connector` set to that connector's name, so a
 * team's module written for one connector (`input.connector == "unapproved-db"`) works
 * unchanged; one document without `connector` when the app binds none. Everything else is the
 * same in every document: the app, its owner, classification, risk, fields, exports, egress,
 * audience, how the change widens the approved scope, and who asks.
 */
import type { AppStatus, Classification, ClassificationResult, Manifest, RiskResult } from '../catalog/index.ts';
import type { ConnectorCatalog } from '../connectors/index.ts';
import { higherTier, type BoundField } from './classify.ts';
import type { OwnerStatus } from './risk.ts';

export type AdmissionKind = 'register' | 'update' | 'submit';

/**
 * Who asks: the credential (id, name, role), the person behind it (`subject`, also as `ref`)
 * and that person's directory attributes for ABAC (department, location, country,
 * employment_type, title, cost_center, organization, division, manager, groups), when the
 * directory knows them.
 */
export interface AdmissionSubject {
  id: string;
  name: string | null;
  role: string | null;
  subject: string | null;
  ref?: string | null;
  [attribute: string]: unknown;
}

export interface AdmissionFacts {
  kind: AdmissionKind;
  manifest: Manifest;
  version: number;
  status: AppStatus;
  approvedAt: string | null;
  owner: string;
  ownerStatus: OwnerStatus;
  classification: ClassificationResult;
  risk: RiskResult;
  fields: readonly BoundField[];
  catalogs: ReadonlyMap<string, ConnectorCatalog>;
  widening: readonly string[];
  openFindings: number;
  subject: AdmissionSubject;
  now: string;
}

export function ownerKind(owner: string): 'user' | 'group' {
  return owner.startsWith('group:') ? 'group' : 'user';
}

/** Whether a tag names personal data (the tiers' defaults treat these as restricted). */
export function isPersonalTag(tag: string): boolean {
  return tag.startsWith('pii.') || tag.startsWith('phi.') || tag.startsWith('pci.') || tag === 'pii' || tag === 'phi' || tag === 'pci';
}

/** Each export with the tags of its fields (looked up among the bound fields by name). */
export function exportsWithTags(manifest: Manifest, fields: readonly BoundField[]) {
  const tagsByName = new Map<string, Set<string>>();
  for (const f of fields) {
    const set = tagsByName.get(f.field) ?? new Set<string>();
    for (const t of f.tags) set.add(t);
    tagsByName.set(f.field, set);
  }
  return (manifest.spec.exports ?? []).map((e) => {
    const exported = e.fields.map((name) => ({ name, tags: [...(tagsByName.get(name) ?? [])].sort() }));
    return { destination: e.destination, target: e.target, inspect: e.inspect === true, fields: exported, pii: exported.some((f) => f.tags.some(isPersonalTag)) };
  });
}

/** The admission documents for one decision: one per bound connector, or one when none. */
export function admissionInputs(f: AdmissionFacts): Record<string, unknown>[] {
  const m = f.manifest;
  const connectors = (m.spec.connectors ?? []).map((use) => {
    const catalog = f.catalogs.get(use.name);
    return {
      name: use.name,
      type: catalog?.type ?? null,
      known: catalog !== undefined,
      tiers: catalog?.tiers ?? [],
      resources: use.resources.map((r) => {
        const resource = catalog?.resources.find((x) => x.name === r.name);
        return {
          name: r.name,
          access: r.access,
          tiers: resource?.tiers ?? catalog?.tiers ?? [],
          fields: f.fields.filter((x) => x.connector === use.name && x.resource === r.name).map((x) => ({ name: x.field, tags: x.tags })),
          ...(r.rowFilters ? { row_filters: r.rowFilters } : {}),
        };
      }),
    };
  });
  const writeGroups = new Map<string, { connector: string; resource: string; fields: string[]; tags: Set<string>; tier: Classification | null }>();
  for (const x of f.fields) {
    if (x.access === 'read') continue;
    const key = `${x.connector}.${x.resource}`;
    const g = writeGroups.get(key) ?? { connector: x.connector, resource: x.resource, fields: [], tags: new Set<string>(), tier: null };
    g.fields.push(x.field);
    for (const t of x.tags) g.tags.add(t);
    // The resource's highest field tier: writing next to restricted data is writing restricted data.
    g.tier = higherTier(g.tier, x.tier);
    writeGroups.set(key, g);
  }
  const base = {
    kind: f.kind,
    app: {
      name: m.metadata.name,
      title: m.metadata.title ?? null,
      owner: f.owner,
      team: m.spec.team ?? null,
      ...(m.spec.purpose !== undefined ? { purpose: m.spec.purpose } : {}),
      runtime: m.spec.runtime ?? 'external',
      template: m.spec.template ?? null,
      version: f.version,
      status: f.status,
      approved_at: f.approvedAt,
      tags: m.metadata.tags ?? [],
      labels: m.metadata.labels ?? {},
      ...(m.spec.retention ? { retention_days: m.spec.retention.days } : {}),
    },
    owner: { ref: f.owner, kind: ownerKind(f.owner), status: f.ownerStatus },
    classification: f.classification,
    risk: f.risk,
    connectors,
    write: writeGroups.size > 0,
    writes: [...writeGroups.values()].map((g) => ({ connector: g.connector, resource: g.resource, fields: g.fields, tags: [...g.tags].sort(), tier: g.tier })),
    exports: exportsWithTags(m, f.fields),
    egress: m.spec.egress ?? [],
    users: { count: m.spec.users?.count ?? null, groups: m.spec.users?.groups ?? [], external: m.spec.users?.external === true },
    change: { widens: f.widening.length > 0, reasons: f.widening },
    findings: f.openFindings,
    subject: f.subject,
    manifest: m,
    now: f.now,
  };
  if (connectors.length === 0) return [base];
  return connectors.map((c) => ({ ...base, connector: c.name }));
}

/**
 * The documents one bundle decides on: one per connector when its modules read
 * `input.connector` (teams' modules written for one connector), else the app's one document.
 */
export function documentsFor(inputs: Record<string, unknown>[], readsConnector: boolean): Record<string, unknown>[] {
  if (readsConnector || inputs.length === 0) return inputs;
  const { connector: _connector, ...base } = inputs[0]!;
  return [base];
}
