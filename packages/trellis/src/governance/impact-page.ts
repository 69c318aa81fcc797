/**
 * One page of impact analysis, pure: each app's stored row decided again under the candidate
 * and the active bundle (or the stored decision standing for the active one, when it was made
 * under the same digest), and the apps whose decision changes. The same function runs in this
 * thread and in impact analysis' worker threads, so both give the same answer.
 */
import type { AppStatus, Assessment, Manifest } from '../catalog/index.ts';
import type { CompiledBundle, Decision } from '../policy/index.ts';
import type { ImpactResult } from './schema.ts';
import { documentsFor } from './admission-input.ts';
import { storedAppInputs, type InputContext } from './stored-inputs.ts';

/** An app as the catalog stores it (CatalogService.scanForImpact): manifest and assessment as JSON text. */
export interface StoredRow {
  name: string;
  status: string;
  version: number;
  approvedAt: string | null;
  manifest: string;
  assessment: string | null;
}

export type Summary = Pick<Decision, 'result' | 'deny' | 'warn'>;

export interface PageResult {
  apps: number;
  flips: { to_deny: number; to_allow: number };
  /** Every app of the page whose decision changes, in page order. */
  changed: ImpactResult['items'];
}

type Decide = (bundle: CompiledBundle | null, documents: unknown[]) => Summary;

function difference(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b);
  return a.filter((x) => !set.has(x));
}

export function decidePage(rows: readonly StoredRow[], env: { candidate: CompiledBundle; active: CompiledBundle | null; ctx: InputContext }, decide: Decide): PageResult {
  const { candidate, active } = env;
  const out: PageResult = { apps: 0, flips: { to_deny: 0, to_allow: 0 }, changed: [] };
  for (const row of rows) {
    // A retired app is never decided again; everything else is.
    if (row.status === 'retired') continue;
    out.apps++;
    const assessment = row.assessment ? (JSON.parse(row.assessment) as Assessment) : null;
    const inputs = storedAppInputs({ name: row.name, manifest: JSON.parse(row.manifest) as Manifest, status: row.status as AppStatus, version: row.version, approvedAt: row.approvedAt, assessment }, env.ctx);
    const stored = assessment?.decision;
    const before: Summary =
      active !== null && stored !== undefined && stored.outcome !== 'draft' && stored.bundle.digest === active.digest ? stored : decide(active, active ? documentsFor(inputs, active.readsConnector) : inputs);
    const next = decide(candidate, documentsFor(inputs, candidate.readsConnector));
    const added = [...difference(next.deny, before.deny), ...difference(next.warn, before.warn)];
    const removed = [...difference(before.deny, next.deny), ...difference(before.warn, next.warn)];
    if (before.result === next.result && added.length === 0 && removed.length === 0) continue;
    const change = before.result === next.result ? 'messages' : next.result === 'deny' ? 'to_deny' : 'to_allow';
    if (change !== 'messages') out.flips[change]++;
    out.changed.push({ app: row.name, status: row.status, before: { result: before.result, deny: before.deny, warn: before.warn }, after: { result: next.result, deny: next.deny, warn: next.warn }, change, added, removed });
  }
  return out;
}
