/**
 * Deciding outside a PolicyService, for worker threads (impact analysis): a bundle travels as
 * plain data — its source, version, digest and the limits decisions run within — is compiled
 * once in the worker, and decides exactly as PolicyService.decideAll does (same evaluation,
 * limits, merging and failure rules).
 */
import { decideMerged, defaultDecisionLimits, type CompiledBundle, type Decision, type DecisionLimits, type DecisionPoint } from './decide.ts';
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

/** One merged decision over several documents, as PolicyService.decideAll makes it. */
export function decideDocuments(point: DecisionPoint, bundle: (CompiledBundle & { limits: DecisionLimits }) | null, documents: readonly unknown[]): Decision {
  return decideMerged(point, bundle, documents, bundle?.limits ?? defaultDecisionLimits);
}
