// Installs the workspace's dependencies when they are missing or older than the lockfile,
// so that `npm start` and `npm test` are each one command on a fresh clone.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const marker = 'node_modules/.package-lock.json';
const lock = 'package-lock.json';
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  const cmd = existsSync(lock) ? 'ci' : 'install';
  process.stderr.write(`trellis: installing dependencies (npm ${cmd}); native modules compile from source, this takes a few minutes the first time\n`);
  const r = spawnSync('npm', [cmd, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
