/**
 * Built-ins of the uuid category: `uuid.rfc4122` (a random version-4 UUID, the same for equal
 * arguments within one query, as OPA memoises it) and `uuid.parse` (the decoded fields OPA
 * reports, following the google/uuid package: version, variant, and for versions 1 and 2 the
 * embedded time, clock sequence and node; version 2 also the DCE domain and id).
 */
import { randomBytes } from 'node:crypto';
import { makeObject, normInt, valueKey, type Value } from '../value.ts';
import { arg, expectString } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';

/** google/uuid's Parse: the 16 bytes, or undefined when the text is not a UUID. */
function parseUUID(s: string): Uint8Array | undefined {
  let hex: string;
  if (s.length === 36) hex = s;
  else if (s.length === 36 + 9 && s.slice(0, 9).toLowerCase() === 'urn:uuid:') hex = s.slice(9);
  else if (s.length === 38 && s[0] === '{' && s[37] === '}') hex = s.slice(1, 37);
  else if (s.length === 32) hex = s.slice(0, 8) + '-' + s.slice(8, 12) + '-' + s.slice(12, 16) + '-' + s.slice(16, 20) + '-' + s.slice(20);
  else return undefined;
  if (hex[8] !== '-' || hex[13] !== '-' || hex[18] !== '-' || hex[23] !== '-') return undefined;
  const digits = hex.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(digits)) return undefined;
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

function variant(b: number): string {
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  if ((b & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 3) === 3) return 'local:multicast';
  if ((b & 1) === 1) return 'global:multicast';
  if ((b & 2) === 2) return 'local:unicast';
  return 'global:unicast';
}

/** 100-ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01. */
const G1582 = 122192928000000000n;

function uuidFields(u: Uint8Array): Value {
  const version = u[6]! >> 4;
  const fields: Record<string, Value> = { version, variant: variant(u[8]!) };
  if (version === 1 || version === 2) {
    const dv = new DataView(u.buffer, u.byteOffset, 16);
    const ts = BigInt(dv.getUint32(0)) | (BigInt(dv.getUint16(4)) << 32n) | (BigInt(dv.getUint16(6) & 0xfff) << 48n);
    const since = ts - G1582;
    const sec = since / 10_000_000n;
    const nsec = (since % 10_000_000n) * 100n;
    fields.time = normInt(sec * 1_000_000_000n + nsec);
    fields.clocksequence = dv.getUint16(8) & 0x3fff;
    const node = [...u.slice(10, 16)];
    fields.nodeid = node.map((b) => b.toString(16).padStart(2, '0')).join('-');
    fields.macvariables = macVariables(node[0]!);
    if (version === 2) {
      fields.id = dv.getUint32(0);
      const d = u[9]!;
      fields.domain = ['Person', 'Group', 'Org'][d] ?? `Domain${d}`;
    }
  }
  return makeObject(fields);
}

export const uuidBuiltins: BuiltinDecl[] = [
  {
    name: 'uuid.rfc4122',
    category: 'uuid',
    args: [{ name: 'k', type: t.string, description: 'seed: equal seeds give equal UUIDs within one query' }],
    result: t.string,
    description: 'Returns a new UUIDv4; the same value for the same argument throughout one query.',
    nondeterministic: true,
    impl: (args, ctx) => {
      const key = 'uuid.rfc4122:' + valueKey(arg(args, 0));
      const cached = ctx.cache.get(key);
      if (typeof cached === 'string') return cached;
      const b = randomBytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.toString('hex');
      const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      ctx.cache.set(key, id);
      return id;
    },
  },
  {
    name: 'uuid.parse',
    category: 'uuid',
    args: [{ name: 'uuid', type: t.string }],
    result: t.object(t.string, t.any),
    description: 'Parses the string as a UUID and returns its fields; undefined if it is not a UUID.',
    impl: (args) => {
      const u = parseUUID(expectString('uuid.parse', args, 0));
      return u ? uuidFields(u) : undefined;
    },
  },
];
