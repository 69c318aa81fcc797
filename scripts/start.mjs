// `npm start`: one Node process that installs the dependencies when they are missing or stale
// (ensure-install.mjs), builds the JavaScript when the build is missing or older than the
// sources (build.mjs), then runs `trellis serve` in this same process with the arguments given
// (`npm start -- --port 9090`).
import { fileURLToPath } from 'node:url';

await import('./ensure-install.mjs');
const { ensureBuilt } = await import('./build.mjs');
try {
  await ensureBuilt();
} catch (err) {
  // esbuild has printed where; the sources do not compile as they are.
  process.stderr.write(`trellis: the build failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  process.exit(1);
}
process.argv.splice(2, 0, 'serve');
process.argv[1] = fileURLToPath(new URL('../packages/trellis/bin/trellis.js', import.meta.url));
await import('../packages/trellis/bin/trellis.js');
