/** Rule indexing and early exit: same decisions as unindexed evaluation, fewer steps. */
import { describe, expect, it } from 'vitest';
import { compile } from '../index.ts';

const src = `package api
default allow := false
allow if { input.method == "GET"; input.path == ["public"] }
allow if { input.method == "POST"; input.user == "admin" }
allow if { "DELETE" = input.method; input.user == "root" }
allow if { input.user == "auditor" }
allow if { input.method in {"HEAD", "OPTIONS"}; input.user == "probe" }
`;

describe('rule indexing', () => {
  const p = compile({ modules: { 'api.rego': src } });
  it('indexes the group on input.method', () => {
    const g = p.compiled.tree.byName.get('data.api.allow')!;
    expect(g.plan?.index).toBeDefined();
    expect(g.plan?.earlyExit).toBe(true);
  });
  it('gives the same decisions as evaluating every definition', () => {
    const cases: [Record<string, unknown>, boolean][] = [
      [{ method: 'GET', path: ['public'] }, true],
      [{ method: 'GET', path: ['private'] }, false],
      [{ method: 'POST', user: 'admin' }, true],
      [{ method: 'POST', user: 'bob' }, false],
      [{ method: 'DELETE', user: 'root' }, true],
      [{ method: 'PUT', user: 'auditor' }, true],
      [{ user: 'auditor' }, true],
      [{ method: ['GET'], path: ['public'] }, false],
      [{}, false],
      [{ method: 'HEAD', user: 'probe' }, true],
      [{ method: 'OPTIONS', user: 'probe' }, true],
      [{ method: 'GET', user: 'probe' }, false],
    ];
    for (const [input, want] of cases) expect(p.evaluate('data.api.allow', { input }), JSON.stringify(input)).toBe(want);
  });
  it('rule values respect with-replaced input (the index reads the current input)', () => {
    const q = compile({ modules: { 'api.rego': src, 't.rego': 'package t\nok if data.api.allow with input as {"method": "GET", "path": ["public"]}' } });
    expect(q.evaluate('data.t.ok', { input: { method: 'POST' } })).toBe(true);
  });
});
