/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme): the exact bytes an audit event is
 * hashed over. Object members sorted by their UTF-16 code units, no white space, numbers in
 * ECMAScript's shortest round-trip form, strings escaped as JSON.stringify does — which is
 * what JCS specifies, so two implementations agree byte for byte.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function canonicalJson(value: unknown): string {
  return write(value, '');
}

// One string grown left to right: every audit event passes through here twice (its text and
// its row MAC), and the map/join form allocated an array and a string per member.
function write(value: unknown, out: string): string {
  if (value === null) return out + 'null';
  switch (typeof value) {
    case 'boolean':
      return out + (value ? 'true' : 'false');
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold NaN or Infinity');
      return out + JSON.stringify(value);
    case 'string':
      return out + JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        out += '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const v: unknown = value[i];
          out = write(v === undefined ? null : v, out);
        }
        return out + ']';
      }
      const obj = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      const keys = Object.keys(obj).sort();
      out += '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':';
        first = false;
        out = write(v, out);
      }
      return out + '}';
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}
