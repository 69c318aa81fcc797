/**
 * Drafting a postgres connector from a live database, in named steps:
 *
 * 1. `connect`: one client, a connection timeout, a statement timeout, a read-only transaction;
 * 2. `introspect`: the schema's tables and views and their columns (pg_catalog), in name order;
 * 3. `sample`: up to N rows of each relation the role may read (TABLESAMPLE across a large
 *    table's pages, else LIMIT), every value cast to text and cut to a bounded length;
 * 4. `classify`: the DLP engine over each sampled row (a column's name is the context of its
 *    values), counting per column how many values matched each tag, plus column-name hints;
 * 5. `render`: the Connector manifest, and the same as YAML with a comment per tagged field
 *    giving the evidence.
 *
 * The database URL carries credentials: it is used to connect and for nothing else — never
 * logged, stored, echoed, or put in an error (errors say what failed by SQLSTATE or socket
 * code, in words of our own). Evidence counts values, never quotes them.
 */
import pg from 'pg';
import { Document, isMap, isSeq, type YAMLMap } from 'yaml';
import type { Finding, PatternDetector } from '@trellis/dlp';
import { fieldNameSchema, manifestApiVersion, resourceSchema } from './catalog-kit.ts';
import { AppError } from '../errors.ts';
import { quoteIdent } from '../db/pg-sql.ts';
import { tagOfFinding } from '../dlp/index.ts';
import { connectorErrors } from './errors.ts';
import { validateConnectorValue } from './manifest.ts';
import { connectorKind, maxFieldsPerResource, maxResources, maxTagsPerField, type ConnectorManifest, type DraftEvidence, type DraftRequest, type DraftResult } from './schema.ts';

export const draftDefaults = {
  schema: 'public',
  sample: 100,
  /** Share of a column's non-null sampled values that must match before a tag is proposed. */
  threshold: 0.3,
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 15_000,
  /** Longest text kept of one sampled value: enough for any identifier, address or key. */
  maxValueLength: 1000,
};

export interface Column {
  name: string;
  type: string;
  comment: string | null;
}

export interface Relation {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  readable: boolean;
  /** The planner's row estimate for tables and materialized views (null for views, foreign tables, or never analysed). */
  estimatedRows: number | null;
  /** The planner's page count estimate (0 when unknown). */
  estimatedPages: number;
  /** Whether TABLESAMPLE applies (tables and materialized views). */
  sampleable: boolean;
  comment: string | null;
  columns: Column[];
  /** The primary key's columns in key order (empty: none, as for views). */
  primaryKey: string[];
}

function failed(message: string): never {
  throw connectorErrors.error('draft_failed', message);
}

// ---------------------------------------------------------------------------------------------
// 1. connect

/** Why a connection or query failed, in words that cannot contain the URL or its credentials. */
export function describeFailure(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  switch (code) {
    case '28P01':
    case '28000':
      return 'the database refused the credentials in the URL';
    case '3D000':
      return 'the database named in the URL does not exist';
    case '42501':
      return 'the role in the URL lacks a privilege this draft needs';
    case '57014':
      return `a query ran longer than ${draftDefaults.statementTimeoutMs / 1000} s and was cancelled; draft fewer tables (tables) or sample fewer rows (sample)`;
    case '53300':
      return 'the database has no free connection slots';
    case 'ECONNREFUSED':
      return 'the database host refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the database host name could not be resolved';
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the database host could not be reached';
    default:
      if (typeof e?.message === 'string' && /timeout/i.test(e.message)) return `the database did not answer within ${draftDefaults.connectTimeoutMs / 1000} s`;
      return /^[0-9A-Z]{5}$/.test(code) ? `the database returned an error (SQLSTATE ${code})` : 'the database could not be reached or read';
  }
}

/** Refuses anything but a postgres URL, without repeating it. */
function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw connectorErrors.error('draft_failed', 'url is not a valid URL', { errors: [{ path: 'url', message: 'must be a postgres:// or postgresql:// URL' }] });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw connectorErrors.error('draft_failed', 'url must be a PostgreSQL URL', { errors: [{ path: 'url', message: 'must be a postgres:// or postgresql:// URL' }] });
  }
}

async function connect(url: string): Promise<pg.Client> {
  checkUrl(url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: draftDefaults.connectTimeoutMs,
    statement_timeout: draftDefaults.statementTimeoutMs,
    query_timeout: draftDefaults.statementTimeoutMs + 5_000,
    application_name: 'trellis-connector-draft',
  });
  // A connection dropped between queries is reported by the next query; without a listener the
  // 'error' event would end the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${draftDefaults.statementTimeoutMs}`);
    await client.query(`SET LOCAL lock_timeout = ${draftDefaults.statementTimeoutMs}`);
  } catch (err) {
    await client.end().catch(() => {});
    failed(describeFailure(err));
  }
  return client;
}

