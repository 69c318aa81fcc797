// Installs the workspace's dependencies when they are missing or older than the lockfile,
// so that `npm start` and `npm test` are each one command on a fresh clone.
//
// The first install compiles native modules (better-sqlite3) from source, which takes a few
// minutes and during which npm prints nothing: so say what is happening up front, and print a
// "still installing…" line every 15 seconds until npm is done.
import { existsSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';

const marker = 'node_modules/.package-lock.json';
const lock = 'package-lock.json';
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);

/** 75000 → "1m15s". */
function elapsed(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

if (stale) {
  const cmd = existsSync(lock) ? 'ci' : 'install';
  const first = !existsSync('node_modules');
  const say = (line) => process.stderr.write(`trellis: ${line}\n`);
  say(`installing dependencies (npm ${cmd})${first ? ' for the first time' : ' because package-lock.json changed'}.`);
  say('native modules (the embedded SQLite database) compile from source: this takes a few minutes on a first run, and npm is quiet meanwhile.');
  const started = Date.now();
  // Tests shorten the interval; people never need to.
  const every = Number(process.env.TRELLIS_INSTALL_TICK_MS) || 15_000;
  const tick = setInterval(() => say(`still installing… ${elapsed(Date.now() - started)} so far`), every);
  const child = spawn('npm', [cmd, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  const status = await new Promise((resolve) => {
    child.on('error', (err) => {
      say(`could not run npm: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  clearInterval(tick);
  if (status !== 0) {
    say(`npm ${cmd} failed (exit ${status}) after ${elapsed(Date.now() - started)}; its messages are above. A compiler or Python missing is the usual cause for native modules.`);
    process.exit(status);
  }
  say(`dependencies installed in ${elapsed(Date.now() - started)}.`);
}
