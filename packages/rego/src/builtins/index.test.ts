import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtins, builtinsByName } from './index.ts';
import { renderReference } from './reference.ts';

describe('built-in registry', () => {
  it('declares each name once, completely', () => {
    const seen = new Set<string>();
    for (const b of builtins) {
      expect(seen.has(b.name), `duplicate built-in ${b.name}`).toBe(false);
      seen.add(b.name);
      expect(b.category, b.name).not.toBe('');
      expect(b.description.length, `${b.name} needs a description`).toBeGreaterThan(0);
      expect(typeof b.impl, b.name).toBe('function');
      for (const a of b.args) expect(a.type, `${b.name}(${a.name})`).toBeDefined();
    }
    expect(builtinsByName.size).toBe(builtins.length);
  });

  it('maps each infix operator to one built-in', () => {
    const ops = builtins.filter((b) => b.infix).map((b) => b.infix);
    expect(new Set(ops).size).toBe(ops.length);
    expect(builtinsByName.get('plus')?.infix).toBe('+');
    expect(builtinsByName.get('equal')?.infix).toBe('==');
  });

  it('docs/builtins.md is generated from the current declarations', () => {
    const file = fileURLToPath(new URL('../../docs/builtins.md', import.meta.url));
    const committed = readFileSync(file, 'utf8');
    // Regenerate with: npx tsx packages/rego/src/builtins/reference.ts > packages/rego/docs/builtins.md
    expect(committed === renderReference(), 'docs/builtins.md is stale: regenerate it (see docs/adding-a-builtin.md)').toBe(true);
  });
});