// ---------------------------------------------------------------------------------------------
// 2. introspect

export async function introspect(client: pg.Client, schema: string, tables: readonly string[] | undefined): Promise<Relation[]> {
  const exists = await client.query<{ ok: boolean }>('select exists (select 1 from pg_catalog.pg_namespace where nspname = $1) as ok', [schema]);
  if (!exists.rows[0]?.ok) failed(`schema ${JSON.stringify(schema)} does not exist in this database`);
  // Tables (plain, partitioned, foreign) and views (plain, materialized); partitions are read
  // through their parent, not listed one by one.
  const { rows } = await client.query<{ relname: string; relkind: string; readable: boolean; reltuples: number; relpages: number; rel_comment: string | null; attname: string | null; type: string | null; col_comment: string | null; pk_pos: number | null }>(
    `select c.relname, c.relkind, pg_catalog.has_table_privilege(c.oid, 'SELECT') as readable, c.reltuples::float8 as reltuples, c.relpages,
            pg_catalog.obj_description(c.oid, 'pg_class') as rel_comment,
            a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
            pg_catalog.col_description(c.oid, a.attnum) as col_comment,
            (select pg_catalog.array_position(i.indkey::int2[], a.attnum) from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary) as pk_pos
       from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = $1 and c.relkind in ('r', 'p', 'f', 'v', 'm') and not c.relispartition
        and ($2::text[] is null or c.relname = any($2::text[]))
      order by c.relname collate "C", a.attnum`,
    [schema, tables ? [...tables] : null],
  );
  const byName = new Map<string, Relation>();
  const keyPositions = new Map<Relation, [number, string][]>();
  for (const r of rows) {
    let rel = byName.get(r.relname);
    if (!rel) {
      rel = {
        schema,
        name: r.relname,
        kind: r.relkind === 'v' || r.relkind === 'm' ? 'view' : 'table',
        readable: r.readable,
        // reltuples is -1 (PostgreSQL 14+) or 0 before the first ANALYZE: no estimate.
        estimatedRows: r.relkind === 'r' || r.relkind === 'm' ? (r.reltuples > 0 ? r.reltuples : null) : null,
        estimatedPages: r.relpages,
        sampleable: r.relkind === 'r' || r.relkind === 'm',
        comment: r.rel_comment,
        columns: [],
        primaryKey: [],
      };
      byName.set(r.relname, rel);
    }
    if (r.attname !== null) rel.columns.push({ name: r.attname, type: r.type ?? 'unknown', comment: r.col_comment });
    // Positions in indkey (an int2vector counts from 0); only their order matters.
    if (r.attname !== null && r.pk_pos !== null) keyPositions.set(rel, [...(keyPositions.get(rel) ?? []), [Number(r.pk_pos), r.attname]]);
  }
  for (const [rel, positions] of keyPositions) rel.primaryKey = positions.sort((a, b) => a[0] - b[0]).map(([, name]) => name);
  if (tables) {
    const missing = tables.filter((t) => !byName.has(t));
    if (missing.length > 0) failed(`no table or view named ${missing.map((t) => JSON.stringify(t)).join(', ')} in schema ${JSON.stringify(schema)}`);
  }
  if (byName.size === 0) failed(`schema ${JSON.stringify(schema)} has no tables or views this role can see`);
  if (byName.size > maxResources) failed(`schema ${JSON.stringify(schema)} has ${byName.size} tables and views; a connector holds at most ${maxResources}: list the ones apps need in tables`);
  return [...byName.values()];
}

// ---------------------------------------------------------------------------------------------
// 3. sample

/** Past this many estimated rows per row wanted, a table is sampled across its pages rather than read from the start. */
const sampleSpread = 20;
/** Pages a sample should draw at least, so a small page count does not leave it empty by chance. */
const minSamplePages = 20;

/**
 * Up to `limit` rows of the relation, each column's value as text (null stays null), cut to a
 * bounded length. A large table is sampled with `TABLESAMPLE SYSTEM` (whole pages: about
 * `sampleSpread` times the rows wanted and at least `minSamplePages` pages, with a fixed seed so a
 * draft can be repeated), so the rows come from across the table rather than from its first
 * pages only; when the pages drawn hold too few rows (the estimate was stale) the plain `LIMIT`
 * read is used. Returns the rows and how they were read.
 */
