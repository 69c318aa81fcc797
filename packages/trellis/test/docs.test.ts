/** Docs derived from code stay current: `npm run docs` regenerates them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodesMarkdown } from '../src/http/error-docs.ts';
import { permissionMatrixMarkdown } from '../src/auth/index.ts';
import { errorCatalog, permissionMatrix } from '../src/modules.ts';

const root = new URL('../../../', import.meta.url);

describe('generated docs', () => {
  it('docs/errors.md documents exactly the error codes of the core and every module', () => {
    const doc = readFileSync(new URL('docs/errors.md', root), 'utf8');
    expect(doc).toBe(errorCodesMarkdown(errorCatalog));
    const documented = [...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(errorCatalog).sort());
  });
  it('docs/permissions.md is the current permission matrix', () => {
    expect(readFileSync(new URL('docs/permissions.md', root), 'utf8')).toBe(permissionMatrixMarkdown(permissionMatrix));
  });
});
