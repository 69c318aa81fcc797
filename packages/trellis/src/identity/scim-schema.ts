/**
 * The SCIM schemas Trellis serves (RFC 7643 §4, §8.7): the core User with the enterprise
 * extension, and Group. One table of attributes drives reading payloads (canonical attribute
 * names whatever the case the IdP sends, type checks, read-only attributes dropped), filters
 * and PATCH paths (which attributes exist, which compare case-exactly), and /Schemas.
 */
import { badRequest } from './scim-error.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type AttrType = 'string' | 'boolean' | 'integer' | 'dateTime' | 'reference' | 'complex';

export interface AttrDef {
  name: string;
  type: AttrType;
  multiValued?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  required?: boolean;
  uniqueness?: 'none' | 'server';
  subAttributes?: AttrDef[];
  description?: string;
}

const str = (name: string, extra: Partial<AttrDef> = {}): AttrDef => ({ name, type: 'string', ...extra });
/** The sub-attributes of a multi-valued attribute like emails (RFC 7643 §2.4). */
const multi = (name: string, more: AttrDef[] = []): AttrDef => ({
  name,
  type: 'complex',
  multiValued: true,
  subAttributes: [str('value'), str('display'), str('type'), { name: 'primary', type: 'boolean' }, ...more],
});

export const userAttributes: AttrDef[] = [
  str('userName', { required: true, uniqueness: 'server', description: 'Unique (without regard to case); the person’s reference is user:<primary email or userName>.' }),
  {
    name: 'name',
    type: 'complex',
    subAttributes: [str('formatted'), str('familyName'), str('givenName'), str('middleName'), str('honorificPrefix'), str('honorificSuffix')],
  },
  str('displayName'),
  str('nickName'),
  { name: 'profileUrl', type: 'reference' },
  str('title'),
  str('userType', { description: 'Employment type (Employee, Contractor, …); ABAC attribute employment_type.' }),
  str('preferredLanguage'),
  str('locale'),
  str('timezone'),
  { name: 'active', type: 'boolean', description: 'false deactivates the person: the departed-owner cascade runs.' },
  multi('emails'),
  multi('phoneNumbers'),
  multi('ims'),
  multi('photos'),
  {
    name: 'addresses',
    type: 'complex',
    multiValued: true,
    subAttributes: [str('formatted'), str('streetAddress'), str('locality'), str('region'), str('postalCode'), str('country'), str('type'), { name: 'primary', type: 'boolean' }],
  },
  { name: 'groups', type: 'complex', multiValued: true, mutability: 'readOnly', subAttributes: [str('value'), { name: '$ref', type: 'reference' }, str('display'), str('type')] },
  multi('entitlements'),
  multi('roles'),
  multi('x509Certificates'),
];

export const enterpriseAttributes: AttrDef[] = [
  str('employeeNumber'),
  str('costCenter'),
  str('organization'),
  str('division'),
  str('department'),
  { name: 'manager', type: 'complex', subAttributes: [str('value', { caseExact: true }), { name: '$ref', type: 'reference' }, str('displayName', { mutability: 'readOnly' })] },
];

export const groupAttributes: AttrDef[] = [
  str('displayName', { required: true, uniqueness: 'server' }),
  { name: 'members', type: 'complex', multiValued: true, subAttributes: [str('value', { caseExact: true, mutability: 'immutable' }), { name: '$ref', type: 'reference' }, str('display', { mutability: 'readOnly' }), str('type')] },
];

/** Attributes every resource has (RFC 7643 §3.1). */
export const commonAttributes: AttrDef[] = [
  str('id', { caseExact: true, mutability: 'readOnly' }),
  str('externalId', { caseExact: true }),
  {
    name: 'meta',
    type: 'complex',
    mutability: 'readOnly',
    subAttributes: [str('resourceType'), { name: 'created', type: 'dateTime' }, { name: 'lastModified', type: 'dateTime' }, { name: 'location', type: 'reference' }, str('version', { caseExact: true })],
  },
];

export type ResourceKind = 'User' | 'Group';

export interface ResourceSchema {
  kind: ResourceKind;
  core: string;
  coreAttrs: AttrDef[];
  /** Extension URN → its attributes. */
  extensions: Map<string, AttrDef[]>;
}