export async function sample(client: pg.Client, rel: Relation, columns: readonly Column[], limit: number): Promise<{ rows: (string | null)[][]; method: 'none' | 'limit' | 'tablesample' }> {
  if (limit === 0 || columns.length === 0 || !rel.readable) return { rows: [], method: 'none' };
  // Positional aliases: column names need not be valid JavaScript keys or unique once cut.
  const select = columns.map((c, i) => `left(${quoteIdent(c.name)}::text, ${draftDefaults.maxValueLength}) as c${i}`).join(', ');
  const from = `${quoteIdent(rel.schema)}.${quoteIdent(rel.name)}`;
  const read = async (sampling: string) => (await client.query<(string | null)[]>({ text: `select ${select} from ${from}${sampling} limit ${limit}`, rowMode: 'array' })).rows;
  if (rel.sampleable && rel.estimatedRows !== null && rel.estimatedRows > limit * sampleSpread) {
    const byRows = (100 * limit * sampleSpread) / rel.estimatedRows;
    const byPages = rel.estimatedPages > 0 ? (100 * minSamplePages) / rel.estimatedPages : 0;
    const percent = Math.max(0.0001, Math.min(100, Math.max(byRows, byPages)));
    const rows = await read(` tablesample system (${percent.toFixed(4)}) repeatable (0)`);
    if (rows.length >= limit) return { rows, method: 'tablesample' };
  }
  return { rows: await read(''), method: 'limit' };
}

// ---------------------------------------------------------------------------------------------
// 4. classify

/** Column names that say what a column holds, as lower-case word sequences. */
const nameHints: [words: string, tag: string][] = [
  ['email', 'pii.email'],
  ['e_mail', 'pii.email'],
  ['email_address', 'pii.email'],
  ['ssn', 'pii.ssn'],
  ['social_security_number', 'pii.ssn'],
  ['dob', 'pii.dob'],
  ['date_of_birth', 'pii.dob'],
  ['birth_date', 'pii.dob'],
  ['birthdate', 'pii.dob'],
  ['birthday', 'pii.dob'],
  ['phone', 'pii.phone'],
  ['phone_number', 'pii.phone'],
  ['mobile', 'pii.phone'],
  ['telephone', 'pii.phone'],
  ['first_name', 'pii.name'],
  ['last_name', 'pii.name'],
  ['full_name', 'pii.name'],
  ['given_name', 'pii.name'],
  ['family_name', 'pii.name'],
  ['surname', 'pii.name'],
  ['maiden_name', 'pii.name'],
  ['address', 'pii.address'],
  ['street', 'pii.address'],
  ['street_address', 'pii.address'],
  ['postal_code', 'pii.address'],
  ['postcode', 'pii.address'],
  ['zip', 'pii.address'],
  ['zip_code', 'pii.address'],
  ['ip_address', 'pii.ip'],
  ['passport_number', 'pii.passport'],
  ['driver_license', 'pii.driver_license'],
  ['drivers_license', 'pii.driver_license'],
  ['tax_id', 'pii.tax_id'],
  ['national_id', 'pii.national_id'],
  ['card_number', 'pci.pan'],
  ['credit_card', 'pci.pan'],
  ['credit_card_number', 'pci.pan'],
  ['pan', 'pci.pan'],
  ['iban', 'pci.iban'],
  ['diagnosis', 'phi.diagnosis'],
  ['medical_record_number', 'phi.mrn'],
  ['mrn', 'phi.mrn'],
  ['medication', 'phi.medication'],
  ['salary', 'confidential'],
  ['compensation', 'confidential'],
  ['wage', 'confidential'],
  ['bonus', 'confidential'],
  ['pay_rate', 'confidential'],
  ['password', 'secret'],
  ['password_hash', 'secret'],
  ['api_key', 'secret'],
  ['secret', 'secret'],
  ['client_secret', 'secret'],
  ['access_token', 'secret'],
  ['refresh_token', 'secret'],
  ['private_key', 'secret'],
];

/** Relations whose plain `name` column names a person. */
const peopleTables = /(^|_)(employees?|users?|people|persons?|customers?|patients?|staff|members?|contacts?|students?|candidates?|applicants?)$/;

/** `firstName`, `First-Name`, `FIRST_NAME` → `first_name`. */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .join('_');
}

/** The tags a column's name suggests: the whole name, or its last words (`work_email`, `manager_ssn`). */
export function hintedTags(column: string, relation: string): { tag: string; hint: string }[] {
  const w = words(column);
  const out = new Map<string, string>();
  for (const [hint, tag] of nameHints) {
    if (w === hint || w.endsWith(`_${hint}`)) if (!out.has(tag)) out.set(tag, hint);
  }
  if (w === 'name' && peopleTables.test(words(relation))) out.set('pii.name', 'name');
  return [...out].map(([tag, hint]) => ({ tag, hint }));
}

