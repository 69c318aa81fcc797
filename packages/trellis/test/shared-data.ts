/**
 * Where the workplace's shared test data lives: `../shared` beside the repository (as CI lays
 * it out), or TRELLIS_SHARED_DIR. Tests that need it fail loudly in CI when it is missing
 * rather than skipping silently.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const sharedDir: string = process.env.TRELLIS_SHARED_DIR ?? [join(repoRoot, '../shared'), '/work/shared'].find((d) => existsSync(d)) ?? join(repoRoot, '../shared');

export const sharedAvailable: boolean = existsSync(sharedDir);
