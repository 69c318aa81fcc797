/**
 * Built-ins of the jsonschema category: `json.verify_schema` and `json.match_schema`, with a
 * compact JSON Schema validator (draft 4/6/7 core keywords, local `$ref`s, boolean schemas)
 * written here. Errors are shaped as OPA's (gojsonschema's): `field` is the dotted path from
 * the root (`(root)` for the document itself), `type` the error kind (`invalid_type`,
 * `required`, …), `desc` the message and `error` "field: desc".
 */
import { isArray, isObject, makeObject, type ObjectValue, type Value, equals, isNumber, toJSON, type JSONValue } from '../value.ts';
import { arg } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';
import { isValidJSON, parseJSON, marshalJSON } from './support/json.ts';

class SchemaError extends Error {}

type Schema = JSONValue;
type SchemaObj = { [k: string]: JSONValue };

const PRIMITIVES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

interface VError {
  field: string;
  type: string;
  desc: string;
}

/** Load a schema or document operand: a JSON string or a Rego value. */
function load(v: Value): Value {
  if (typeof v === 'string') {
    if (!isValidJSON(v)) throw new SchemaError('invalid JSON string');
    return parseJSON(v);
  }
  if (isObject(v) || isArray(v)) return v;
  throw new SchemaError('wrong type, expected string or object');
}

/** Check the schema's own structure (what gojsonschema rejects when compiling). */
function checkSchema(s: Schema, root: Schema): void {
  if (typeof s === 'boolean') return;
  if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new SchemaError('Invalid schema: schema must be an object or a boolean');
  const o = s as SchemaObj;
  if (o.type !== undefined) {
    const types = Array.isArray(o.type) ? o.type : [o.type];
    for (const ty of types) {
      if (typeof ty !== 'string' || !PRIMITIVES.includes(ty)) {
        throw new SchemaError(`has a primitive type that is NOT VALID -- given: /${typeof ty === 'string' ? ty : JSON.stringify(ty)}/ Expected valid values are:[${PRIMITIVES.join(' ')}]`);
      }
    }
  }
  for (const k of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']) {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw new SchemaError(`${k} must be of an integer`);
  }
  if (o.required !== undefined && (!Array.isArray(o.required) || o.required.some((r) => typeof r !== 'string'))) throw new SchemaError('required must be of an array of strings');
  if (o.pattern !== undefined) {
    if (typeof o.pattern !== 'string') throw new SchemaError('pattern must be of a string');
    try {
      new RegExp(o.pattern, 'u');
    } catch {
      throw new SchemaError(`Invalid regex pattern '${o.pattern}'`);
    }
  }
  if (o.enum !== undefined && !Array.isArray(o.enum)) throw new SchemaError('enum must be of an array');
  if (typeof o.$ref === 'string') resolveRef(o.$ref, root);
  const sub = (x: JSONValue | undefined): void => {
    if (x !== undefined) checkSchema(x, root);
  };
  for (const k of ['additionalProperties', 'additionalItems', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']) {
    const v = o[k];
    if (v !== undefined && typeof v !== 'boolean') sub(v);
  }
  if (o.items !== undefined) {
    if (Array.isArray(o.items)) o.items.forEach(sub);
    else sub(o.items);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const v = o[k];
    if (v !== undefined) {
      if (!Array.isArray(v)) throw new SchemaError(`${k} must be of an array`);
      v.forEach(sub);
    }
  }
  for (const k of ['properties', 'patternProperties', 'definitions', '$defs']) {
    const v = o[k];
    if (v !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v)) Object.values(v).forEach(sub);
  }
}

function resolveRef(ref: string, root: Schema): Schema {
  if (ref === '#' || ref === '') return root;
  if (!ref.startsWith('#/')) throw new SchemaError(`Reference ${ref} must be canonical`);
  let cur: JSONValue = root;
  for (const raw of ref.slice(2).split('/')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && part in cur) cur = cur[part]!;
    else if (Array.isArray(cur) && /^\d+$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)]!;
    else throw new SchemaError(`Object has no key '${part}'`);
  }
  return cur;
}

