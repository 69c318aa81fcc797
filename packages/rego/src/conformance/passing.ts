/**
 * The committed list of conformance categories that fully pass (`conformance.passing`, one
 * per line, like regorus's `tests/opa.passing`). The conformance test fails if any of them
 * regresses, so the count only grows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const passingFile = fileURLToPath(new URL('../../conformance.passing', import.meta.url));

export function readPassing(): string[] {
  if (!existsSync(passingFile)) return [];
  return readFileSync(passingFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}
