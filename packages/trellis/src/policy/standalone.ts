/**
 * Deciding outside a PolicyService, for worker threads (impact analysis): a bundle travels as
 * plain data — its source, version, digest and the limits decisions run within — is compiled
 * once in the worker, and decides exactly as PolicyService.decideAll does (same evaluation,
 * limits, merging and failure rules).
 */
import { evaluateDecision, failedDecision, mergeDecisions, type CompiledBundle, type Decision, type DecisionLimits, type DecisionPoint } from './decide.ts';
import { compileSource, type BundleSource } from './source.ts';

export interface PortableBundle {
  version: number | null;
  digest: string;
  source: BundleSource;
  limits: DecisionLimits;
}

/** Whether a module (tests aside) reads `input.connector` (see CompiledBundle.readsConnector). */
const inputConnector = /\binput\s*(?:\.\s*connector\b(?!s)|\[\s*"connector"\s*\])/;

export function readsInputConnector(modules: Record<string, string>): boolean {
  // Comments aside (a `#` inside a string is rare enough to only cost a per-connector evaluation).
  return Object.entries(modules).some(([path, text]) => !path.endsWith('_test.rego') && inputConnector.test(text.replace(/#.*$/gm, '')));
}

export function compilePortable(p: PortableBundle): CompiledBundle & { limits: DecisionLimits } {
  const compiled = compileSource(p.source);
  return { version: p.version, digest: p.digest, regoVersion: p.source.regoVersion, v0Modules: compiled.v0Modules, readsConnector: readsInputConnector(p.source.modules), policy: compiled.policy, limits: p.limits };
}

/** One merged decision over several documents, never throwing (failures deny, as PolicyService.decide does). */
export function decideDocuments(point: DecisionPoint, bundle: (CompiledBundle & { limits: DecisionLimits }) | null, documents: readonly unknown[]): Decision {
  const started = performance.now();
  const each = documents.map((doc) => {
    try {
      return evaluateDecision(point, bundle, doc, bundle?.limits ?? { timeoutMs: 50, maxSteps: 1_000_000 });
    } catch (err) {
      return failedDecision(point, bundle, 'internal', `policy evaluation failed: ${err instanceof Error ? err.message : String(err)}`, performance.now());
    }
  });
  return mergeDecisions(point, bundle, each, started);
}
