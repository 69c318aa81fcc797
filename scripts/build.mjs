// Builds the server's TypeScript into JavaScript, so that it starts without compiling
// TypeScript on every start (scripts/start.mjs runs this when the build is missing or stale).
//
// - packages/trellis/src/**/*.ts → packages/trellis/dist/**/*.js, one file for one (tests are
//   not built), every import left external: `./x.ts` becomes `./x.js`, and the lazy `import()`s
//   that keep `trellis --help` and start-up light stay lazy. Every other file under src/ is
//   copied beside (the console's static files), so paths taken from import.meta.url find the
//   same files in dist/ as in src/.
// - packages/trellis/dist/deps/: @trellis/dlp and @trellis/rego (whose package.json points at
//   their TypeScript) and the two many-file ES-module libraries kysely and zod, bundled, sharing
//   chunks. Loading kysely's 260 files and zod's 95 one by one cost about 0.25 s of start-up;
//   one file each loads in a tenth of that. The server's imports of them are rewritten to these.
//   Everything else (fastify, yaml, re2, better-sqlite3, pg, …) loads from node_modules as usual.
//
// A stamp (packages/trellis/dist/build.json) holds a fingerprint of what the build read: the
// path, size and modification time of every source file, the packages' package.json and
// tsconfig.json, npm's record of what is installed, and this script. The build is fresh while
// the fingerprint of the files now matches it. That takes one stat per file (a few
// milliseconds), so bin/trellis.js checks it on every run, running the built JavaScript when it
// is fresh and the TypeScript through tsx otherwise.
//
//   node scripts/build.mjs     build now, fresh or not
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this script belongs to. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The workspace packages whose sources the build reads. */
const packages = ['dlp', 'rego', 'trellis'];
/** What dist/deps/ bundles: import name → its entry (a workspace package's source, or itself). */
const bundled = {
  '@trellis/dlp': 'packages/dlp/src/index.ts',
  '@trellis/rego': 'packages/rego/src/index.ts',
  kysely: 'kysely',
  zod: 'zod',
};
/** dist/deps/<file>.js for an import name. */
const depFile = (name) => name.replace(/^@trellis\//, 'trellis-');
const stampFile = 'packages/trellis/dist/build.json';
const isTest = (name) => /\.test\.ts$/.test(name);

/** Every file under dir (relative to root), tests left out, sorted. */
function filesUnder(root, dir) {
  const out = [];
  const walk = (rel) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (!isTest(entry.name)) out.push(path);
    }
  };
  if (existsSync(join(root, dir))) walk(dir);
  return out.sort();
}

/** The files whose change changes the build (relative to root). */
function inputs(root) {
  const files = ['tsconfig.json', 'node_modules/.package-lock.json', relative(repoRoot, fileURLToPath(import.meta.url)).split(sep).join('/')];
  for (const name of packages) {
    files.push(`packages/${name}/package.json`, `packages/${name}/tsconfig.json`, ...filesUnder(root, `packages/${name}/src`));
  }
  return files;
}

/** Path, size and modification time of every input, hashed. One stat per file. */
export function fingerprint(root = repoRoot) {
  return fingerprintOf(root, inputs(root));
}

/** The fingerprint of these files (relative to root): path, size and modification time, hashed. */
export function fingerprintOf(root, files) {
  const hash = createHash('sha256');
  for (const file of files) {
    let line = `${file}\0missing\n`;
    try {
      const s = statSync(join(root, file));
      line = `${file}\0${s.size}\0${s.mtimeMs}\n`;
    } catch {
      // a missing optional input (a package without its own tsconfig.json) counts as missing
    }
    hash.update(line);
  }
  return hash.digest('hex');
}

/** Whether packages/*\/dist holds a build of the sources as they are now. */
export function isBuildFresh(root = repoRoot) {
  try {
    const stamp = JSON.parse(readFileSync(join(root, stampFile), 'utf8'));
    return stamp.fingerprint === fingerprint(root);
  } catch {
    return false;
  }
}

/** Whether a bare import names one of the bundled libraries (or a file inside one). */
const bundledName = (spec) => Object.keys(bundled).find((name) => spec === name || spec.startsWith(`${name}/`));

/**
 * An esbuild plugin for the server's own files: every import stays external (each file is
 * transpiled alone), `./x.ts` becomes `./x.js`, and the bundled libraries become relative
 * imports of dist/deps/.
 */
