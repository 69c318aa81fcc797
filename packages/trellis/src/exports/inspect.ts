/**
 * The export gate's look at a payload, pure: DLP findings become data tags per field (records'
 * keys, and `text` for the free text), the declared fields' catalog tags are added, and the
 * result is the `data.trellis.export` input (docs/governance.md) — tags and counts, never values.
 */
import type { Finding } from '@trellis/dlp';
import { tagOfFinding } from '../dlp/index.ts';

export interface ExportPayload {
  records?: Record<string, unknown>[];
  text?: string;
}

export interface Inspection {
  /** Field name → tags (catalog and detected), sorted. */
  fields: { name: string; tags: string[] }[];
  /** Tags DLP found, sorted. */
  detected: string[];
  /** Findings by DLP entity. */
  entities: Record<string, number>;
}

const personal = /^(?:pii|phi|pci)(?:\.|$)/;

/** The field a finding is in: `$.records[3].comment` → comment, `$.text` → text. */
function fieldOf(path: string | undefined): string {
  const m = /^\$\.records\[\d+\](?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\[("(?:[^"\\]|\\.)*")\])/.exec(path ?? '');
  if (!m) return 'text';
  return m[1] ?? (JSON.parse(m[2]!) as string);
}

/**
 * Tags per field from the findings of a scan of `{ records, text }`, with the catalog's tags
 * for the record keys the export declares.
 */
export function inspectFindings(payload: ExportPayload, findings: readonly Finding[], declared: readonly string[], catalogTags: ReadonlyMap<string, readonly string[]>): Inspection {
  const tags = new Map<string, Set<string>>();
  const add = (field: string, tag: string) => {
    let set = tags.get(field);
    if (!set) tags.set(field, (set = new Set()));
    set.add(tag);
  };
  const keys = new Set<string>();
  for (const r of payload.records ?? []) for (const k of Object.keys(r)) keys.add(k);
  for (const k of keys) {
    tags.set(k, tags.get(k) ?? new Set());
    if (declared.includes(k)) for (const t of catalogTags.get(k) ?? []) add(k, t);
  }
  if (payload.text !== undefined) tags.set('text', tags.get('text') ?? new Set());
  const detected = new Set<string>();
  const entities: Record<string, number> = {};
  for (const f of findings) {
    // Undefined only for an entity name the engine never produces; counted as PII rather than dropped.
    const tag = tagOfFinding(f) ?? 'pii';
    detected.add(tag);
    entities[f.entity] = (entities[f.entity] ?? 0) + 1;
    add(fieldOf(f.path), tag);
  }
  return {
    fields: [...tags].map(([name, set]) => ({ name, tags: [...set].sort() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    detected: [...detected].sort(),
    entities,
  };
}

/** The `data.trellis.export` input for an export as it happens. */
export function exportInput(app: { name: string; owner?: string | undefined; classification: string | null; status: string }, subject: unknown, destination: string, target: string, inspection: Inspection): Record<string, unknown> {
  return {
    app: { name: app.name, ...(app.owner !== undefined ? { owner: app.owner } : {}), classification: app.classification, status: app.status },
    subject: subject ?? null,
    destination,
    target,
    fields: inspection.fields,
    pii: inspection.fields.some((f) => f.tags.some((t) => personal.test(t))),
    inspected: true,
    detected: inspection.detected,
  };
}
