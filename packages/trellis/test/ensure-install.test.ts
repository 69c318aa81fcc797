/**
 * scripts/ensure-install.mjs, which `npm start` and `npm test` run first: on a fresh clone it
 * says what it is doing and how long it takes, and keeps saying it is alive while npm is quiet.
 * A stand-in `npm` on PATH keeps the test fast and offline.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/ensure-install.mjs', import.meta.url));

function run(npmExit: number): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-ensure-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\nsleep 0.6\nexit ${npmExit}\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  const r = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, TRELLIS_INSTALL_TICK_MS: '100' } });
  return { status: r.status, stderr: r.stderr };
}

describe('ensure-install', () => {
  it('says what a first install does, how long it takes, that it is still going, and when it is done', () => {
    const r = run(0);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('installing dependencies (npm ci) for the first time');
    expect(r.stderr).toContain('native modules (the embedded SQLite database) compile from source: this takes a few minutes on a first run');
    expect(r.stderr).toMatch(/still installing… \d+s so far/);
    expect(r.stderr).toMatch(/dependencies installed in \d+s/);
  });

  it('passes npm\'s failure on, saying what usually causes it', () => {
    const r = run(3);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('npm ci failed (exit 3)');
  });
});
