/** The unified diff of policy modules: minimal edits, hunks with context, line numbers as `diff -u` prints them. */
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './line-diff.ts';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a.rego', 'x\n', 'x\n')).toBe('');
  });

  it('shows one changed line with its context', () => {
    expect(unifiedDiff('a.rego', 'x\ny\n', 'x\nz\n')).toBe('--- a/a.rego\n+++ b/a.rego\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n');
  });

  it('splits distant changes into hunks with three lines of context and correct line numbers', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', 'line 18\nadded\n');
    expect(unifiedDiff('p.rego', before, after)).toBe(
      '--- a/p.rego\n+++ b/p.rego\n' +
        '@@ -1,5 +1,5 @@\n line 1\n-line 2\n+line two\n line 3\n line 4\n line 5\n' +
        '@@ -16,5 +16,6 @@\n line 16\n line 17\n line 18\n+added\n line 19\n line 20\n',
    );
  });

  it('handles added and removed files', () => {
    expect(unifiedDiff('n.rego', '', 'a\nb\n')).toBe('--- a/n.rego\n+++ b/n.rego\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('o.rego', 'a\n', '')).toBe('--- a/o.rego\n+++ b/o.rego\n@@ -1,1 +0,0 @@\n-a\n');
  });

  it('past the edit limit shows the whole text replaced', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`).join('\n');
    const d = unifiedDiff('r.rego', a, b, { maxEdits: 10 });
    expect(d.split('\n').filter((l) => l.startsWith('-a')).length).toBe(50);
    expect(d.split('\n').filter((l) => l.startsWith('+b')).length).toBe(50);
  });

  it('finds a shortest script (a reordering of two blocks keeps one of them)', () => {
    const d = unifiedDiff('s.rego', 'a\nb\nc\nd\n', 'c\nd\na\nb\n');
    expect(d.split('\n').filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+)/.test(l))).toHaveLength(4);
  });
});
