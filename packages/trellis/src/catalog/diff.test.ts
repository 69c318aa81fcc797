/** The structured diff between manifest versions. */
import { describe, expect, it } from 'vitest';
import { diffEntries, diffManifests, pointerToken } from './diff.ts';

describe('diffManifests', () => {
  const v1 = {
    metadata: { name: 'a', labels: { 'example.com/tier': 'gold' } },
    spec: {
      owner: 'user:jane@example.com',
      connectors: [
        { name: 'hr-db', resources: [{ name: 'employees', fields: ['id', 'name'], access: 'read' }] },
        { name: 'crm', resources: [{ name: 'accounts', fields: ['id'], access: 'read' }] },
      ],
      egress: ['a.example.com', 'b.example.com'],
    },
  };

  it('reports nothing for equal documents', () => {
    expect(diffManifests(v1, structuredClone(v1))).toEqual({ added: [], removed: [], changed: [] });
  });

  it('reports added, removed and changed paths as JSON pointers', () => {
    const v2 = structuredClone(v1) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixture mutation
    v2.spec.owner = 'user:joe@example.com';
    v2.spec.purpose = 'leave';
    delete v2.metadata.labels;
    const d = diffManifests(v1, v2);
    expect(d.changed).toEqual([{ op: 'change', path: '/spec/owner', from: 'user:jane@example.com', to: 'user:joe@example.com' }]);
    expect(d.added).toEqual([{ op: 'add', path: '/spec/purpose', to: 'leave' }]);
    expect(d.removed).toEqual([{ op: 'remove', path: '/metadata/labels', from: { 'example.com/tier': 'gold' } }]);
  });

  it('matches named list entries by name, not position', () => {
    const v2 = structuredClone(v1);
    v2.spec.connectors.unshift({ name: 'finance', resources: [{ name: 'ledger', fields: ['id'], access: 'read' }] });
    v2.spec.connectors[1]!.resources[0]!.access = 'read-write';
    const entries = diffEntries(v1, v2);
    expect(entries).toEqual([
      { op: 'add', path: '/spec/connectors/0', to: v2.spec.connectors[0] },
      { op: 'change', path: '/spec/connectors/1/resources/0/access', from: 'read', to: 'read-write' },
    ]);
  });

  it('compares lists of unique scalars as sets', () => {
    const v2 = structuredClone(v1);
    v2.spec.egress = ['c.example.com', 'b.example.com'];
    v2.spec.connectors[0]!.resources[0]!.fields = ['name', 'id', 'email'];
    expect(diffEntries(v1, v2)).toEqual([
      { op: 'add', path: '/spec/connectors/0/resources/0/fields/2', to: 'email' },
      { op: 'remove', path: '/spec/egress/0', from: 'a.example.com' },
      { op: 'add', path: '/spec/egress/0', to: 'c.example.com' },
    ]);
  });

  it('falls back to positions for other lists', () => {
    expect(diffEntries({ x: [1, 1, 2] }, { x: [1, 3] })).toEqual([
      { op: 'change', path: '/x/1', from: 1, to: 3 },
      { op: 'remove', path: '/x/2', from: 2 },
    ]);
  });

  it('escapes pointer tokens (RFC 6901)', () => {
    expect(pointerToken('example.com/tier')).toBe('example.com~1tier');
    expect(pointerToken('a~b')).toBe('a~0b');
    expect(diffEntries({ l: { 'a/b': 1 } }, { l: { 'a/b': 2 } })[0]!.path).toBe('/l/a~1b');
  });

  it('reports a type change as a change of the whole value', () => {
    expect(diffEntries({ a: [1] }, { a: { x: 1 } })).toEqual([{ op: 'change', path: '/a', from: [1], to: { x: 1 } }]);
  });
});
