/** `compile({ regoVersion: 'auto' })`: v1 and v0 modules in one policy, each parsed in its own syntax. */
import { describe, expect, it } from 'vitest';
import { compile, RegoCompileError } from '../index.ts';

describe("compile with regoVersion 'auto'", () => {
  const v0 = 'package legacy\n\ndeny[msg] {\n  input.connector == "unapproved-db"\n  msg = sprintf("Connector %s is restricted", [input.connector])\n}\n';
  const v1 = 'package current\n\nimport data.legacy\n\ndeny contains msg if {\n  some msg in legacy.deny\n}\n';

  it('accepts a v0 module beside a v1 module and evaluates both', () => {
    const policy = compile({ modules: { 'legacy.rego': v0, 'current.rego': v1 }, regoVersion: 'auto' });
    expect(policy.evaluate('data.current.deny', { input: { connector: 'unapproved-db' } })).toEqual(['Connector unapproved-db is restricted']);
    expect(policy.evaluate('data.current.deny', { input: { connector: 'hr' } })).toEqual([]);
    expect(policy.compiled.modules.map((m) => [m.file, m.regoVersion])).toEqual([
      ['legacy.rego', 'v0'],
      ['current.rego', 'v1'],
    ]);
  });

  it("refuses the v0 module when the syntax is 'v1' (the default)", () => {
    expect(() => compile({ modules: { 'legacy.rego': v0 } })).toThrow(RegoCompileError);
  });

  it('reports the v1 error of a module that parses in neither syntax', () => {
    try {
      compile({ modules: { 'broken.rego': 'package broken\n\nallow if {\n  input.x ==\n}\n' }, regoVersion: 'auto' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RegoCompileError);
      expect((e as RegoCompileError).errors[0]?.code).toBe('rego_parse_error');
      expect((e as RegoCompileError).errors[0]?.loc?.file).toBe('broken.rego');
    }
  });
});
