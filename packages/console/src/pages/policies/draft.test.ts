/** The editor's draft: made from a version, sent back as a bundle, its JSON errors placed, server errors sorted to files. */
import { describe, expect, it } from 'vitest';
import { draftOf, fileOfError, isChanged, languageOf, newFileProblem, toBundleInput } from './draft.ts';
import type { BundleDetail } from './types.ts';

const version: BundleDetail = {
  version: 3,
  digest: 'd'.repeat(64),
  rego_version: 'v1',
  v0_modules: [],
  module_count: 2,
  test_count: 1,
  size_bytes: 100,
  message: null,
  created_at: '2026-12-07T07:00:00Z',
  created_by: { id: 'tok_1', name: 'admin' },
  modules: { 'b/gate.rego': 'package b\n', 'a/a_test.rego': 'package a_test\n' },
  data: { 'config/data.json': { limit: 3 } },
};

describe('draft', () => {
  it('holds every file of a version, sorted by path, data as indented JSON, and round-trips to the same bundle', () => {
    const d = draftOf(version);
    expect(d.files.map((f) => [f.path, f.kind])).toEqual([
      ['a/a_test.rego', 'module'],
      ['b/gate.rego', 'module'],
      ['config/data.json', 'data'],
    ]);
    expect(d.files[2]!.text).toBe('{\n  "limit": 3\n}\n');
    expect(toBundleInput(d)).toEqual({ input: { modules: version.modules, data: version.data, regoVersion: 'v1' }, errors: [] });
    expect(isChanged(d, version)).toBe(false);
    expect(isChanged({ ...d, files: d.files.map((f) => (f.kind === 'data' ? { ...f, text: '{"limit": 4}' } : f)) }, version)).toBe(true);
    expect(isChanged({ ...d, files: d.files.slice(1) }, version)).toBe(true);
  });

  it('refuses a data file that is not JSON, at the line and column where parsing stopped', () => {
    const d = draftOf(version);
    const broken = { ...d, files: d.files.map((f) => (f.kind === 'data' ? { ...f, text: '{\n  "limit": 3,\n  oops\n}\n' } : f)) };
    const out = toBundleInput(broken);
    expect(out.input).toBeNull();
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ path: 'config/data.json', line: 3, column: 3 });
    expect(out.errors[0]!.message).toMatch(/^not valid JSON: /);
  });

  it('sorts server errors to the file they name, as a path or as a field', () => {
    const paths = ['b/gate.rego', 'config/data.json'];
    expect(fileOfError({ path: 'b/gate.rego', message: 'rego_parse_error: x', line: 2, column: 1 }, paths)).toBe('b/gate.rego');
    expect(fileOfError({ path: 'data["config/data.json"]', message: 'conflicts' }, paths)).toBe('config/data.json');
    expect(fileOfError({ path: 'modules["../x.rego"]', message: 'bad path' }, paths)).toBeNull();
    expect(fileOfError({ path: '', message: 'too big' }, paths)).toBeNull();
  });

  it('says why a new file path will not do, and picks the editor language by extension', () => {
    expect(newFileProblem('', [])).toMatch(/Give the file a path/);
    expect(newFileProblem('b/gate.rego', ['b/gate.rego'])).toMatch(/already in the bundle/);
    expect(newFileProblem('../x.rego', [])).toMatch(/no leading \/, no \.\./);
    expect(newFileProblem('notes.txt', [])).toMatch(/ends in \.rego/);
    expect(newFileProblem('tiers/data.json', [])).toBeNull();
    expect(newFileProblem('rules/extra.rego', [])).toBeNull();
    expect([languageOf('a.rego'), languageOf('x/data.yaml'), languageOf('x/data.json'), languageOf('README')]).toEqual(['rego', 'yaml', 'json', 'text']);
  });
});
