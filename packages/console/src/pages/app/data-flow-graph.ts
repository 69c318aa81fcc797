/**
 * Turns an app's manifest and governance verdict into the graph of where its data comes from and
 * where it goes: connectors → resources → fields → the app → exports and egress hosts. Pure (no
 * React, no DOM) so the same graph feeds the drawn map, the plain list beside it, and the tests.
 */
import type { AppDetail, Classification } from './types.ts';

export type FlowNodeKind = 'connector' | 'resource' | 'field' | 'more' | 'app' | 'export' | 'egress';

export interface FlowNode {
  id: string;
  kind: FlowNodeKind;
  /** The name shown on the node. */
  label: string;
  /** A second line: the node's kind and what matters about it. */
  detail: string;
  tags: string[];
  tier: Classification | null;
  sensitive: boolean;
  /** What a screen reader announces for the node: kind, name and sensitivity in words. */
  ariaLabel: string;
}

/** Which way data moves along an edge: reads flow towards the app, writes away from it. */
export type FlowDirection = 'forward' | 'backward' | 'both';

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  direction: FlowDirection;
  sensitive: boolean;
  /** Drawn on the edge; empty for plain structural edges. */
  label: string;
  ariaLabel: string;
}

/** One line of the accessible list under the map: a path data takes, in words. */
export interface FlowLine {
  id: string;
  stage: 'source' | 'destination';
  text: string;
  sensitive: boolean;
}

export interface DataFlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  flows: FlowLine[];
}

/** A connector's field catalog, as GET /api/v1/connectors/:name answers in `catalog`. */
export interface ConnectorCatalog {
  name: string;
  resources: { name: string; fields: { name: string; tags: string[] }[] }[];
}

/** The part of GET /api/v1/apps/:name the map reads. */
export type DataFlowApp = Pick<AppDetail, 'name' | 'title' | 'classification' | 'manifest'>;

/** Past this many fields of one resource, the fields that are not sensitive fold into one node. */
export const maxFieldsPerResource = 12;

const tierRank: Record<Classification, number> = { public: 0, internal: 1, confidential: 2, restricted: 3 };

/**
 * The governance defaults of docs/governance.md ("Field tags and tiers"), used only for fields the
 * app's own verdict does not cover: the server's table (which admins can change) decides the
 * fields it lists in `classification.because`.
 */
export function defaultTierOfTag(tag: string): Classification {
  if (/^(pii|pci|phi)(\.|$)/.test(tag) || tag === 'secret' || tag === 'restricted' || tag === 'regulated') return 'restricted';
  if (tag === 'confidential') return 'confidential';
  if (tag === 'public') return 'public';
  return 'internal';
}

/** Personal or regulated data is sensitive whatever tier a changed table gives it. */
function isRegulatedTag(tag: string): boolean {
  return /^(pii|pci|phi)(\.|$)/.test(tag) || tag === 'secret' || tag === 'restricted' || tag.startsWith('regulated');
}

export function higherTier(a: Classification | null, b: Classification | null): Classification | null {
  if (a === null) return b;
  if (b === null) return a;
  return tierRank[b] > tierRank[a] ? b : a;
}

export function isSensitive(tier: Classification | null, tags: readonly string[]): boolean {
  return (tier !== null && tierRank[tier] > tierRank.internal) || tags.some(isRegulatedTag);
}

// ---- reading the stored manifest: the server validated it, but the console must not crash on
// a shape it did not expect, so every read checks its type.

