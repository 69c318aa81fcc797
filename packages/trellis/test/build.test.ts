/**
 * The build `npm start` runs (scripts/start.mjs, scripts/build.mjs, build-console.mjs): in a copy
 * of the repository whose node_modules lacks tsx, so only the built JavaScript can run, the first
 * start builds the server and the web console and serves /readyz, `trellis --help` runs from the build, a source edited
 * afterwards makes the build stale (the command no longer uses it), and the next start
 * rebuilds with the edit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('../../..', import.meta.url).pathname);

/** The repository's sources (the console's too) and scripts, and a node_modules that links every package but tsx. */
function copyOfRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'trellis-build-'));
  for (const f of ['package.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/build-console.mjs', 'scripts/start.mjs', 'scripts/ensure-install.mjs']) cpSync(join(repo, f), join(root, f));
  for (const f of ['package.json', 'tsconfig.json', 'index.html', 'vite.config.ts', 'src', 'public']) cpSync(join(repo, 'packages', 'console', f), join(root, 'packages', 'console', f), { recursive: true });
  for (const p of ['dlp', 'rego', 'trellis']) {
    const files = ['package.json', 'tsconfig.json', 'src', ...(p === 'trellis' ? ['bin'] : [])];
    for (const f of files) if (existsSync(join(repo, 'packages', p, f))) cpSync(join(repo, 'packages', p, f), join(root, 'packages', p, f), { recursive: true });
  }
  // npm may keep a workspace's own versions beside it (packages/console/node_modules).
  if (existsSync(join(repo, 'packages', 'console', 'node_modules'))) symlinkSync(join(repo, 'packages', 'console', 'node_modules'), join(root, 'packages', 'console', 'node_modules'));
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name === 'tsx' || name === '.bin') continue;
    symlinkSync(join(repo, 'node_modules', name), join(root, 'node_modules', name));
  }
  return root;
}

/** Runs `node scripts/start.mjs` (what `npm start` runs), waits for /readyz, stops it. */
async function startAndProbe(root: string): Promise<{ stderr: string; readyz: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trellis-build-data-'));
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', '0', '--data-dir', dataDir], { cwd: root, env: { ...process.env, TRELLIS_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((ok) => child.on('exit', () => ok()));
  try {
    const url = await new Promise<string>((ok, fail) => {
      const check = (): void => {
        const m = /is ready at (http:\/\/\S+)/.exec(stdout);
        if (m) ok(m[1]!);
      };
      child.stdout.on('data', check);
      child.on('exit', (code) => fail(new Error(`start exited with ${code}: ${stderr}`)));
    });
    const res = await fetch(`${url}/readyz`);
    return { stderr, readyz: res.status };
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function help(root: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'packages/trellis/bin/trellis.js'), '--help'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the build npm start runs', () => {
  const root = copyOfRepository();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds on the first start and serves from the build; then --help runs from it', { timeout: 180_000 }, async () => {
    const first = await startAndProbe(root);
    expect(first.stderr).toContain('building the JavaScript the server runs (first start)');
    expect(first.readyz).toBe(200);
    expect(existsSync(join(root, 'packages/trellis/dist/cli/main.js'))).toBe(true);
    // The web console is built beside it, where the console module looks for it.
    expect(first.stderr).toContain('building the web console (first start)');
    expect(readFileSync(join(root, 'packages/console/dist/index.html'), 'utf8')).toMatch(/<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js">/);

    const h = help(root);
    expect(h.stderr).toBe('');
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('Usage: trellis');
  });

  it('uses no stale build, and the next start rebuilds with the edited source', { timeout: 180_000 }, async () => {
    const program = join(root, 'packages/trellis/src/cli/program.ts');
    const text = readFileSync(program, 'utf8');
    expect(text).toContain('the governance control plane for micro-apps');
    writeFileSync(program, text.replace('the governance control plane for micro-apps', 'the governance control plane for micro-apps (edited)'));

    // Stale: the command falls back to the TypeScript, which needs tsx, missing here.
    const stale = help(root);
    expect(stale.status).not.toBe(0);
    expect(stale.stderr).toMatch(/tsx/);

    const second = await startAndProbe(root);
    expect(second.stderr).toContain('sources changed since the last build: rebuilding');
    expect(second.readyz).toBe(200);
    const h = help(root);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('micro-apps (edited)');
  });
});
