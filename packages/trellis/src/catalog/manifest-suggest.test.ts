import { describe, expect, it } from 'vitest';
import { closestKey, editDistance, knownKeysAt, validateManifestValue } from './manifest.ts';
import { manifestSchema } from './schema.ts';

describe('did you mean', () => {
  it('measures edits and picks the closest key within two', () => {
    expect(editDistance('ownr', 'owner')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestKey('ownr', ['team', 'owner'])).toBe('owner');
    expect(closestKey('Owner', ['owner'])).toBe('owner');
    expect(closestKey('banana', ['owner', 'team'])).toBeUndefined();
  });

  it('knows the fields at a path of the manifest schema', () => {
    expect(knownKeysAt(manifestSchema, ['spec'])).toEqual(expect.arrayContaining(['owner', 'team', 'connectors']));
    expect(knownKeysAt(manifestSchema, ['metadata'])).toEqual(expect.arrayContaining(['name', 'title']));
  });

  it('suggests in the validation message, and says nothing when no field is near', () => {
    const r = validateManifestValue({ apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metdata: {}, zzzzzz: 1 });
    expect(r.ok).toBe(false);
    const messages = r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
    expect(messages).toContain('metdata: unknown field "metdata"; did you mean `metadata`?');
    expect(messages).toContain('zzzzzz: unknown field "zzzzzz"');
  });
});
