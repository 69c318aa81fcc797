// Runs the whole test suite with vitest and ends with the plain summary line
// `N passed, N failed` so any CI can read the outcome. Storage tests run on SQLite, and also
// on PostgreSQL when TRELLIS_TEST_DATABASE_URL is set. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The browser tests drive the built console: build it first when it is missing or stale.
const { ensureConsoleBuilt } = await import('./build-console.mjs');
await ensureConsoleBuilt();

const out = join(mkdtempSync(join(tmpdir(), 'trellis-vitest-')), 'results.json');
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
if (!process.env.TRELLIS_TEST_DATABASE_URL) {
  process.stderr.write('note: TRELLIS_TEST_DATABASE_URL is not set; storage tests run on SQLite only\n');
}
const r = spawnSync('npx', args, { stdio: 'inherit' });
let passed = 0;
let failed = 0;
if (existsSync(out)) {
  const res = JSON.parse(readFileSync(out, 'utf8'));
  passed = res.numPassedTests ?? 0;
  // A failed test fails its suites and file too, so counting suites as well counted it twice or
  // more; only a file that failed with no failed test (it did not load) adds to the tests.
  const brokenFiles = (res.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  failed = (res.numFailedTests ?? 0) + brokenFiles;
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(r.status ?? 1);
