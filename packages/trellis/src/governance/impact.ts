/**
 * Impact analysis: before a bundle is activated, every app in the catalog is decided again
 * under the candidate and under the active bundle, and the apps whose decision changes are
 * listed with the messages gained and lost. Inputs are rebuilt in memory from each app's stored
 * manifest and assessment, a page of apps at a time, so the database is read once per page and
 * memory stays flat however large the catalog.
 */
import type { CatalogService } from '../catalog/index.ts';
import type { CompiledBundle, Decision, PolicyService } from '../policy/index.ts';
import type { ImpactResult } from './schema.ts';
import { documentsFor } from './admission-input.ts';

/** An app as stored, turned into its admission documents (GovernanceService.inputsFor). */
type InputsFor = (app: Awaited<ReturnType<CatalogService['scanForImpact']>>[number]) => Record<string, unknown>[];

const pageSize = 1000;

function difference(a: readonly string[], b: readonly string[]): string[] {
  const set = new Set(b);
  return a.filter((x) => !set.has(x));
}

export async function analyseImpact(
  deps: { catalog: CatalogService; policy: PolicyService; inputsFor: InputsFor },
  candidate: CompiledBundle,
  limit = 1000,
): Promise<ImpactResult> {
  const started = performance.now();
  const active = deps.policy.active();
  const items: ImpactResult['items'] = [];
  let apps = 0;
  let changed = 0;
  const flips = { to_deny: 0, to_allow: 0 };
  let after: string | null = null;
  for (;;) {
    const page = await deps.catalog.scanForImpact(after, pageSize);
    if (page.length === 0) break;
    after = page[page.length - 1]!.name;
    for (const app of page) {
      // A retired app is never decided again; everything else is.
      if (app.status === 'retired') continue;
      apps++;
      const inputs = deps.inputsFor(app);
      const next = deps.policy.decideAll('admission', documentsFor(inputs, candidate.readsConnector), candidate);
      // The decision stored with the version was made under the active bundle when the digests
      // match: it is the "before", and half the evaluations are saved.
      const stored = app.assessment?.decision;
      const before: Pick<Decision, 'result' | 'deny' | 'warn'> =
        active && stored && stored.outcome !== 'draft' && stored.bundle.digest === active.digest
          ? stored
          : active
            ? deps.policy.decideAll('admission', documentsFor(inputs, active.readsConnector), active)
            : deps.policy.decideAll('admission', inputs);
      const added = [...difference(next.deny, before.deny), ...difference(next.warn, before.warn)];
      const removed = [...difference(before.deny, next.deny), ...difference(before.warn, next.warn)];
      if (before.result === next.result && added.length === 0 && removed.length === 0) continue;
      changed++;
      const change = before.result === next.result ? 'messages' : next.result === 'deny' ? 'to_deny' : 'to_allow';
      if (change !== 'messages') flips[change]++;
      if (items.length < limit) {
        items.push({
          app: app.name,
          status: app.status,
          before: { result: before.result, deny: before.deny, warn: before.warn },
          after: { result: next.result, deny: next.deny, warn: next.warn },
          change,
          added,
          removed,
        });
      }
    }
    // Let requests in between pages: an analysis of 100,000 apps must not stall the server.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { apps, changed, flips, bundle: { from: active?.version ?? null, to: candidate.version }, items, truncated: changed > items.length, duration_ms: Math.round(performance.now() - started) };
}