function typeOf(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (isArray(v)) return 'array';
  return 'object';
}

const fmt = (x: JSONValue): string => (typeof x === 'string' ? `"${x}"` : JSON.stringify(x));

const formats: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  time: (s) => /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  hostname: (s) => /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/.test(s),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s),
  ipv6: (s) => s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s),
  uri: (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(s),
  uuid: (s) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s),
  regex: (s) => {
    try {
      new RegExp(s, 'u');
      return true;
    } catch {
      return false;
    }
  },
};

class Validator {
  readonly errors: VError[] = [];
  constructor(private readonly root: Schema) {}

  add(path: string[], type: string, desc: string): void {
    this.errors.push({ field: path.length ? path.join('.') : '(root)', type, desc });
  }

  /** Validate without recording errors (for anyOf/oneOf/not/if). */
  ok(v: Value, s: Schema, path: string[]): boolean {
    const sub = new Validator(this.root);
    sub.validate(v, s, path);
    return sub.errors.length === 0;
  }

  validate(v: Value, s: Schema, path: string[]): void {
    if (s === true) return;
    if (s === false) {
      this.add(path, 'false', 'False always fails validation');
      return;
    }
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return;
    const o = s as SchemaObj;
    if (typeof o.$ref === 'string') {
      this.validate(v, resolveRef(o.$ref, this.root), path);
      return;
    }
    const actual = typeOf(v);
    if (o.type !== undefined) {
      const types = (Array.isArray(o.type) ? o.type : [o.type]) as string[];
      const match = types.some((ty) => ty === actual || (ty === 'number' && actual === 'integer'));
      if (!match) {
        this.add(path, 'invalid_type', `Invalid type. Expected: ${types.join(', ')}, given: ${actual}`);
        return;
      }
    }
    if (Array.isArray(o.anyOf) && !o.anyOf.some((x) => this.ok(v, x, path))) this.add(path, 'number_any_of', 'Must validate at least one schema (anyOf)');
    if (Array.isArray(o.oneOf) && o.oneOf.filter((x) => this.ok(v, x, path)).length !== 1) this.add(path, 'number_one_of', 'Must validate one and only one schema (oneOf)');
    if (Array.isArray(o.allOf)) {
      const before = this.errors.length;
      for (const x of o.allOf) this.validate(v, x, path);
      if (this.errors.length > before) this.add(path, 'number_all_of', 'Must validate all the schemas (allOf)');
    }
    if (o.not !== undefined && this.ok(v, o.not, path)) this.add(path, 'number_not', 'Must not validate the schema (not)');
    if (o.if !== undefined) {
      if (this.ok(v, o.if, path)) {
        if (o.then !== undefined && !this.ok(v, o.then, path)) {
          this.validate(v, o.then, path);
          this.add(path, 'condition_then', 'Must validate "then" as "if" was valid');
        }
      } else if (o.else !== undefined && !this.ok(v, o.else, path)) {
        this.validate(v, o.else, path);
        this.add(path, 'condition_else', 'Must validate "else" as "if" was not valid');
      }
    }
    // gojsonschema's order: combinators, type-specific checks, const/enum, then properties.
    if (isArray(v)) this.validateArray(v, o, path);
    else if (isObject(v)) this.validateObject(v, o, path);
    else if (typeof v === 'string') this.validateString(v, o, path);
    else if (isNumber(v)) this.validateNumber(v, o, path);
    const label = path.length ? path[path.length - 1]! : '(root)';
    if (o.const !== undefined && !equals(v, jsonToValue(o.const))) this.add(path, 'const', `${label} does not match: ${fmt(o.const)}`);
    if (Array.isArray(o.enum) && !o.enum.some((e) => equals(v, jsonToValue(e)))) {
      this.add(path, 'enum', `${label} must be one of the following: ${o.enum.map(fmt).join(', ')}`);
    }
    if (isObject(v) && o.properties && typeof o.properties === 'object' && !Array.isArray(o.properties)) {
      for (const [k, s] of Object.entries(o.properties)) {
        const val = v.get(k);
        if (val !== undefined) this.validate(val, s, [...path, k]);
      }
    }
  }