export const userSchema: ResourceSchema = { kind: 'User', core: USER_SCHEMA, coreAttrs: userAttributes, extensions: new Map([[ENTERPRISE_SCHEMA, enterpriseAttributes]]) };
export const groupSchema: ResourceSchema = { kind: 'Group', core: GROUP_SCHEMA, coreAttrs: groupAttributes, extensions: new Map() };

export function findAttr(defs: readonly AttrDef[], name: string): AttrDef | undefined {
  const lower = name.toLowerCase();
  return defs.find((d) => d.name.toLowerCase() === lower);
}

/**
 * Where an attribute path (`userName`, `name.givenName`, `urn:…:enterprise:2.0:User:department`,
 * `urn:…:core:2.0:User:emails.value`) lands: the extension URN (or null for core), the
 * attribute and, when given, its sub-attribute; names in their canonical case. Undefined for
 * a path the schema does not have.
 */
export interface ResolvedPath {
  ext: string | null;
  attr: AttrDef;
  sub?: AttrDef;
}

export function resolvePath(schema: ResourceSchema, path: string): ResolvedPath | undefined {
  let ext: string | null = null;
  let rest = path;
  const lower = path.toLowerCase();
  const coreLower = schema.core.toLowerCase();
  if (lower.startsWith(`${coreLower}:`)) rest = path.slice(schema.core.length + 1);
  else {
    for (const urn of schema.extensions.keys()) {
      if (lower.startsWith(`${urn.toLowerCase()}:`)) {
        ext = urn;
        rest = path.slice(urn.length + 1);
        break;
      }
    }
  }
  const [attrName, subName, ...more] = rest.split('.');
  if (!attrName || more.length > 0) return undefined;
  const defs = ext ? schema.extensions.get(ext)! : [...commonAttributes, ...schema.coreAttrs];
  const attr = findAttr(defs, attrName);
  if (!attr) return undefined;
  if (subName === undefined) return { ext, attr };
  const sub = attr.subAttributes ? findAttr(attr.subAttributes, subName) : undefined;
  return sub ? { ext, attr, sub } : undefined;
}

/** A value of a simple attribute, type-checked. */
function simpleValue(def: AttrDef, v: unknown, where: string): unknown {
  if (v === null) return null;
  switch (def.type) {
    case 'boolean':
      // Some IdPs send "true"/"false" as strings (Entra ID's PATCH): read them as booleans.
      if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      if (typeof v !== 'boolean') throw badRequest('invalidValue', `${where} must be a boolean`);
      return v;
    case 'integer':
      if (!Number.isInteger(v)) throw badRequest('invalidValue', `${where} must be an integer`);
      return v;
    default:
      if (typeof v !== 'string') throw badRequest('invalidValue', `${where} must be a string`);
      if (v.length > 2048) throw badRequest('invalidValue', `${where} is longer than 2048 characters`);
      return v;
  }
}

/** A complex value: known sub-attributes in canonical case; unknown ones are dropped (as RFC 7643 lets a service provider). */
function complexValue(def: AttrDef, v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest('invalidValue', `${where} must be an object`);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const sub = findAttr(def.subAttributes ?? [], k);
    if (!sub || sub.mutability === 'readOnly') continue;
    const val = simpleValue(sub, x, `${where}.${sub.name}`);
    if (val !== null) out[sub.name] = val;
  }
  return out;
}

/** One attribute's value, read against its definition (multi-valued: an array; a single object is taken as a one-element array). */
export function attributeValue(def: AttrDef, v: unknown, where: string): unknown {
  if (v === null) return null;
  if (def.multiValued) {
    const arr = Array.isArray(v) ? v : [v];
    if (arr.length > 100) throw badRequest('invalidValue', `${where} has more than 100 values`);
    return arr.map((x, i) => (def.type === 'complex' ? complexValue(def, x, `${where}[${i}]`) : simpleValue(def, x, `${where}[${i}]`)));
  }
  if (Array.isArray(v)) throw badRequest('invalidValue', `${where} takes one value`);
  return def.type === 'complex' ? complexValue(def, v, where) : simpleValue(def, v, where);
}

