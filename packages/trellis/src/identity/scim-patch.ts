/**
 * SCIM PATCH (RFC 7644 §3.5.2) over a stored resource document: `add`, `replace` and `remove`
 * with or without a path, paths into the enterprise extension, sub-attributes, and value
 * filters (`emails[type eq "work"].value`, `members[value eq "…"]`). The result is read
 * again like a PUT body, so a PATCH can store nothing a PUT could not.
 */
import { badRequest, ScimError } from './scim-error.ts';
import { matchesElement, parsePatchPath, type ElementFilter, type PatchPath } from './scim-filter.ts';
import { PATCH_SCHEMA, type ResourceSchema } from './scim-schema.ts';

export const MAX_OPERATIONS = 1000;

type Doc = Record<string, unknown>;
type Op = 'add' | 'replace' | 'remove';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Applies the operations of a PatchOp body to a copy of `doc` (core attributes at the top, extensions under their URN). */
export function applyPatch(schema: ResourceSchema, doc: Doc, body: unknown): Doc {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'the request body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_SCHEMA.toLowerCase())) throw badRequest('invalidSyntax', `schemas must be ["${PATCH_SCHEMA}"]`);
  const ops = body.Operations ?? body.operations;
  if (!Array.isArray(ops) || ops.length === 0) throw badRequest('invalidSyntax', 'Operations must be a non-empty list');
  if (ops.length > MAX_OPERATIONS) throw new ScimError(400, `more than ${MAX_OPERATIONS} operations in one request`, 'tooMany');
  const out = structuredClone(doc);
  for (const [i, raw] of ops.entries()) {
    if (!isObject(raw)) throw badRequest('invalidSyntax', `Operations[${i}] must be an object`);
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw badRequest('invalidSyntax', `Operations[${i}].op must be add, replace or remove`);
    const path = raw.path;
    if (path !== undefined && typeof path !== 'string') throw badRequest('invalidPath', `Operations[${i}].path must be a string`);
    if (path === undefined || path === '') {
      if (op === 'remove') throw badRequest('noTarget', `Operations[${i}]: remove needs a path`);
      if (!isObject(raw.value)) throw badRequest('invalidValue', `Operations[${i}]: without a path the value must be an object of attributes`);
      for (const [k, v] of Object.entries(raw.value)) {
        // An extension's attributes as one object: each is a path of its own.
        if (k.includes(':') && isObject(v) && [...schema.extensions.keys()].some((u) => u.toLowerCase() === k.toLowerCase())) {
          for (const [ek, ev] of Object.entries(v)) applyOne(out, op, parsePatchPath(schema, `${k}:${ek}`), ev);
        } else if (k.toLowerCase() !== 'schemas') {
          const p = parsePatchPath(schema, k);
          // Okta sends the group's own id beside a rename: read-only attributes in a value are ignored, as in a PUT.
          if (p.resolved.attr.mutability === 'readOnly' && !p.resolved.sub) continue;
          applyOne(out, op, p, v);
        }
      }
      continue;
    }
    applyOne(out, op, parsePatchPath(schema, path), raw.value);
  }
  return out;
}

function containerOf(doc: Doc, p: PatchPath, create: boolean): Doc | undefined {
  if (!p.resolved.ext) return doc;
  const existing = doc[p.resolved.ext];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const c: Doc = {};
  doc[p.resolved.ext] = c;
  return c;
}

/** The eq comparisons of a simple value filter, to build the element an `add` through a filter creates. */
function eqTerms(f: ElementFilter, into: Doc): boolean {
  if (f.op === 'and') return eqTerms(f.left, into) && eqTerms(f.right, into);
  if (f.op === 'cmp' && f.cmp === 'eq') {
    into[f.sub.name] = f.value;
    return true;
  }
  return false;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b) && 'value' in a && 'value' in b) return a.value === b.value;
  return JSON.stringify(a) === JSON.stringify(b);
}

function applyOne(doc: Doc, op: Op, p: PatchPath, value: unknown): void {
  const { attr, sub } = p.resolved;
  const readOnly = attr.mutability === 'readOnly' || sub?.mutability === 'readOnly' || p.subAfter?.mutability === 'readOnly';
  if (readOnly) throw badRequest('mutability', `${attr.name}${sub ? `.${sub.name}` : ''} is read-only`);
  if (op !== 'remove' && value === undefined) throw badRequest('invalidValue', `${op} on ${attr.name} needs a value`);
  const container = containerOf(doc, p, op !== 'remove');
  if (!container) return;
  const name = attr.name;

  if (p.filter) {
    const list = Array.isArray(container[name]) ? (container[name] as unknown[]) : [];
    const hits = list.filter((e) => matchesElement(p.filter!, e));
    if (op === 'remove') {
      if (p.subAfter) {
        for (const e of hits) if (isObject(e)) delete e[p.subAfter.name];
      } else {
        container[name] = list.filter((e) => !hits.includes(e));
      }
      return;
    }
    if (hits.length === 0) {
      const fresh: Doc = {};
      if (op === 'replace' || !eqTerms(p.filter, fresh)) throw badRequest('noTarget', `no value of ${name} matches the path's filter`);
      list.push(fresh);
      container[name] = list;
      hits.push(fresh);
    }
    for (const e of hits) {
      if (!isObject(e)) continue;
      if (p.subAfter) e[p.subAfter.name] = value;
      else if (isObject(value)) Object.assign(e, value);
      else throw badRequest('invalidValue', `a value for ${name}[…] must be an object`);
    }
    return;
  }

  if (sub) {
    if (attr.multiValued) throw badRequest('invalidPath', `${name}.${sub.name} names a sub-attribute of every ${name} value; select values with ${name}[…].${sub.name}`);
    const parent = isObject(container[name]) ? (container[name] as Doc) : {};
    if (op === 'remove') delete parent[sub.name];
    else parent[sub.name] = value;
    container[name] = parent;
    return;
  }

  if (op === 'remove') {
    if (attr.multiValued && value !== undefined && Array.isArray(container[name])) {
      // `remove members` with the members to remove as the value (Entra ID's form).
      const gone = Array.isArray(value) ? value : [value];
      container[name] = (container[name] as unknown[]).filter((e) => !gone.some((g) => sameValue(e, g)));
    } else {
      delete container[name];
    }
    return;
  }
  if (attr.multiValued) {
    const incoming = Array.isArray(value) ? value : [value];
    if (op === 'replace') container[name] = incoming;
    else {
      const list = Array.isArray(container[name]) ? (container[name] as unknown[]) : [];
      for (const v of incoming) if (!list.some((e) => sameValue(e, v))) list.push(v);
      container[name] = list;
    }
    return;
  }
  if (attr.type === 'complex' && isObject(value) && isObject(container[name])) {
    // RFC 7644: a complex value's sub-attributes replace or add to the existing ones.
    Object.assign(container[name] as Doc, value);
    return;
  }
  // Entra ID sends the manager as a bare id string.
  if (attr.type === 'complex' && typeof value === 'string' && attr.subAttributes?.some((s) => s.name === 'value')) {
    container[name] = { value };
    return;
  }
  container[name] = value;
}
