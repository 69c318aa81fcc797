/**
 * Built-ins of the graphql category. Parsing follows gqlparser, the Go library OPA embeds
 * (support/gqlparser.ts), so ASTs and syntax errors match OPA's. Validation of a query
 * against a schema uses the `graphql` package: the schema document (extensions merged into
 * their types, as gqlparser does, even for types never defined) and the query are printed
 * back to GraphQL text and checked with graphql-js's specified rules, whose messages
 * gqlparser shares.
 */
import { buildSchema, GraphQLError, parse as gqlParse, validate, type GraphQLSchema } from 'graphql';
import { fromJSON, isObject, toJSON, type Value } from '../value.ts';
import { arg, expectString } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError, operandTypeError } from './errors.ts';
import { GraphQLSyntaxError, parseQuery, parseSchema, type Json, type Obj } from './support/gqlparser.ts';

class GraphQLCheckError extends Error {}

const list = (o: Obj, k: string): Obj[] => (Array.isArray(o[k]) ? (o[k] as Obj[]) : []);
const str = (o: Obj, k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');

function printValue(v: Obj | undefined): string {
  if (!v) return 'null';
  const raw = str(v, 'Raw');
  switch (v.Kind) {
    case 0:
      return '$' + raw;
    case 3:
    case 4:
      return JSON.stringify(raw);
    case 8:
      return '[' + list(v, 'Children').map((c) => printValue(c.Value as Obj)).join(', ') + ']';
    case 9:
      return '{' + list(v, 'Children').map((c) => `${str(c, 'Name')}: ${printValue(c.Value as Obj)}`).join(', ') + '}';
    default:
      return raw;
  }
}

function printType(ty: Obj | undefined): string {
  if (!ty) return 'String';
  const base = ty.Elem ? `[${printType(ty.Elem as Obj)}]` : str(ty, 'NamedType');
  return base + (ty.NonNull === true ? '!' : '');
}

const printArgs = (args: Obj[]): string => (args.length ? '(' + args.map((a) => `${str(a, 'Name')}: ${printValue(a.Value as Obj)}`).join(', ') + ')' : '');
const printDirectives = (ds: Obj[]): string => ds.map((d) => ` @${str(d, 'Name')}${printArgs(list(d, 'Arguments'))}`).join('');

function printSelections(sels: Obj[]): string {
  if (sels.length === 0) return '';
  return (
    ' {\n' +
    sels
      .map((s) => {
        if (typeof s.Alias === 'string') {
          const alias = str(s, 'Alias') !== str(s, 'Name') ? `${str(s, 'Alias')}: ` : '';
          return alias + str(s, 'Name') + printArgs(list(s, 'Arguments')) + printDirectives(list(s, 'Directives')) + printSelections(list(s, 'SelectionSet'));
        }
        if (typeof s.Name === 'string' && !s.SelectionSet) return '...' + str(s, 'Name') + printDirectives(list(s, 'Directives'));
        const on = str(s, 'TypeCondition') ? ` on ${str(s, 'TypeCondition')}` : '';
        return '...' + on + printDirectives(list(s, 'Directives')) + printSelections(list(s, 'SelectionSet'));
      })
      .join('\n') +
    '\n}'
  );
}

function printVarDefs(defs: Obj[]): string {
  if (defs.length === 0) return '';
  return (
    '(' +
    defs
      .map((d) => `$${str(d, 'Variable')}: ${printType(d.Type as Obj)}${d.DefaultValue ? ' = ' + printValue(d.DefaultValue as Obj) : ''}${printDirectives(list(d, 'Directives'))}`)
      .join(', ') +
    ')'
  );
}

function printQuery(doc: Obj): string {
  const parts: string[] = [];
  for (const op of list(doc, 'Operations')) {
    parts.push(`${str(op, 'Operation') || 'query'} ${str(op, 'Name')}${printVarDefs(list(op, 'VariableDefinitions'))}${printDirectives(list(op, 'Directives'))}${printSelections(list(op, 'SelectionSet'))}`);
  }
  for (const f of list(doc, 'Fragments')) {
    parts.push(`fragment ${str(f, 'Name')}${printVarDefs(list(f, 'VariableDefinition'))} on ${str(f, 'TypeCondition')}${printDirectives(list(f, 'Directives'))}${printSelections(list(f, 'SelectionSet'))}`);
  }
  return parts.join('\n');
}

const desc = (o: Obj): string => (str(o, 'Description') ? JSON.stringify(str(o, 'Description')) + '\n' : '');

function printArgDefs(args: Obj[]): string {
  if (args.length === 0) return '';
  return '(' + args.map((a) => `${desc(a)}${str(a, 'Name')}: ${printType(a.Type as Obj)}${a.DefaultValue ? ' = ' + printValue(a.DefaultValue as Obj) : ''}${printDirectives(list(a, 'Directives'))}`).join(', ') + ')';
}

function printFields(fields: Obj[]): string {
  if (fields.length === 0) return '';
  return (
    ' {\n' +
    fields
      .map((f) => `${desc(f)}${str(f, 'Name')}${printArgDefs(list(f, 'Arguments'))}: ${printType(f.Type as Obj)}${f.DefaultValue ? ' = ' + printValue(f.DefaultValue as Obj) : ''}${printDirectives(list(f, 'Directives'))}`)
      .join('\n') +
    '\n}'
  );
}

function printDefinition(d: Obj): string {
  const name = str(d, 'Name');
  const dirs = printDirectives(list(d, 'Directives'));
  switch (d.Kind) {
    case 'SCALAR':
      return `${desc(d)}scalar ${name}${dirs}`;
    case 'OBJECT':
    case 'INTERFACE': {
      const ifaces = (d.Interfaces as string[] | undefined) ?? [];
      const impl = ifaces.length ? ' implements ' + ifaces.join(' & ') : '';
      return `${desc(d)}${d.Kind === 'OBJECT' ? 'type' : 'interface'} ${name}${impl}${dirs}${printFields(list(d, 'Fields'))}`;
    }
    case 'UNION': {
      const types = (d.Types as string[] | undefined) ?? [];
      return `${desc(d)}union ${name}${dirs}${types.length ? ' = ' + types.join(' | ') : ''}`;
    }
    case 'ENUM': {
      const vals = list(d, 'EnumValues');
      return `${desc(d)}enum ${name}${dirs}${vals.length ? ' {\n' + vals.map((v) => `${desc(v)}${str(v, 'Name')}${printDirectives(list(v, 'Directives'))}`).join('\n') + '\n}' : ''}`;
    }
    case 'INPUT_OBJECT':
      return `${desc(d)}input ${name}${dirs}${printFields(list(d, 'Fields'))}`;
    default:
      throw new GraphQLCheckError(`unknown definition kind ${String(d.Kind)}`);
  }
}

/** Merge `extend` definitions into their types (creating the type when missing, as gqlparser does). */
function mergedSchemaSDL(doc: Obj): string {
  const defs = new Map<string, Obj>();
  const order: string[] = [];
  for (const d of list(doc, 'Definitions')) {
    const name = str(d, 'Name');
    if (defs.has(name)) throw new GraphQLCheckError(`Cannot redeclare type ${name}.`);
    defs.set(name, { ...d });
    order.push(name);
  }
  for (const ext of list(doc, 'Extensions')) {
    const name = str(ext, 'Name');
    let d = defs.get(name);
    if (!d) {
      d = { Kind: ext.Kind as Json, Name: name };
      defs.set(name, d);
      order.push(name);
    }
    if (d.Kind !== ext.Kind) throw new GraphQLCheckError(`Cannot extend type ${name} because the base type is a ${String(d.Kind)}, not ${String(ext.Kind)}.`);
    for (const k of ['Directives', 'Interfaces', 'Fields', 'Types', 'EnumValues']) {
      const add = ext[k];
      if (Array.isArray(add)) d[k] = [...((d[k] as Json[] | undefined) ?? []), ...add];
    }
  }
  const parts: string[] = [];
  const schemas = [...list(doc, 'Schema'), ...list(doc, 'SchemaExtension')];
  if (schemas.length > 0) {
    const ops = schemas.flatMap((s) => list(s, 'OperationTypes'));
    const dirs = schemas.flatMap((s) => list(s, 'Directives'));
    if (ops.length > 0) parts.push(`schema${printDirectives(dirs)} {\n${ops.map((o) => `${str(o, 'Operation')}: ${str(o, 'Type')}`).join('\n')}\n}`);
  }
  for (const dd of list(doc, 'Directives')) {
    const locs = (dd.Locations as string[] | undefined) ?? [];
    parts.push(`${desc(dd)}directive @${str(dd, 'Name')}${printArgDefs(list(dd, 'Arguments'))}${dd.IsRepeatable === true ? ' repeatable' : ''} on ${locs.join(' | ')}`);
  }
  for (const name of order) parts.push(printDefinition(defs.get(name)!));
  return parts.join('\n\n');
}

function buildFromDoc(doc: Obj): GraphQLSchema {
  const sdl = mergedSchemaSDL(doc);
  try {
    return buildSchema(sdl.trim() === '' ? 'scalar _Empty' : sdl);
  } catch (e) {
    throw new GraphQLCheckError(`Error in gqlparser SchemaDocument to Schema conversion: ${(e as Error).message}`);
  }
}

interface Input {
  doc: Obj;
  /** The original text when the input was a string (for exact error locations). */
  text?: string;
}

function fnError(fn: string, e: unknown): Error {
  if (e instanceof GraphQLSyntaxError || e instanceof GraphQLCheckError) return builtinError(fn, e.message);
  return e as Error;
}

function queryInput(fn: string, v: Value, pos: number): Input {
  if (typeof v === 'string') return { doc: parseQuery(v), text: v };
  if (isObject(v)) return { doc: toJSON(v) as Obj };
  throw operandTypeError(fn, pos, 'one of {string, object}', v);
}

function schemaInput(fn: string, v: Value, pos: number): Input {
  if (typeof v === 'string') return { doc: parseSchema(v), text: v };
  if (isObject(v)) return { doc: toJSON(v) as Obj };
  throw operandTypeError(fn, pos, 'one of {string, object}', v);
}

/** Validate the query against the schema; throws GraphQLCheckError with OPA's wording. */
function validateQuery(q: Input, s: Input): void {
  const schema = buildFromDoc(s.doc);
  if (list(q.doc, 'Operations').length === 0 && list(q.doc, 'Fragments').length === 0) return;
  const text = q.text ?? printQuery(q.doc);
  let parsed;
  try {
    parsed = gqlParse(text, { allowLegacyFragmentVariables: true });
  } catch (e) {
    if (e instanceof GraphQLError) throw new GraphQLCheckError(e.message);
    throw e;
  }
  const errors = validate(schema, parsed);
  const first = errors[0];
  if (first) {
    const loc = first.locations?.[0];
    const msg = first.message.replace(/\.$/, '');
    throw new GraphQLCheckError(loc ? `${msg} in GraphQL string at location ${loc.line}:${loc.column}` : msg);
  }
}

const docArg = (name: string) => ({ name, type: t.union(t.string, t.object(t.any, t.any)) });

export const graphqlBuiltins: BuiltinDecl[] = [
  {
    name: 'graphql.parse',
    category: 'graphql',
    args: [docArg('query'), docArg('schema')],
    result: t.array(t.object(t.any, t.any)),
    description: 'Returns AST objects for a given GraphQL query and schema after validating the query against the schema. Errors on invalid input.',
    impl: (args) => {
      const fn = 'graphql.parse';
      try {
        const q = queryInput(fn, arg(args, 0), 1);
        const s = schemaInput(fn, arg(args, 1), 2);
        validateQuery(q, s);
        return [fromJSON(q.doc), fromJSON(s.doc)];
      } catch (e) {
        throw fnError(fn, e);
      }
    },
  },
  {
    name: 'graphql.parse_and_verify',
    category: 'graphql',
    args: [docArg('query'), docArg('schema')],
    result: t.array(t.any),
    description: 'Returns [valid, query AST, schema AST]; [false, {}, {}] when parsing or validation fails.',
    impl: (args) => {
      try {
        const q = queryInput('', arg(args, 0), 1);
        const s = schemaInput('', arg(args, 1), 2);
        validateQuery(q, s);
        return [true, fromJSON(q.doc), fromJSON(s.doc)];
      } catch {
        return [false, fromJSON({}), fromJSON({})];
      }
    },
  },
  {
    name: 'graphql.parse_query',
    category: 'graphql',
    args: [{ name: 'query', type: t.string }],
    result: t.object(t.any, t.any),
    description: 'Returns an AST object for a GraphQL query.',
    impl: (args) => {
      const fn = 'graphql.parse_query';
      const s = expectString(fn, args, 0);
      try {
        return fromJSON(parseQuery(s));
      } catch (e) {
        throw fnError(fn, e);
      }
    },
  },
  {
    name: 'graphql.parse_schema',
    category: 'graphql',
    args: [{ name: 'schema', type: t.string }],
    result: t.object(t.any, t.any),
    description: 'Returns an AST object for a GraphQL schema.',
    impl: (args) => {
      const fn = 'graphql.parse_schema';
      const s = expectString(fn, args, 0);
      try {
        return fromJSON(parseSchema(s));
      } catch (e) {
        throw fnError(fn, e);
      }
    },
  },
  {
    name: 'graphql.is_valid',
    category: 'graphql',
    args: [docArg('query'), docArg('schema')],
    result: t.boolean,
    description: 'Checks that a GraphQL query is valid against a given schema.',
    impl: (args) => {
      try {
        validateQuery(queryInput('', arg(args, 0), 1), schemaInput('', arg(args, 1), 2));
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'graphql.schema_is_valid',
    category: 'graphql',
    args: [docArg('schema')],
    result: t.boolean,
    description: 'Checks that the input is a valid GraphQL schema.',
    impl: (args) => {
      try {
        buildFromDoc(schemaInput('', arg(args, 0), 1).doc);
        return true;
      } catch {
        return false;
      }
    },
  },
];
