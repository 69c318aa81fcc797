/**
 * A structured diff between two manifest versions, as JSON Pointer (RFC 6901) paths that were
 * added, removed or changed. Manifest lists are mostly sets (fields, egress hosts, tags) or
 * lists of named things (connectors, resources); comparing them by position would report a
 * whole list as changed when one entry is inserted at the top. So lists of unique scalars are
 * compared as sets and lists of objects with unique `name`s are matched by name; any other
 * list is compared position by position. A removed entry's path points into the old version,
 * an added or changed entry's path into the new one.
 */

export type DiffOp = 'add' | 'remove' | 'change';

export interface DiffEntry {
  op: DiffOp;
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface StructuredDiff {
  added: DiffEntry[];
  removed: DiffEntry[];
  changed: DiffEntry[];
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
  }
  return false;
}

function uniqueScalars(list: unknown[]): boolean {
  return list.every(isScalar) && new Set(list.map((v) => JSON.stringify(v))).size === list.length;
}

function namesOf(list: unknown[]): string[] | null {
  const names: string[] = [];
  for (const item of list) {
    if (!isPlainObject(item) || typeof item.name !== 'string') return null;
    names.push(item.name);
  }
  return new Set(names).size === names.length ? names : null;
}

function walk(a: unknown, b: unknown, pathA: string, pathB: string, out: DiffEntry[]): void {
  if (sameJson(a, b)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of Object.keys(a)) {
      if (!Object.hasOwn(b, k)) out.push({ op: 'remove', path: `${pathA}/${pointerToken(k)}`, from: a[k] });
    }
    for (const k of Object.keys(b)) {
      const pa = `${pathA}/${pointerToken(k)}`;
      const pb = `${pathB}/${pointerToken(k)}`;
      if (!Object.hasOwn(a, k)) out.push({ op: 'add', path: pb, to: b[k] });
      else walk(a[k], b[k], pa, pb, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    walkArray(a, b, pathA, pathB, out);
    return;
  }
  out.push({ op: 'change', path: pathB, from: a, to: b });
}

function walkArray(a: unknown[], b: unknown[], pathA: string, pathB: string, out: DiffEntry[]): void {
  if (uniqueScalars(a) && uniqueScalars(b)) {
    const inB = new Set(b.map((v) => JSON.stringify(v)));
    const inA = new Set(a.map((v) => JSON.stringify(v)));
    a.forEach((v, i) => {
      if (!inB.has(JSON.stringify(v))) out.push({ op: 'remove', path: `${pathA}/${i}`, from: v });
    });
    b.forEach((v, i) => {
      if (!inA.has(JSON.stringify(v))) out.push({ op: 'add', path: `${pathB}/${i}`, to: v });
    });
    return;
  }
  const namesA = namesOf(a);
  const namesB = namesOf(b);
  if (namesA && namesB) {
    const indexB = new Map(namesB.map((n, i) => [n, i]));
    const indexA = new Map(namesA.map((n, i) => [n, i]));
    namesA.forEach((n, i) => {
      if (!indexB.has(n)) out.push({ op: 'remove', path: `${pathA}/${i}`, from: a[i] });
    });
    namesB.forEach((n, j) => {
      const i = indexA.get(n);
      if (i === undefined) out.push({ op: 'add', path: `${pathB}/${j}`, to: b[j] });
      else walk(a[i], b[j], `${pathA}/${i}`, `${pathB}/${j}`, out);
    });
    return;
  }
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) walk(a[i], b[i], `${pathA}/${i}`, `${pathB}/${i}`, out);
  for (let i = common; i < a.length; i++) out.push({ op: 'remove', path: `${pathA}/${i}`, from: a[i] });
  for (let i = common; i < b.length; i++) out.push({ op: 'add', path: `${pathB}/${i}`, to: b[i] });
}

/** Every difference from `from` to `to`, as a flat ordered list. */
export function diffEntries(from: unknown, to: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(from, to, '', '', out);
  return out;
}

/** The diff grouped by kind, as the API returns it. */
export function diffManifests(from: unknown, to: unknown): StructuredDiff {
  const entries = diffEntries(from, to);
  return {
    added: entries.filter((e) => e.op === 'add'),
    removed: entries.filter((e) => e.op === 'remove'),
    changed: entries.filter((e) => e.op === 'change'),
  };
}
