// Builds the workspace packages' TypeScript into JavaScript, so that the server starts without
// compiling TypeScript on every start: packages/<name>/src/**/*.ts → packages/<name>/dist/**/*.js
// (tests are not built), with every other file under src/ copied beside (the console's static
// files), so paths taken from import.meta.url find the same files in dist/ as in src/.
//
// Each file is transpiled on its own (esbuild, with every import left external): relative `.ts`
// imports become `.js`, and `@trellis/dlp` / `@trellis/rego`, whose package.json points at their
// TypeScript, become relative imports of their dist/index.js.
//
// A stamp (packages/trellis/dist/build.json) holds a fingerprint of what the build read: the
// path, size and modification time of every source file, the packages' package.json and
// tsconfig.json, and this script. The build is fresh while the fingerprint of the files now
// matches it. That takes one stat per file (a few milliseconds), so bin/trellis.js checks it on
// every run, running the built JavaScript when it is fresh and the TypeScript through tsx
// otherwise; `npm start` (scripts/start.mjs) rebuilds when it is missing or stale.
//
//   node scripts/build.mjs     build now, fresh or not
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this script belongs to. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages built, each depending only on those before it. */
const packages = ['dlp', 'rego', 'trellis'];
/** Workspace package names, resolved to the built package's entry. */
const workspaceNames = { '@trellis/dlp': 'dlp', '@trellis/rego': 'rego' };
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
  const files = ['tsconfig.json', relative(repoRoot, fileURLToPath(import.meta.url)).split(sep).join('/')];
  for (const name of packages) {
    files.push(`packages/${name}/package.json`, `packages/${name}/tsconfig.json`, ...filesUnder(root, `packages/${name}/src`));
  }
  return files;
}

/** Path, size and modification time of every input, hashed. One stat per file. */
export function fingerprint(root = repoRoot) {
  const hash = createHash('sha256');
  for (const file of inputs(root)) {
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

/**
 * An esbuild plugin that leaves every import external (so each file is transpiled alone) and
 * rewrites the specifiers that must change in dist/: `./x.ts` → `./x.js`, and the workspace
 * packages → a relative path to their built entry.
 */
function rewriteImports(root) {
  return {
    name: 'trellis-rewrite-imports',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const spec = args.path;
        if (spec.startsWith('.')) return { path: spec.replace(/\.ts$/, '.js'), external: true };
        const target = workspaceNames[spec];
        if (target) {
          // The importer's directory as it will be in dist/: packages/<pkg>/src/… → packages/<pkg>/dist/…
          const fromSrc = relative(root, dirname(args.importer)).split(sep);
          fromSrc[2] = 'dist';
          let path = relative(join(root, ...fromSrc), join(root, 'packages', target, 'dist', 'index.js')).split(sep).join('/');
          if (!path.startsWith('.')) path = `./${path}`;
          return { path, external: true };
        }
        if (spec.startsWith('@trellis/')) throw new Error(`${args.importer}: unknown workspace import ${spec}`);
        return { path: spec, external: true };
      });
    },
  };
}

/**
 * Builds every package into a staging folder, then swaps each into place (dist/ is replaced by
 * a rename, so no reader sees half a folder) and writes the stamp last.
 * Returns { files, ms }.
 */
export async function build(root = repoRoot) {
  const started = performance.now();
  // The fingerprint of what is about to be read: a file edited during the build makes it stale.
  const print = fingerprint(root);
  const { build: esbuild } = await import('esbuild');
  const staging = join(root, 'packages', `.dist-${process.pid}-${Date.now()}`);
  let files = 0;
  try {
    for (const name of packages) {
      const src = join(root, 'packages', name, 'src');
      const out = join(staging, name);
      mkdirSync(out, { recursive: true });
      const all = filesUnder(root, `packages/${name}/src`);
      const entryPoints = all.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => join(root, f));
      await esbuild({
        entryPoints,
        outbase: src,
        outdir: out,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: 'linked',
        tsconfig: existsSync(join(root, 'packages', name, 'tsconfig.json')) ? join(root, 'packages', name, 'tsconfig.json') : join(root, 'tsconfig.json'),
        plugins: [rewriteImports(root)],
        logLevel: 'error',
      });
      for (const f of all.filter((x) => !x.endsWith('.ts'))) {
        const to = join(out, relative(`packages/${name}/src`, f));
        mkdirSync(dirname(to), { recursive: true });
        cpSync(join(root, f), to);
      }
      files += all.length;
    }
    writeFileSync(join(staging, 'trellis', 'build.json'), JSON.stringify({ fingerprint: print, builtAt: new Date().toISOString() }, null, 2) + '\n');
    // Readers fall back to the TypeScript from here until the new stamp is in place.
    rmSync(join(root, stampFile), { force: true });
    for (const name of packages) {
      const dist = join(root, 'packages', name, 'dist');
      const old = `${staging}-old-${name}`;
      if (existsSync(dist)) renameSync(dist, old);
      renameSync(join(staging, name), dist);
      rmSync(old, { recursive: true, force: true });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { files, ms: Math.round(performance.now() - started) };
}

/** Builds unless the build is fresh; says so on stderr when it builds. */
export async function ensureBuilt(root = repoRoot, say = (line) => process.stderr.write(`trellis: ${line}\n`)) {
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
