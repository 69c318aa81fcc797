/**
 * Property-based tests of manifest validation on hostile input: random text (YAML, JSON,
 * brackets nested far past the limit, NUL, lone surrogates) and random parsed values. The
 * validator never throws; it answers with a manifest or with errors that each name a path, and
 * any string holding NUL is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileStrings, jsonLeaves, jsonValues } from '../../test/arbitraries.ts';
import { parseManifestText, validateManifestValue, type ManifestResult } from './manifest.ts';

const hostileString = hostileStrings(['a\u0000b', '\u202E', '*a', '&a', '!!binary', '? ', '- ', ': ', '{', '[', '"', "'", '#', '|', '>', '---', '...', '%YAML 1.2', 'user:jane@example.com', 'trellis.dev/v1', 'MicroApp']);

const nesting = fc.tuple(fc.constantFrom('[', '{"a":', '- ', 'a:\n  ', '[{"b":'), fc.integer({ min: 1, max: 3000 })).map(([open, n]) => open.repeat(n));

const hostileText = fc.array(fc.oneof(hostileString, nesting, fc.constantFrom('\n', '  ', 'apiVersion: trellis.dev/v1\nkind: MicroApp\n', 'metadata:\n  name: ok\n', 'spec:\n  owner: a@b.io\n', '"\\0"', '"\\u0000"')), { maxLength: 20 }).map((parts) => parts.join(''));

const jsonValue = jsonValues(jsonLeaves(hostileString), hostileString, ['apiVersion', 'kind', 'metadata', 'spec', 'name', 'owner', 'labels']);

function deep(inner: unknown, depth: number): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** A manifest close to valid, with hostile values in its fields; `depth` wraps the description
 *  in that many lists and mappings (built inside the property, so a counterexample prints small). */
const nearManifest = fc.record({
  name: fc.oneof(fc.constant('leave-requests'), hostileString),
  description: fc.oneof(hostileString, jsonValue),
  depth: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
  owner: fc.oneof(fc.constant('user:jane@example.com'), hostileString),
  team: hostileString,
});

function manifestOf(f: { name: unknown; description: unknown; depth: number; owner: unknown; team: unknown }): unknown {
  return { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: f.name, description: deep(f.description, f.depth) }, spec: { owner: f.owner, team: f.team } };
}

function expectWellFormed(r: ManifestResult): void {
  if (r.ok) return;
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    expect(typeof e.path).toBe('string');
    expect(typeof e.message).toBe('string');
  }
}

/** Whether any string (key or value) in `v` holds NUL; iterative, as `v` may be very deep. */
function holdsNul(v: unknown): boolean {
  const pending = [v];
  while (pending.length > 0) {
    const x = pending.pop();
    if (typeof x === 'string' && x.includes('\0')) return true;
    if (x === null || typeof x !== 'object') continue;
    for (const [k, item] of Object.entries(x)) {
      if (k.includes('\0')) return true;
      pending.push(item);
    }
  }
  return false;
}

describe('manifest validation on hostile input', { timeout: 120_000 }, () => {
  it('answers any text with a manifest or located errors, never an exception', () => {
    fc.assert(fc.property(hostileText, (text) => {
      expectWellFormed(parseManifestText(text));
    }), { numRuns: 200 });
  });

  it('answers any parsed value, however deep, and refuses NUL in any string', () => {
    const check = (value: unknown) => {
      const r = validateManifestValue(value);
      expectWellFormed(r);
      if (holdsNul(value)) expect(r.ok).toBe(false);
    };
    fc.assert(fc.property(jsonValue, check), { numRuns: 200 });
    fc.assert(fc.property(nearManifest, (fields) => check(manifestOf(fields))), { numRuns: 200 });
  });

  it('refuses NUL in a field of a manifest that is otherwise valid, naming that field', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), fc.constantFrom('description', 'title'), (before, after, field) => {
      const r = validateManifestValue({ apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: 'ok', [field]: `${before}\u0000${after}` }, spec: { owner: 'user:jane@example.com' } });
      expect(r).toEqual({ ok: false, errors: [{ path: `metadata.${field}`, message: 'must not contain NUL (U+0000) characters' }] });
    }));
  });
});