interface ManifestResource {
  name: string;
  fields: string[];
  access: string;
}
interface ManifestConnector {
  name: string;
  resources: ManifestResource[];
}
interface ManifestExport {
  destination: string;
  target: string;
  fields: string[];
  inspect: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

export function manifestSpec(manifest: Record<string, unknown>): { connectors: ManifestConnector[]; exports: ManifestExport[]; egress: string[] } {
  const spec = isRecord(manifest.spec) ? manifest.spec : {};
  return {
    connectors: records(spec.connectors).map((c) => ({
      name: str(c.name),
      resources: records(c.resources).map((r) => ({ name: str(r.name), fields: strings(r.fields), access: str(r.access, 'read') })),
    })),
    exports: records(spec.exports).map((e) => ({ destination: str(e.destination), target: str(e.target), fields: strings(e.fields), inspect: e.inspect === true })),
    egress: strings(spec.egress),
  };
}

// ---- words

const accessWords: Record<string, { verb: string; direction: FlowDirection }> = {
  read: { verb: 'reads', direction: 'forward' },
  write: { verb: 'writes', direction: 'backward' },
  'read-write': { verb: 'reads and writes', direction: 'both' },
};

function sensitivityWords(tier: Classification | null, tags: readonly string[]): string {
  const tagText = tags.length > 0 ? ` (${tags.join(', ')})` : '';
  return `${tier ?? 'sensitive'}${tagText}`;
}

/** "slack #hr-leave" — the export's kind and where it delivers. */
export function exportName(e: { destination: string; target: string }): string {
  return `${e.destination} ${e.target}`;
}

/**
 * The graph of an app's data flows. Field sensitivity comes from the app's own classification
 * (`because`, computed by the server with its tag → tier table), then from the connector field
 * catalogs when given, with the default table for their tags.
 */
export function buildDataFlowGraph(app: DataFlowApp, connectors: readonly ConnectorCatalog[] = []): DataFlowGraph {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const flows: FlowLine[] = [];
  const spec = manifestSpec(app.manifest);
  const appId = 'app';
  const appLabel = app.title ? `${app.title} (${app.name})` : app.name;
  const effective = app.classification.effective;

  // What the server said about each bound field: its tags and tier (catalog and sample reasons).
  const verdict = new Map<string, { tags: Set<string>; tier: Classification | null }>();
  for (const r of app.classification.because) {
    const v = verdict.get(r.field) ?? { tags: new Set<string>(), tier: null };
    for (const t of r.tags) v.tags.add(t);
    v.tier = higherTier(v.tier, r.tier);
    verdict.set(r.field, v);
  }
  const catalogTags = new Map<string, string[]>();
  for (const c of connectors) for (const r of c.resources) for (const f of r.fields) catalogTags.set(`${c.name}.${r.name}.${f.name}`, f.tags);

  const fieldFacts = (path: string): { tags: string[]; tier: Classification | null } => {
    const v = verdict.get(path);
    const fromCatalog = catalogTags.get(path) ?? [];
    const tags = [...new Set([...(v ? [...v.tags] : []), ...fromCatalog])].sort();
    let tier = v?.tier ?? null;
    // The verdict lists only tagged fields; a catalog tag it does not cover gets the default tier.
    for (const t of fromCatalog) if (!v?.tags.has(t)) tier = higherTier(tier, defaultTierOfTag(t));
    return { tags, tier };
  };

  // Exports name fields without their connector: like the server, match them among bound fields.
  const boundByName = new Map<string, { tags: Set<string>; tier: Classification | null }>();

  nodes.push({
    id: appId,
    kind: 'app',
    label: appLabel,
    detail: `app · ${effective ?? 'unclassified'}`,
    tags: [],
    tier: effective,
    sensitive: isSensitive(effective, []),
    ariaLabel: `App ${appLabel}, classified ${effective ?? 'not yet'}`,
  });

  for (const c of spec.connectors) {
    const connectorId = `connector:${c.name}`;
    let connectorSensitive = false;
    const connectorNodeIndex = nodes.length;
    nodes.push({ id: connectorId, kind: 'connector', label: c.name, detail: 'connector', tags: [], tier: null, sensitive: false, ariaLabel: '' });

    for (const r of c.resources) {
      const resourceId = `resource:${c.name}.${r.name}`;
      const access = accessWords[r.access] ?? accessWords.read!;
      const facts = r.fields.map((f) => ({ name: f, path: `${c.name}.${r.name}.${f}`, ...fieldFacts(`${c.name}.${r.name}.${f}`) }));
      for (const f of facts) {
        const seen = boundByName.get(f.name) ?? { tags: new Set<string>(), tier: null };
        for (const t of f.tags) seen.tags.add(t);
        seen.tier = higherTier(seen.tier, f.tier);
        boundByName.set(f.name, seen);
      }
      const sensitiveFields = facts.filter((f) => isSensitive(f.tier, f.tags));
      const resourceSensitive = sensitiveFields.length > 0;
      connectorSensitive ||= resourceSensitive;
      const resourceTier = facts.reduce<Classification | null>((t, f) => higherTier(t, f.tier), null);
      nodes.push({
        id: resourceId,
        kind: 'resource',
        label: r.name,
        detail: `resource · ${r.access}`,
        tags: [],
        tier: resourceTier,
        sensitive: resourceSensitive,
        ariaLabel: `Resource ${c.name}.${r.name}, the app ${access.verb} ${facts.length} field${facts.length === 1 ? '' : 's'}${resourceSensitive ? `, ${sensitiveFields.length} sensitive` : ''}`,
      });
      edges.push({
        id: `${connectorId}->${resourceId}`,
        source: connectorId,
        target: resourceId,
        direction: access.direction,
        sensitive: resourceSensitive,
        label: '',
        ariaLabel: `${c.name} holds ${r.name}`,
      });

      // A wide resource would bury the map: sensitive fields always get a node, the rest only
      // up to the cap, and what is left is counted in one node (the list below names them all).
      const shown = new Set(sensitiveFields.map((f) => f.name));
      for (const f of facts) if (shown.size < Math.max(maxFieldsPerResource, sensitiveFields.length)) shown.add(f.name);
      const folded = facts.filter((f) => !shown.has(f.name));

      for (const f of facts) {
        const sensitive = isSensitive(f.tier, f.tags);
        const words = sensitive ? sensitivityWords(f.tier, f.tags) : '';
        flows.push({
          id: `flow:${f.path}`,
          stage: 'source',
          text: `${f.path} → ${app.name}: ${access.verb}${sensitive ? `; sensitive, ${words}` : f.tags.length > 0 ? `; ${f.tier ?? 'internal'} (${f.tags.join(', ')})` : ''}`,
          sensitive,
        });
        if (!shown.has(f.name)) continue;
        const fieldId = `field:${f.path}`;
        nodes.push({
          id: fieldId,
          kind: 'field',
          label: f.name,
          detail: f.tags.length > 0 ? f.tags.join(', ') : 'field',
          tags: f.tags,
          tier: f.tier,
          sensitive,
          ariaLabel: `Field ${f.path}${sensitive ? `, sensitive: ${words}` : f.tags.length > 0 ? `, ${f.tags.join(', ')}` : ''}`,
        });
        edges.push({ id: `${resourceId}->${fieldId}`, source: resourceId, target: fieldId, direction: access.direction, sensitive, label: '', ariaLabel: `${r.name} field ${f.name}` });
        edges.push({
          id: `${fieldId}->${appId}`,
          source: fieldId,
          target: appId,
          direction: access.direction,
          sensitive,
          // The arrowheads say which way; the label only has room for the tier.
          label: sensitive ? (f.tier ?? 'sensitive') : '',
          ariaLabel: `${app.name} ${access.verb} ${f.path}${sensitive ? `, sensitive ${words}` : ''}`,
        });
      }
      if (folded.length > 0) {
        const moreId = `more:${c.name}.${r.name}`;
        const label = `${folded.length} more field${folded.length === 1 ? '' : 's'}`;
        nodes.push({ id: moreId, kind: 'more', label, detail: 'not sensitive', tags: [], tier: null, sensitive: false, ariaLabel: `${label} of ${c.name}.${r.name}, none sensitive; listed under the map` });
        edges.push({ id: `${resourceId}->${moreId}`, source: resourceId, target: moreId, direction: access.direction, sensitive: false, label: '', ariaLabel: `${r.name}: ${label}` });
        edges.push({ id: `${moreId}->${appId}`, source: moreId, target: appId, direction: access.direction, sensitive: false, label: '', ariaLabel: `${app.name} ${access.verb} ${label}` });
      }
    }
    const connectorNode = nodes[connectorNodeIndex]!;
    connectorNode.sensitive = connectorSensitive;
    connectorNode.ariaLabel = `Connector ${c.name}, ${c.resources.length} resource${c.resources.length === 1 ? '' : 's'}${connectorSensitive ? ', holds sensitive fields' : ''}`;
  }

  spec.exports.forEach((e, i) => {
    const id = `export:${i}`;
    const name = exportName(e);
    const tags = [...new Set(e.fields.flatMap((f) => [...(boundByName.get(f)?.tags ?? [])]))].sort();
    const tier = e.fields.reduce<Classification | null>((t, f) => higherTier(t, boundByName.get(f)?.tier ?? null), null);
    const sensitive = isSensitive(tier, tags);
    const inspected = e.inspect ? 'inspected by DLP' : 'not inspected by DLP';
    const fieldText = e.fields.length > 0 ? e.fields.join(', ') : 'no fields named';
    nodes.push({
      id,
      kind: 'export',
      label: name,
      detail: `export · ${e.inspect ? 'DLP inspected' : 'not inspected'}`,
      tags,
      tier,
      sensitive,
      ariaLabel: `Export to ${name}: ${fieldText}; ${inspected}${sensitive ? `; sensitive: ${sensitivityWords(tier, tags)}` : ''}`,
    });
    edges.push({
      id: `${appId}->${id}`,
      source: appId,
      target: id,
      direction: 'forward',
      sensitive,
      label: sensitive ? `exports · ${tier ?? 'sensitive'}` : 'exports',
      ariaLabel: `${app.name} exports ${fieldText} to ${name}`,
    });
    flows.push({ id: `flow:${id}`, stage: 'destination', text: `${app.name} → ${name} (export): ${fieldText}; ${inspected}${sensitive ? `; sensitive, ${sensitivityWords(tier, tags)}` : ''}`, sensitive });
  });

  // Egress leaves the gateway uninspected: anything the app holds can go there, so the host is
  // as sensitive as the app's own classification.
  const egressSensitive = isSensitive(effective, []);
  for (const host of spec.egress) {
    const id = `egress:${host}`;
    nodes.push({
      id,
      kind: 'egress',
      label: host,
      detail: 'egress host · outside the gateway',
      tags: [],
      tier: effective,
      sensitive: egressSensitive,
      ariaLabel: `Egress host ${host}, reached outside the gateway${egressSensitive ? `; may receive ${effective} data` : ''}`,
    });
    edges.push({
      id: `${appId}->${id}`,
      source: appId,
      target: id,
      direction: 'forward',
      sensitive: egressSensitive,
      label: egressSensitive ? `egress · ${effective}` : 'egress',
      ariaLabel: `${app.name} may send data to ${host}`,
    });
    flows.push({ id: `flow:${id}`, stage: 'destination', text: `${app.name} → ${host} (egress, outside the gateway)${egressSensitive ? `; may carry ${effective} data` : ''}`, sensitive: egressSensitive });
  }

  return { nodes, edges, flows };
}