interface ColumnTally {
  nonNull: number;
  /** tag → values that matched it, and the entity that matched most often. */
  matches: Map<string, { count: number; entities: Map<string, number> }>;
}

export interface Dlp {
  scan(record: Record<string, string>, options: { includeTestValues: boolean; extraDetectors?: PatternDetector[] }): Finding[];
}

/** The DLP path of a record key: `$.email`, or `$["first name"]` for keys that are not plain words (as the engine writes them). */
function findingPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `$.${key}` : `$[${JSON.stringify(key)}]`;
}

/**
 * Scan each sampled row as a record (so each value is read behind its column's name, the
 * engine's best context) and count, per column and tag, how many values matched. Documented
 * test values count: a development copy full of 4111… card numbers still holds card numbers.
 */
export function tally(dlp: Dlp, columns: readonly Column[], rows: readonly (string | null)[][], extraDetectors: PatternDetector[]): ColumnTally[] {
  const tallies: ColumnTally[] = columns.map(() => ({ nonNull: 0, matches: new Map() }));
  const pathToColumn = new Map(columns.map((c, i) => [findingPath(c.name), i]));
  for (const row of rows) {
    const record: Record<string, string> = {};
    row.forEach((v, i) => {
      if (v === null) return;
      tallies[i]!.nonNull++;
      if (v.trim() !== '') record[columns[i]!.name] = v;
    });
    const seen = new Set<string>();
    for (const f of dlp.scan(record, { includeTestValues: true, ...(extraDetectors.length > 0 ? { extraDetectors } : {}) })) {
      const i = f.path === undefined ? undefined : pathToColumn.get(f.path);
      const tag = tagOfFinding(f);
      if (i === undefined || tag === undefined) continue;
      // A value counts once per tag, however many findings it holds.
      if (seen.has(`${i}\0${tag}`)) continue;
      seen.add(`${i}\0${tag}`);
      const m = tallies[i]!.matches.get(tag) ?? { count: 0, entities: new Map() };
      m.count++;
      m.entities.set(f.entity, (m.entities.get(f.entity) ?? 0) + 1);
      tallies[i]!.matches.set(tag, m);
    }
  }
  return tallies;
}

/** Tags proposed for one column, each with its evidence: values first (the stronger reason), then name hints. */
export function proposeTags(resource: string, relation: string, column: string, t: ColumnTally | undefined, threshold: number): DraftEvidence[] {
  const out: DraftEvidence[] = [];
  if (t && t.nonNull > 0) {
    for (const [tag, m] of [...t.matches].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))) {
      if (m.count / t.nonNull < threshold) continue;
      const entity = [...m.entities].sort((a, b) => b[1] - a[1])[0]![0];
      out.push({ resource, field: column, tag, source: 'values', entity, matched: m.count, sampled: t.nonNull, reason: `${m.count} of ${t.nonNull} sampled values matched ${entity}` });
    }
  }
  for (const { tag, hint } of hintedTags(column, relation)) {
    if (out.some((e) => e.tag === tag)) continue;
    out.push({ resource, field: column, tag, source: 'name', reason: `the column name "${column}" suggests ${tag} (hint: ${hint})` });
  }
  return out.slice(0, maxTagsPerField);
}

// ---------------------------------------------------------------------------------------------
// 5. render

