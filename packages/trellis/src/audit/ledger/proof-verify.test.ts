import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Every module a file imports, transitively (relative imports only; node: builtins are listed as such). */
function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\b)[^'"]*['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else seen.add(spec);
    }
  };
  visit(entry);
  return [...seen];
}

describe('the proof verifier', () => {
  it('stands alone: only the chain, tree and note definitions, canonical JSON and node:crypto', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const closure = importClosure(join(here, 'proof-verify.ts')).map((f) => (f.startsWith('/') ? f.slice(resolve(here, '../..').length + 1) : f));
    expect(closure.sort()).toEqual(['audit/chain.ts', 'audit/ledger/merkle.ts', 'audit/ledger/proof-verify.ts', 'audit/ledger/signed-note.ts', 'canonical-json.ts', 'node:crypto'].sort());
  });
});