function perFileImports(src, out) {
  return {
    name: 'trellis-per-file-imports',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const spec = args.path;
        if (spec.startsWith('.')) return { path: spec.replace(/\.ts$/, '.js'), external: true };
        const name = bundledName(spec);
        if (name) {
          if (name !== spec) throw new Error(`${args.importer}: import ${name} itself, not ${spec} (dist/deps/ bundles only the package's main entry)`);
          let path = relative(join(out, relative(src, dirname(args.importer))), join(out, 'deps', `${depFile(name)}.js`)).split(sep).join('/');
          if (!path.startsWith('.')) path = `./${path}`;
          return { path, external: true };
        }
        if (spec.startsWith('@trellis/')) throw new Error(`${args.importer}: unknown workspace import ${spec}`);
        return { path: spec, external: true };
      });
    },
  };
}

/** An esbuild plugin for dist/deps/: bundles the bundled libraries, leaves other packages external. */
function depsImports() {
  return {
    name: 'trellis-deps-imports',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point' || bundledName(args.path)) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * Builds into a staging folder beside dist/, then swaps it in by renames (no reader sees half a
 * folder; readers fall back to the TypeScript while the stamp is missing).
 * Returns { files, ms }.
 */
export async function build(root = repoRoot) {
  const started = performance.now();
  // The fingerprint of what is about to be read: a file edited during the build makes it stale.
  const print = fingerprint(root);
  const { build: esbuild, stop } = await import('esbuild');
  const src = join(root, 'packages/trellis/src');
  const dist = join(root, 'packages/trellis/dist');
  const staging = join(root, 'packages', `.dist-${process.pid}-${Date.now()}`);
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', logLevel: 'error', absWorkingDir: root };
  const all = filesUnder(root, 'packages/trellis/src');
  try {
    mkdirSync(staging, { recursive: true });
    await esbuild({
      ...common,
      entryPoints: all.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => join(root, f)),
      outbase: src,
      outdir: staging,
      tsconfig: join(root, 'tsconfig.json'),
      // Resolved against dist/ (the rewrite above computes paths as they will be there).
      plugins: [perFileImports(src, dist)],
    });
    for (const f of all.filter((x) => !x.endsWith('.ts'))) {
      const to = join(staging, relative('packages/trellis/src', f));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(root, f), to);
    }
    await esbuild({
      ...common,
      entryPoints: Object.fromEntries(Object.entries(bundled).map(([name, entry]) => [depFile(name), entry.endsWith('.ts') ? join(root, entry) : entry])),
      outdir: join(staging, 'deps'),
      splitting: true,
      chunkNames: 'chunk-[hash]',
      tsconfig: join(root, 'tsconfig.json'),
      plugins: [depsImports()],
    });
    writeFileSync(join(staging, 'build.json'), JSON.stringify({ fingerprint: print, builtAt: new Date().toISOString() }, null, 2) + '\n');
    rmSync(join(root, stampFile), { force: true });
    swapIn(staging, dist, () => isBuildFresh(root));
  } finally {
    rmSync(staging, { recursive: true, force: true });
    // esbuild runs as a child process; stop it, or it stays beside the server npm start runs.
    await stop();
  }
  return { files: all.length, ms: Math.round(performance.now() - started) };
}

/**
 * Puts a finished staging folder in dist's place by renames, so no reader sees half a folder.
 * When another process built at the same time and put its folder in place first, that one is
 * as good as ours if `isFresh()` says so.
 */
export function swapIn(staging, dist, isFresh) {
  const old = `${staging}-old`;
  try {
    renameSync(dist, old);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  try {
    renameSync(staging, dist);
  } catch (err) {
    if (!['ENOTEMPTY', 'EEXIST'].includes(err.code) || !isFresh()) throw err;
  }
  rmSync(old, { recursive: true, force: true });
}

/** Builds unless the build is fresh; says so on stderr when it builds. */
export async function ensureBuilt(root = repoRoot, say = (line) => process.stderr.write(`trellis: ${line}\n`)) {
  const { ensureConsoleBuilt } = await import('./build-console.mjs');
  await ensureConsoleBuilt(root, say);
  if (isBuildFresh(root)) return false;
  const first = !existsSync(join(root, 'packages/trellis/dist'));
  say(first ? 'building the JavaScript the server runs (first start)…' : 'sources changed since the last build: rebuilding…');
  const { files, ms } = await build(root);
  say(`built ${files} files in ${ms} ms`);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, ms } = await build();
  process.stdout.write(`built ${files} files in ${ms} ms\n`);
}