/** The draft as YAML: a header saying what it is, and the evidence above each tagged field. */
export function renderYaml(manifest: ConnectorManifest, evidence: readonly DraftEvidence[], warnings: readonly string[]): string {
  const doc = new Document(manifest);
  doc.commentBefore = [
    ` Drafted by \`trellis connectors draft\` on ${new Date().toISOString().slice(0, 10)}: review every tag before applying.`,
    ' Tags were proposed from sampled values (the DLP engine) and column names; no value is quoted here.',
    ...warnings.map((w) => ` warning: ${w}`),
  ].join('\n');
  const byField = new Map<string, DraftEvidence[]>();
  for (const e of evidence) byField.set(`${e.resource}\0${e.field}`, [...(byField.get(`${e.resource}\0${e.field}`) ?? []), e]);
  const resources = doc.getIn(['spec', 'resources']);
  if (isSeq(resources)) {
    for (const r of resources.items) {
      if (!isMap(r)) continue;
      const fields = r.get('fields');
      if (!isSeq(fields)) continue;
      for (const f of fields.items) {
        const field = f as YAMLMap;
        // `tags: [pii.email]` on one line, as people write them.
        const tags = field.get('tags');
        if (isSeq(tags)) tags.flow = true;
        const why = byField.get(`${String(r.get('name'))}\0${String(field.get('name'))}`);
        if (why) field.commentBefore = why.map((e) => ` ${e.tag}: ${e.reason}`).join('\n');
      }
    }
  }
  return doc.toString({ lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------

/** Draft a Connector manifest from a PostgreSQL schema; see the file header for the steps. */
export async function draftFromPostgres(request: DraftRequest, extraDetectors: PatternDetector[] = []): Promise<DraftResult> {
  const schema = request.schema ?? draftDefaults.schema;
  const limit = request.sample ?? draftDefaults.sample;
  const dlp = (await import('@trellis/dlp')) as unknown as Dlp;
  const warnings: string[] = [];
  const evidence: DraftEvidence[] = [];
  const resources: DraftResult['resources'] = [];
  const manifestResources: ConnectorManifest['spec']['resources'] = [];

  const client = await connect(request.url);
  try {
    let relations: Relation[];
    try {
      relations = await introspect(client, schema, request.tables);
    } catch (err) {
      if (err instanceof AppError) throw err;
      failed(describeFailure(err));
    }
    for (const rel of relations) {
      const resource = schema === 'public' ? rel.name : `${schema}.${rel.name}`;
      if (!resourceSchema.shape.name.safeParse(resource).success) {
        warnings.push(`${JSON.stringify(resource)} was left out: a resource name has letters, digits, "_", "." and "-" only`);
        continue;
      }
      const columns = rel.columns.filter((c) => {
        if (fieldNameSchema.safeParse(c.name).success) return true;
        warnings.push(`${resource}: column ${JSON.stringify(c.name)} was left out: a field name has letters, digits, "_", "." and "-" only`);
        return false;
      });
      if (columns.length === 0) {
        warnings.push(`${resource} was left out: it has no columns a manifest can name`);
        continue;
      }
      if (columns.length > maxFieldsPerResource) {
        warnings.push(`${resource}: only its first ${maxFieldsPerResource} of ${columns.length} columns are listed`);
        columns.length = maxFieldsPerResource;
      }
      if (!rel.readable) warnings.push(`${resource}: not sampled (the role has no SELECT privilege); tags come from column names only`);
      let rows: (string | null)[][];
      try {
        ({ rows } = await sample(client, rel, columns, limit));
      } catch (err) {
        failed(`sampling ${resource} failed: ${describeFailure(err)}`);
      }
      const tallies = tally(dlp, columns, rows, extraDetectors);
      const fields = columns.map((c, i) => {
        const proposed = proposeTags(resource, rel.name, c.name, tallies[i], draftDefaults.threshold);
        evidence.push(...proposed);
        return {
          name: c.name,
          ...(proposed.length > 0 ? { tags: proposed.map((e) => e.tag) } : {}),
          ...(c.comment ? { description: c.comment.slice(0, 2000) } : {}),
        };
      });
      resources.push({ name: resource, kind: rel.kind, columns: columns.length, sampled_rows: rows.length });
      // The primary key pages the gateway's reads; stated unless it is the default ([id]).
      const key = rel.primaryKey;
      const keyed = key.length > 0 && key.length <= 8 && key.every((k) => fields.some((f) => f.name === k)) && !(key.length === 1 && key[0] === 'id');
      manifestResources.push({ name: resource, kind: rel.kind, ...(rel.comment ? { description: rel.comment.slice(0, 2000) } : {}), ...(keyed ? { key } : {}), fields });
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
  if (manifestResources.length === 0) failed(`schema ${JSON.stringify(schema)} has no table or view a manifest can name`);

  const manifest: ConnectorManifest = {
    apiVersion: manifestApiVersion,
    kind: connectorKind,
    metadata: { name: request.name, ...(request.title ? { title: request.title } : {}) },
    spec: {
      type: 'postgres',
      owner: request.owner ?? `group:${request.name}-owners`,
      resources: manifestResources,
    },
  };
  if (!request.owner) warnings.push(`spec.owner is a placeholder (group:${request.name}-owners): set the accountable owner`);
  // The draft must be something the admin can apply as it is; a failure here is our bug.
  const checked = validateConnectorValue(manifest);
  if (!checked.ok) failed(`the drafted manifest is not valid (${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`);
  return { manifest: checked.manifest, yaml: renderYaml(checked.manifest, evidence, warnings), evidence, resources, warnings };
}
