/**
 * A unified line diff (the `diff -u` format) of two texts, for showing what changed in a
 * policy module between two bundle versions. Myers' O((N+M)·D) algorithm finds a shortest edit
 * script; past `maxEdits` differences (say a file rewritten from scratch) it stops searching
 * and shows the whole old text removed and the new one added, which is what such a change is.
 */

const CONTEXT = 3;
const DEFAULT_MAX_EDITS = 2_000;

type Op = { kind: ' ' | '-' | '+'; line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The edit script from `a` to `b`, or undefined when it needs more than `maxEdits` edits. */
function myers(a: string[], b: string[], maxEdits: number): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(next);
        return backtrack(a, b, trace, offset);
      }
    }
    v = next;
  }
  return undefined;
}

function backtrack(a: string[], b: string[], trace: Int32Array[], offset: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 2; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x]! });
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', line: b[--y]! });
    else ops.push({ kind: '-', line: a[--x]! });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: ' ', line: a[--x]! });
    y--;
  }
  return ops.reverse();
}

/**
 * `--- a/<name>` / `+++ b/<name>` and hunks with three lines of context; '' when equal.
 *
 * @example
 * unifiedDiff('a.rego', 'x\ny\n', 'x\nz\n'); // '--- a/a.rego\n+++ b/a.rego\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n'
 */
export function unifiedDiff(name: string, before: string, after: string, opts: { maxEdits?: number } = {}): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = myers(a, b, opts.maxEdits ?? DEFAULT_MAX_EDITS) ?? [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
  let out = `--- a/${name}\n+++ b/${name}\n`;
  // Positions (in ops) of the changes, grouped into hunks whose context would touch.
  const changed = ops.flatMap((op, i) => (op.kind === ' ' ? [] : [i]));
  if (changed.length === 0) {
    // Only the final newline differs: the line content is equal.
    return out + '\\ the texts differ only in their final newline\n';
  }
  let i = 0;
  while (i < changed.length) {
    let j = i;
    while (j + 1 < changed.length && changed[j + 1]! - changed[j]! <= 2 * CONTEXT) j++;
    const start = Math.max(0, changed[i]! - CONTEXT);
    const end = Math.min(ops.length, changed[j]! + CONTEXT + 1);
    let aLine = 1;
    let bLine = 1;
    for (let p = 0; p < start; p++) {
      if (ops[p]!.kind !== '+') aLine++;
      if (ops[p]!.kind !== '-') bLine++;
    }
    const slice = ops.slice(start, end);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    out += `@@ -${aCount === 0 ? aLine - 1 : aLine},${aCount} +${bCount === 0 ? bLine - 1 : bLine},${bCount} @@\n`;
    for (const o of slice) out += `${o.kind}${o.line}\n`;
    i = j + 1;
  }
  return out;
}
