/**
 * `some x in coll` followed by `x.path == e` tests visits only candidate elements once the
 * collection is indexed (from the second time a loop meets it): the decisions, solutions and
 * their order are those of a full scan, for every kind of collection and key.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../index.ts';

const mod = (src: string): Record<string, string> => ({ 'p.rego': src });

/** Evaluate three times (scan, then index built, then index reused): all must agree. */
function thrice(p: ReturnType<typeof compile>, ref: string, opts: Parameters<ReturnType<typeof compile>['evaluate']>[1]): unknown {
  const first = p.evaluate(ref, opts);
  expect(p.evaluate(ref, opts)).toEqual(first);
  expect(p.evaluate(ref, opts)).toEqual(first);
  return first;
}

const grants = {
  roles: {
    admin: [
      { action: 'read', resource: 'a', n: 1 },
      { action: 'write', resource: 'a', n: 2 },
      { action: 'read', resource: 'b', n: 3 },
      { action: 'read', resource: 'a', n: 4 },
    ],
    odd: [{ action: 'read' }, 'read', ['read'], { action: ['read'] }, { action: { x: 1 } }, { action: null, resource: 'a' }],
    nums: [{ v: 1 }, { v: 1.5 }, { v: 2 }, { v: '1' }],
    set_like: { k1: { action: 'read', resource: 'a' }, k2: { action: 'read', resource: 'b' } },
  },
};

