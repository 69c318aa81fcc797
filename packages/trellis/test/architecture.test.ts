/**
 * The house rules, checked on every run so they cannot drift:
 * - a capability folder is entered only through its index.ts: no file outside a module imports
 *   the module's other files (tests excepted: they may look inside what they test);
 * - no import cycles, type-only imports included, in any workspace package's source;
 * - every module folder under src/ is listed in modules.ts, and every listed one has an index.ts.
 * Imports are read from the source text (static `import … from`, `export … from` and
 * `import('…')`), which is how every file here is written.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modules } from '../src/modules.ts';

const repo = resolve(new URL('../../..', import.meta.url).pathname);
const trellisSrc = join(repo, 'packages/trellis/src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'static') out.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative imports of a file, resolved to absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) out.push(resolve(dirname(file), spec));
  }
  return out;
}

/** The module folder a file belongs to (`src/<name>/…`), if its first folder is a module's. */
function moduleOf(file: string, names: Set<string>): string | undefined {
  const rel = relative(trellisSrc, file);
  if (rel.startsWith('..')) return undefined;
  const first = rel.split('/')[0]!;
  return rel.includes('/') && names.has(first) ? first : undefined;
}

function findCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') cycles.push(stack.slice(stack.indexOf(t)).map((x) => relative(repo, x)));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

describe('the house rules', () => {
  const names = new Set(modules.map((m) => m.name));

  it('lists every capability folder in modules.ts, each with an index.ts', () => {
    for (const name of names) expect(existsSync(join(trellisSrc, name, 'index.ts')), `${name}/index.ts`).toBe(true);
    const folders = readdirSync(trellisSrc).filter((n) => statSync(join(trellisSrc, n)).isDirectory() && existsSync(join(trellisSrc, n, 'index.ts')));
    expect(folders.sort()).toEqual([...names].sort());
  });

  it('enters a module only through its index.ts', () => {
    const offences: string[] = [];
    for (const file of sourceFiles(trellisSrc)) {
      const own = moduleOf(file, names);
      for (const target of importsOf(file)) {
        const theirs = moduleOf(target, names);
        if (theirs && theirs !== own && !target.endsWith(`/${theirs}/index.ts`)) offences.push(`${relative(repo, file)} -> ${relative(repo, target)}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('has no import cycles in any package', () => {
    for (const pkg of readdirSync(join(repo, 'packages'))) {
      const src = join(repo, 'packages', pkg, 'src');
      if (!existsSync(src)) continue;
      expect(findCycles(sourceFiles(src)), pkg).toEqual([]);
    }
  });
});
