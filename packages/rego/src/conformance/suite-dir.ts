/**
 * Where the OPA conformance cases are: TRELLIS_CONFORMANCE_DIR, else `shared/conformance/opa`
 * beside the repository (where CI lays out the workplace's shared data), else inside it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export function defaultSuiteDir(): string {
  if (process.env.TRELLIS_CONFORMANCE_DIR) return process.env.TRELLIS_CONFORMANCE_DIR;
  const candidates = [join(repoRoot, '../shared/conformance/opa'), join(repoRoot, 'shared/conformance/opa')];
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}