  validateArray(v: Value[], o: SchemaObj, path: string[]): void {
    if (typeof o.minItems === 'number' && v.length < o.minItems) this.add(path, 'array_min_items', `Array must have at least ${o.minItems} items`);
    if (typeof o.maxItems === 'number' && v.length > o.maxItems) this.add(path, 'array_max_items', `Array must have at most ${o.maxItems} items`);
    if (o.uniqueItems === true) {
      outer: for (let i = 0; i < v.length; i++) {
        for (let j = i + 1; j < v.length; j++) {
          if (equals(v[i]!, v[j]!)) {
            this.add(path, 'unique', `array items[${i},${j}] must be unique`);
            break outer;
          }
        }
      }
    }
    if (Array.isArray(o.items)) {
      o.items.forEach((s, i) => {
        if (i < v.length) this.validate(v[i]!, s, [...path, String(i)]);
      });
      if (v.length > o.items.length) {
        if (o.additionalItems === false) this.add(path, 'array_no_additional_items', 'No additional items allowed on array');
        else if (o.additionalItems !== undefined) for (let i = o.items.length; i < v.length; i++) this.validate(v[i]!, o.additionalItems, [...path, String(i)]);
      }
    } else if (o.items !== undefined) {
      v.forEach((x, i) => this.validate(x, o.items!, [...path, String(i)]));
    }
    if (o.contains !== undefined && !v.some((x, i) => this.ok(x, o.contains!, [...path, String(i)]))) this.add(path, 'contains', 'At least one of the items must match');
  }

  validateObject(v: ObjectValue, o: SchemaObj, path: string[]): void {
    const keys = [...v.keys()].map((k) => (typeof k === 'string' ? k : marshalJSON(k)));
    if (typeof o.minProperties === 'number' && keys.length < o.minProperties) this.add(path, 'array_min_properties', `Must have at least ${o.minProperties} properties`);
    if (typeof o.maxProperties === 'number' && keys.length > o.maxProperties) this.add(path, 'array_max_properties', `Must have at most ${o.maxProperties} properties`);
    if (Array.isArray(o.required)) {
      for (const r of o.required) if (typeof r === 'string' && !v.has(r)) this.add(path, 'required', `${r} is required`);
    }
    const props = (o.properties && typeof o.properties === 'object' && !Array.isArray(o.properties) ? o.properties : {}) as SchemaObj;
    const patterns = (o.patternProperties && typeof o.patternProperties === 'object' && !Array.isArray(o.patternProperties) ? o.patternProperties : {}) as SchemaObj;
    for (const k of keys) {
      const val = v.get(k)!;
      let matched = false;
      if (k in props) matched = true; // validated after const/enum, in schema order
      for (const [p, s] of Object.entries(patterns)) {
        if (new RegExp(p, 'u').test(k)) {
          matched = true;
          this.validate(val, s, [...path, k]);
        }
      }
      if (!matched && o.additionalProperties !== undefined) {
        if (o.additionalProperties === false) this.add(path, 'additional_property_not_allowed', `Additional property ${k} is not allowed`);
        else this.validate(val, o.additionalProperties, [...path, k]);
      }
      if (o.propertyNames !== undefined && !this.ok(k, o.propertyNames, path)) this.add(path, 'invalid_property_name', `Property "${k}" does not match pattern`);
    }
    if (o.dependencies && typeof o.dependencies === 'object' && !Array.isArray(o.dependencies)) {
      for (const [k, dep] of Object.entries(o.dependencies)) {
        if (!v.has(k)) continue;
        if (Array.isArray(dep)) {
          for (const d of dep) if (typeof d === 'string' && !v.has(d)) this.add(path, 'missing_dependency', `Has a dependency on ${d}`);
        } else this.validate(v, dep, path);
      }
    }
  }