/**
 * A resource as the IdP sent it → the document stored: canonical attribute names, values
 * type-checked, read-only attributes (id, meta, groups) dropped, unknown attributes ignored.
 * A `schemas` entry or an extension key this server does not know is refused (invalidSyntax),
 * as is a body without the core schema.
 */
export function readResource(schema: ResourceSchema, body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('invalidSyntax', 'the request body must be a JSON object');
  const input = body as Record<string, unknown>;
  const schemas = input.schemas;
  if (!Array.isArray(schemas) || schemas.some((s) => typeof s !== 'string')) throw badRequest('invalidSyntax', 'schemas must be a list of schema URNs');
  const known = new Map([[schema.core.toLowerCase(), schema.core], ...[...schema.extensions.keys()].map((u) => [u.toLowerCase(), u] as [string, string])]);
  const unknown = (schemas as string[]).filter((s) => !known.has(s.toLowerCase()));
  if (unknown.length > 0) throw new UnknownSchemaError(unknown);
  if (!(schemas as string[]).some((s) => s.toLowerCase() === schema.core.toLowerCase())) throw badRequest('invalidSyntax', `schemas must include ${schema.core}`);
  const doc: Record<string, unknown> = {};
  const exts = new Set<string>();
  for (const [k, v] of Object.entries(input)) {
    if (k === 'schemas') continue;
    if (k.includes(':')) {
      const urn = known.get(k.toLowerCase());
      if (!urn) throw new UnknownSchemaError([k]);
      if (urn === schema.core) continue;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest('invalidValue', `${urn} must be an object`);
      const ext: Record<string, unknown> = {};
      for (const [ek, ev] of Object.entries(v as Record<string, unknown>)) {
        const def = findAttr(schema.extensions.get(urn)!, ek);
        if (!def || def.mutability === 'readOnly') continue;
        const val = attributeValue(def, ev, `${urn}:${def.name}`);
        if (val !== null) ext[def.name] = val;
      }
      doc[urn] = ext;
      exts.add(urn);
      continue;
    }
    const def = findAttr([...commonAttributes, ...schema.coreAttrs], k);
    if (!def || def.mutability === 'readOnly') continue;
    const val = attributeValue(def, v, def.name);
    if (val !== null) doc[def.name] = val;
  }
  return doc;
}

/** A payload naming a schema this server does not serve: refused (invalidSyntax) and audited. */
export class UnknownSchemaError extends Error {
  constructor(readonly schemas: string[]) {
    super(`unknown schema ${schemas.join(', ')}`);
  }
}

function attrJson(d: AttrDef): Record<string, unknown> {
  return {
    name: d.name,
    type: d.type,
    multiValued: d.multiValued === true,
    description: d.description ?? '',
    required: d.required === true,
    caseExact: d.caseExact === true,
    mutability: d.mutability ?? 'readWrite',
    returned: d.name === 'id' ? 'always' : 'default',
    uniqueness: d.uniqueness ?? 'none',
    ...(d.type === 'reference' ? { referenceTypes: ['external'] } : {}),
    ...(d.subAttributes ? { subAttributes: d.subAttributes.map(attrJson) } : {}),
  };
}

/** /Schemas (RFC 7643 §7). */
export function schemaDocuments(base: string): Record<string, unknown>[] {
  const doc = (id: string, name: string, attrs: AttrDef[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id,
    name,
    description: `${name} as Trellis stores it`,
    attributes: attrs.map(attrJson),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` },
  });
  return [doc(USER_SCHEMA, 'User', userAttributes), doc(ENTERPRISE_SCHEMA, 'EnterpriseUser', enterpriseAttributes), doc(GROUP_SCHEMA, 'Group', groupAttributes)];
}

/** /ResourceTypes (RFC 7643 §6). */
export function resourceTypes(base: string): Record<string, unknown>[] {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'People',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Groups of people',
      schema: GROUP_SCHEMA,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
}

export const MAX_RESULTS = 1000;

/** /ServiceProviderConfig (RFC 7643 §5). */
export function serviceProviderConfig(base: string, docs: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: docs,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'A Trellis API token with the provisioner role (trellis tokens create --role provisioner)', primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}
