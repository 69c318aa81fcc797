/**
 * `npm run conformance -w packages/rego -- [DIR] [--json FILE] [--filter REGEX] [--update-passing]`
 *
 * Runs the OPA conformance cases under DIR (default: $TRELLIS_CONFORMANCE_DIR, else
 * shared/conformance/opa next to the repository), prints one line per failing case
 * (`category/file: note: reason`) and ends with `N passed, N failed` on its own line.
 * `--json FILE` writes per-category counts; `--update-passing` adds every category that
 * fully passes to `conformance.passing` (never removes one).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultSuiteDir } from './suite-dir.ts';
import { runConformance } from './runner.ts';
import { passingFile, readPassing } from './passing.ts';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let dir: string | undefined;
  let json: string | undefined;
  let filter: RegExp | undefined;
  let update = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = args[++i];
    else if (a === '--filter') filter = new RegExp(args[++i] ?? '');
    else if (a === '--update-passing') update = true;
    else dir = a;
  }
  const root = resolve(dir ?? defaultSuiteDir());
  const summary = await runConformance(root, { filter });
  for (const r of summary.results) {
    if (!r.ok) console.log(`${r.category}/${r.file.split('/').slice(1).join('/') || r.file}: ${r.note}: ${r.reason ?? 'failed'}`);
  }
  if (json) writeFileSync(json, JSON.stringify({ passed: summary.passed, failed: summary.failed, categories: summary.categories }, null, 2) + '\n');
  if (update) {
    const passing = Object.entries(summary.categories)
      .filter(([, s]) => s.failed === 0)
      .map(([c]) => c)
      .sort();
    // The list only grows: a category that regressed stays listed (and fails the test).
    const previous = readPassing();
    const merged = [...new Set([...previous, ...passing])].sort();
    writeFileSync(passingFile, merged.join('\n') + '\n');
    const lost = previous.filter((c) => !passing.includes(c));
    if (lost.length > 0) console.error(`warning: listed categories failing: ${lost.join(', ')}`);
  }
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