  validateString(v: string, o: SchemaObj, path: string[]): void {
    const len = [...v].length;
    if (typeof o.minLength === 'number' && len < o.minLength) this.add(path, 'string_gte', `String length must be greater than or equal to ${o.minLength}`);
    if (typeof o.maxLength === 'number' && len > o.maxLength) this.add(path, 'string_lte', `String length must be less than or equal to ${o.maxLength}`);
    if (typeof o.pattern === 'string' && !new RegExp(o.pattern, 'u').test(v)) this.add(path, 'pattern', `Does not match pattern '${o.pattern}'`);
    if (typeof o.format === 'string') {
      const check = formats[o.format];
      if (check && !check(v)) this.add(path, 'format', `Does not match format '${o.format}'`);
    }
  }

  validateNumber(v: number | bigint, o: SchemaObj, path: string[]): void {
    const n = Number(v);
    if (typeof o.multipleOf === 'number' && o.multipleOf > 0) {
      const q = n / o.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) this.add(path, 'multiple_of', `Must be a multiple of ${o.multipleOf}`);
    }
    if (typeof o.minimum === 'number') {
      if (o.exclusiveMinimum === true ? n <= o.minimum : n < o.minimum) {
        if (o.exclusiveMinimum === true) this.add(path, 'number_gt', `Must be greater than ${o.minimum}`);
        else this.add(path, 'number_gte', `Must be greater than or equal to ${o.minimum}`);
      }
    }
    if (typeof o.exclusiveMinimum === 'number' && n <= o.exclusiveMinimum) this.add(path, 'number_gt', `Must be greater than ${o.exclusiveMinimum}`);
    if (typeof o.maximum === 'number') {
      if (o.exclusiveMaximum === true ? n >= o.maximum : n > o.maximum) {
        if (o.exclusiveMaximum === true) this.add(path, 'number_lt', `Must be less than ${o.maximum}`);
        else this.add(path, 'number_lte', `Must be less than or equal to ${o.maximum}`);
      }
    }
    if (typeof o.exclusiveMaximum === 'number' && n >= o.exclusiveMaximum) this.add(path, 'number_lt', `Must be less than ${o.exclusiveMaximum}`);
  }
}

function jsonToValue(x: JSONValue): Value {
  return parseJSON(JSON.stringify(x));
}

function compile(v: Value): Schema {
  const s = toJSON(load(v));
  checkSchema(s, s);
  return s;
}

export const jsonschemaBuiltins: BuiltinDecl[] = [
  {
    name: 'json.verify_schema',
    category: 'jsonschema',
    args: [{ name: 'schema', type: t.union(t.string, t.object(t.any, t.any)), description: 'the schema to verify' }],
    result: t.array(t.any),
    description: 'Checks that the input is a valid JSON schema object: [true, null] or [false, error message].',
    impl: (args) => {
      try {
        compile(arg(args, 0));
        return [true, null];
      } catch (e) {
        if (e instanceof SchemaError) return [false, 'jsonschema: ' + e.message];
        throw e;
      }
    },
  },
  {
    name: 'json.match_schema',
    category: 'jsonschema',
    args: [
      { name: 'document', type: t.union(t.string, t.object(t.any, t.any)), description: 'document to verify by schema' },
      { name: 'schema', type: t.union(t.string, t.object(t.any, t.any)), description: 'schema to verify document by' },
    ],
    result: t.array(t.any),
    description: 'Checks that the document matches the JSON schema: [valid, errors] where each error has error, type, field and desc.',
    impl: (args) => {
      const fn = 'json.match_schema';
      try {
        const doc = load(arg(args, 0));
        const schema = compile(arg(args, 1));
        const val = new Validator(schema);
        val.validate(doc, schema, []);
        const errors = val.errors.map((e) => makeObject({ error: `${e.field}: ${e.desc}`, type: e.type, field: e.field, desc: e.desc }));
        return [errors.length === 0, errors];
      } catch (e) {
        if (e instanceof SchemaError) throw builtinError(fn, e.message);
        throw e;
      }
    },
  },
];