describe('join index', () => {
  const p = compile({
    modules: mod(`package t
matches contains g.n if {
	some g in data.roles[input.role]
	g.action == input.action
	g.resource == input.resource
}
ordered := [g.n | some g in data.roles[input.role]; input.action == g.action]
first := g.n if {
	some g in data.roles[input.role]
	g.action = input.action
	g.resource == "a"
}
found if {
	some g in data.roles[input.role]
	g.action == input.action
}
vals contains g.resource if {
	some g in data.roles[input.role]
	g.action == input.action
}
elem contains x if {
	some x in data.roles.nums
	x == input.v
}
nums contains x.v if {
	some x in data.roles.nums
	x.v == input.v
}
`),
    data: grants,
  });

  it('finds the same matches as a scan, in the same order', () => {
    expect(thrice(p, 'data.t.matches', { input: { role: 'admin', action: 'read', resource: 'a' } })).toEqual([1, 4]);
    expect(thrice(p, 'data.t.ordered', { input: { role: 'admin', action: 'read' } })).toEqual([1, 3, 4]);
    expect(thrice(p, 'data.t.matches', { input: { role: 'admin', action: 'write', resource: 'b' } })).toEqual([]);
    expect(thrice(p, 'data.t.matches', { input: { role: 'nobody', action: 'read', resource: 'a' } })).toEqual([]);
    expect(thrice(p, 'data.t.vals', { input: { role: 'set_like', action: 'read' } })).toEqual(['a', 'b']);
  });

  it('complete rules still report conflicts among candidates', () => {
    expect(() => p.evaluate('data.t.first', { input: { role: 'admin', action: 'read' } })).toThrow(/multiple outputs/);
    expect(thrice(p, 'data.t.first', { input: { role: 'admin', action: 'write' } })).toBe(2);
  });

  it('skips members without the path, composites and members of other kinds', () => {
    expect(thrice(p, 'data.t.found', { input: { role: 'odd', action: 'read' } })).toBe(true);
    expect(thrice(p, 'data.t.vals', { input: { role: 'odd', action: null } })).toEqual(['a']);
    expect(thrice(p, 'data.t.found', { input: { role: 'odd', action: 'write' } })).toBeUndefined();
  });

  it('keys on Rego equality: 1 equals 1.0, never "1"; composite keys fall back to a scan', () => {
    expect(thrice(p, 'data.t.nums', { input: { v: 1 } })).toEqual([1]);
    expect(thrice(p, 'data.t.nums', { input: { v: 1.0 } })).toEqual([1]);
    expect(thrice(p, 'data.t.nums', { input: { v: '1' } })).toEqual(['1']);
    expect(thrice(p, 'data.t.nums', { input: { v: 1.5 } })).toEqual([1.5]);
    expect(thrice(p, 'data.t.found', { input: { role: 'odd', action: ['read'] } })).toBe(true);
    expect(thrice(p, 'data.t.elem', { input: { v: { v: 2 } } })).toEqual([{ v: 2 }]);
    expect(thrice(p, 'data.t.nums', { input: {} })).toEqual([]);
  });

  it('levels keyed on the path with more distinct values first find the same members', () => {
    const q = compile({
      modules: mod(`package t
m contains g.n if {
	some g in data.gs
	g.kind == input.kind
	g.id == input.id
}`),
      data: { gs: Array.from({ length: 12 }, (_, n) => ({ n, kind: n % 2 ? 'odd' : 'even', id: n % 5 })) },
    });
    expect(thrice(q, 'data.t.m', { input: { kind: 'even', id: 0 } })).toEqual([0, 10]);
    expect(thrice(q, 'data.t.m', { input: { kind: 'odd', id: 1 } })).toEqual([1, 11]);
    expect(thrice(q, 'data.t.m', { input: { kind: 'odd', id: 0 } })).toEqual([5]);
    expect(thrice(q, 'data.t.m', { input: { kind: 'none', id: 0 } })).toEqual([]);
    expect(thrice(q, 'data.t.m', { input: { kind: 'odd', id: 9 } })).toEqual([]);
  });

  it('big integers (beyond 2^53) are scanned, not keyed', () => {
    const big = compile({
      modules: mod('package t\nhit contains x.id if {\n\tsome x in data.xs\n\tx.v == 9007199254740993\n}'),
      data: { xs: [{ id: 1, v: 9007199254740993n }, { id: 2, v: 1 }] },
    });
    expect(thrice(big, 'data.t.hit', {})).toEqual([1]);
  });

  it('an input collection is indexed only when met twice in one evaluation, and decides the same', () => {
    const q = compile({
      modules: mod(`package t
pairs contains [a.id, b.id] if {
	some a in input.xs
	some b in input.xs
	b.group == a.group
}`),
    });
    const xs = [
      { id: 1, group: 'g' },
      { id: 2, group: 'h' },
      { id: 3, group: 'g' },
    ];
    expect(thrice(q, 'data.t.pairs', { input: { xs } })).toEqual([
      [1, 1],
      [1, 3],
      [2, 2],
      [3, 1],
      [3, 3],
    ]);
  });

  it('keys read from input follow `with input` inside the loop', () => {
    const q = compile({
      modules: mod(`package t
inner contains g.n if {
	some g in data.roles.admin
	g.action == input.action
}
outer contains [g.n, x] if {
	some g in data.roles.admin
	g.action == input.action
	x := count(inner) with input as {"action": "write"}
}`),
      data: grants,
    });
    expect(thrice(q, 'data.t.outer', { input: { action: 'read' } })).toEqual([
      [1, 1],
      [3, 1],
      [4, 1],
    ]);
    expect(thrice(q, 'data.t.inner', { input: { action: 'read' } })).toEqual([1, 3, 4]);
  });

  it('coverage still sees every test, and `with` replacing equality still applies', () => {
    const coverage = new Set<string>();
    const input = { role: 'admin', action: 'write', resource: 'zzz' };
    p.evaluate('data.t.matches', { input });
    expect(p.evaluate('data.t.matches', { input, coverage })).toEqual([]);
    expect([...coverage]).toEqual(expect.arrayContaining(['p.rego:4', 'p.rego:5']));
    const mocked = compile({
      modules: mod(`package t
always_equal(_, _) := true
found if {
	some g in data.roles.admin
	g.action == input.action
}
mocked if found with equal as always_equal`),
      data: grants,
    });
    expect(thrice(mocked, 'data.t.found', { input: { action: 'none' } })).toBeUndefined();
    expect(thrice(mocked, 'data.t.mocked', { input: { action: 'none' } })).toBe(true);
  });

  it('a keyed collection of base data follows the data of each evaluation and `with data`', () => {
    const input = { role: 'admin', action: 'read', resource: 'a' };
    const other = { roles: { admin: [{ action: 'read', resource: 'a', n: 9 }] } };
    expect(thrice(p, 'data.t.matches', { input })).toEqual([1, 4]);
    expect(thrice(p, 'data.t.matches', { input, data: other })).toEqual([9]);
    expect(thrice(p, 'data.t.matches', { input })).toEqual([1, 4]);
    const q = compile({
      modules: mod(`package t
matches contains g.n if {
	some g in data.roles[input.role]
	g.action == input.action
}
replaced := m if m := matches with data.roles.admin as [{"action": "read", "n": 7}]
numbered contains g.n if {
	some g in data.byNumber[input.k]
	g.action == input.action
}`),
      data: { ...grants, byNumber: { '1': [{ action: 'read', n: 5 }] } },
    });
    expect(thrice(q, 'data.t.matches', { input })).toEqual([1, 3, 4]);
    expect(thrice(q, 'data.t.replaced', { input })).toEqual([7]);
    expect(thrice(q, 'data.t.matches', { input })).toEqual([1, 3, 4]);
    expect(thrice(q, 'data.t.numbered', { input: { k: 1, action: 'read' } })).toEqual([5]);
    expect(thrice(q, 'data.t.numbered', { input: { k: '1', action: 'read' } })).toEqual([5]);
    expect(thrice(q, 'data.t.numbered', { input: { k: 2, action: 'read' } })).toEqual([]);
  });

  it('remembers, per input, what each role finds, and still finds what a scan finds', () => {
    const acts = ['read', 'write', 'list'];
    const ress = ['a', 'b', 'c', 'd'];
    const roles: Record<string, { action: unknown; resource: unknown; n: number }[]> = {};
    let n = 0;
    for (let r = 0; r < 12; r++) {
      roles[`r${r}`] = Array.from({ length: r % 5 }, (_, i) => ({ action: acts[(r + i) % 3], resource: ress[(r * i) % 4], n: n++ }));
    }
    roles.odd = [{ action: ['read'], resource: 'a', n: n++ }, { action: 'read', resource: { x: 1 }, n: n++ }];
    const bindings: Record<string, string[]> = { u0: ['r1', 'r2', 'r3'], u1: ['r4', 'odd', 'r1'], u2: ['missing', 'r0', 'r9'], u3: ['r6', 'r7', 'r8', 'r10', 'r11'] };
    const q = compile({
      modules: mod(`package t
hits contains g.n if {
	some role in data.bindings[input.user]
	some g in data.roles[role]
	g.action == input.action
	g.resource == input.resource
}`),
      data: { roles, bindings },
    });
    const scan = (i: { user: string; action: unknown; resource: unknown }): number[] => {
      const out = new Set<number>();
      for (const role of bindings[i.user] ?? []) {
        for (const g of roles[role] ?? []) if (JSON.stringify(g.action) === JSON.stringify(i.action) && JSON.stringify(g.resource) === JSON.stringify(i.resource)) out.add(g.n);
      }
      return [...out].sort((x, y) => x - y);
    };
    const values = [...acts, ['read'], 'none'];
    const targets = [...ress, { x: 1 }, 'none'];
    for (let round = 0; round < 3; round++) {
      for (const user of Object.keys(bindings)) {
        for (const action of values) {
          for (const resource of targets) {
            const input = { user, action, resource };
            expect(q.evaluate('data.t.hits', { input }), JSON.stringify(input)).toEqual(scan(input));
          }
        }
      }
    }
  });

  it('still charges steps: a step limit stops a long indexed loop', () => {
    const q = compile({
      modules: mod('package t\nn := count([x | some i in numbers.range(1, 5000); some x in data.xs; x.k == "a"])'),
      data: { xs: Array.from({ length: 10 }, (_, i) => ({ k: i % 2 ? 'a' : 'b' })) },
    });
    expect(q.evaluate('data.t.n', {})).toBe(25000);
    expect(() => q.evaluate('data.t.n', { limits: { maxSteps: 5000 } })).toThrow(/step limit/);
  });
});
