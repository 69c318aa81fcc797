/**
 * DLP on gateway responses: what a caller sees of each row, by the policy's transform actions
 * (`data.trellis.gateway.transform`, docs/exports.md). A field's action comes from its catalog
 * tags; a free-text field is scanned and each finding gets the action of its tag (`tag:<tag>`
 * keys of the same table, the most specific pattern first). Pure apart from the DLP engine's
 * calls: the gateway runs it per request, so the work that depends only on the resource and the
 * actions is planned once and cached, and only free-text fields are ever scanned.
 */
import type { Finding, PatternDetector } from '@trellis/dlp';
import type { dlpEngine } from '../dlp/index.ts';
import { tagOfFinding } from '../exports/index.ts';

type DlpEngine = Awaited<ReturnType<typeof dlpEngine>>;

export const fieldActions = ['allow', 'mask', 'redact', 'hash', 'tokenize', 'drop'] as const;
export type FieldAction = (typeof fieldActions)[number];

/** A resource's field as the connector catalog describes it. */
export interface CatalogField {
  name: string;
  tags: readonly string[];
  /** The gateway scans this field's text with DLP. */
  freeText?: boolean;
}

/** Field name → action, and `tag:<tag or prefix.*>` → action for findings, `tag:*` the fallback. */
export type TransformActions = Readonly<Record<string, string>>;

export interface TransformContext {
  dlp: DlpEngine;
  /** Keys derived from the installation's master key ('dlp.hash', 'dlp.tokenize'). */
  keys: { hash: Buffer; tokenize: Buffer };
  /** The active custom detectors (services.detectors.activeDetectors()). */
  detectors?: readonly PatternDetector[];
}

export interface TransformSummary {
  /** Fields the caller did not see as stored, with what was done to them. */
  fields: Record<string, FieldAction>;
  /** Findings in free-text fields, by DLP entity (the values never). */
  findings: Record<string, number>;
  records: number;
  /** UTF-8 bytes of the rows as returned, serialised as JSON. */
  bytes: number;
}

export interface TransformOutput {
  rows: Record<string, unknown>[];
  summary: TransformSummary;
}

/** Fallback for a finding whose tag the actions do not name, and for an action the gateway does not know. */
const FINDING_FALLBACK: FieldAction = 'redact';

/** The operator the DLP engine applies for an action; allow and drop are done here. */
const operatorOf: Record<Exclude<FieldAction, 'allow' | 'drop'>, { type: string }> = {
  mask: { type: 'mask' },
  redact: { type: 'redact' },
  hash: { type: 'hash' },
  tokenize: { type: 'tokenize' },
};

/** Each action is a tag in the plan, so a whole page is rewritten in one engine call. */
const actionTag = (a: FieldAction) => `trellis_action.${a}`;
const enginePlan = {
  version: 1,
  default: { type: 'redact' },
  rules: Object.entries(operatorOf).map(([a, operator]) => ({ tag: actionTag(a as FieldAction), operator })),
};

function asAction(v: string | undefined, fallback: FieldAction): FieldAction {
  return v !== undefined && (fieldActions as readonly string[]).includes(v) ? (v as FieldAction) : fallback;
}

/** The action for a finding's tag: exact key, then `a.b.*`, `a.*`, then `tag:*`. */
export function actionForTag(actions: TransformActions, tag: string): FieldAction {
  const exact = actions[`tag:${tag}`];
  if (exact !== undefined) return asAction(exact, FINDING_FALLBACK);
  const parts = tag.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const hit = actions[`tag:${parts.slice(0, n).join('.')}.*`];
    if (hit !== undefined) return asAction(hit, FINDING_FALLBACK);
  }
  return asAction(actions['tag:*'], FINDING_FALLBACK);
}

interface FieldStep {
  name: string;
  action: Exclude<FieldAction, 'allow' | 'drop'>;
  /** The DLP entity a tokenized value is bound to (reveal needs it), from the field's first tag. */
  entity: string;
}

interface Plan {
  drop: Set<string>;
  steps: FieldStep[];
  scan: string[];
}

// Plans per field list (the gateway's catalog objects live as long as the connector version)
// and per actions (one per distinct policy outcome: a few per resource).
const plans = new WeakMap<readonly CatalogField[], Map<string, Plan>>();
const PLANS_PER_RESOURCE = 64;

function entityOfTag(dlp: DlpEngine, tag: string | undefined): string {
  if (tag === undefined) return 'FIELD';
  // The catalog-tag finding names the entity DLP uses for the tag (EMAIL_ADDRESS for pii.email).
  return dlp.scan({ v: 'x' }, { fieldTags: { v: tag }, detectors: [] })[0]?.entity ?? tag;
}

function planFor(fields: readonly CatalogField[], actions: TransformActions, dlp: DlpEngine): Plan {
  let byActions = plans.get(fields);
  if (!byActions) plans.set(fields, (byActions = new Map()));
  const key = JSON.stringify(actions);
  const known = byActions.get(key);
  if (known) return known;
  const plan: Plan = { drop: new Set(), steps: [], scan: [] };
  for (const f of fields) {
    // A field the policy did not name is treated as tagged data it forgot: redacted when tagged.
    const action = asAction(actions[f.name], f.tags.length > 0 ? FINDING_FALLBACK : 'allow');
    if (action === 'drop') plan.drop.add(f.name);
    else if (action !== 'allow') plan.steps.push({ name: f.name, action, entity: entityOfTag(dlp, f.tags[0]) });
    else if (f.freeText) plan.scan.push(f.name);
  }
  if (byActions.size >= PLANS_PER_RESOURCE) byActions.delete(byActions.keys().next().value!);
  byActions.set(key, plan);
  return plan;
}

/** The engine's JSON path of a row's field (structured.ts formatPath). */
function pathOf(row: number, field: string): string {
  return `$[${row}]` + (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(field) ? `.${field}` : `[${JSON.stringify(field)}]`);
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * The rows as the caller may see them, and what was done. The input rows are not changed.
 * @example
 *   transformRecords([{ email: 'ana@northwind-hr.com' }], [{ name: 'email', tags: ['pii.email'] }], { email: 'mask' }, ctx)
 *   // rows [{ email: '***@*********-**.com' … }], summary.fields { email: 'mask' }
 */
export function transformRecords(rows: readonly Record<string, unknown>[], fields: readonly CatalogField[], actions: TransformActions, ctx: TransformContext): TransformOutput {
  const { dlp } = ctx;
  const plan = planFor(fields, actions, dlp);
  const summary: TransformSummary = { fields: {}, findings: {}, records: rows.length, bytes: 0 };
  const findings: Finding[] = [];
  const nonScalar: Array<[number, string]> = [];

  for (const step of plan.steps) {
    const tag = actionTag(step.action);
    rows.forEach((row, i) => {
      const v = row[step.name];
      if (v === null || v === undefined) return;
      summary.fields[step.name] = step.action;
      if (!isScalar(v)) return void nonScalar.push([i, step.name]);
      const text = String(v);
      if (text.length > 0) findings.push({ entity: step.entity, start: 0, end: text.length, confidence: 1, detector: 'catalog-tag', kind: 'pii', tag, path: pathOf(i, step.name) });
    });
  }
  for (const name of plan.drop) if (rows.some((r) => name in r)) summary.fields[name] = 'drop';

  if (plan.scan.length > 0) {
    // One scan over the page's free-text values (the engine joins them), paths `$[row].field`.
    const texts = rows.map((row) => {
      const out: Record<string, string> = {};
      for (const name of plan.scan) if (typeof row[name] === 'string') out[name] = row[name];
      return out;
    });
    const extra = ctx.detectors && ctx.detectors.length > 0 ? { extraDetectors: [...ctx.detectors] } : {};
    for (const f of dlp.scan(texts, extra)) {
      summary.findings[f.entity] = (summary.findings[f.entity] ?? 0) + 1;
      const action = actionForTag(actions, tagOfFinding(f));
      const field = /^\$\[\d+\]\.?(.*)$/.exec(f.path ?? '')?.[1];
      if (action === 'allow') continue;
      // Dropping a finding drops its text: in free text that is redaction.
      const applied = action === 'drop' ? 'redact' : action;
      if (field !== undefined) summary.fields[field.startsWith('[') ? (JSON.parse(field.slice(1, -1)) as string) : field] ??= applied;
      findings.push({ ...f, tag: actionTag(applied) });
    }
  }

  let out = rows as Record<string, unknown>[];
  if (findings.length > 0) out = dlp.transform(out, enginePlan, { findings, keys: ctx.keys }).value;
  if (plan.drop.size > 0 || nonScalar.length > 0) {
    // fromEntries defines keys, so a field named __proto__ stays a field.
    out = out.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !plan.drop.has(k))));
    // A JSON value under a transform action cannot be partly masked: it is withheld whole.
    for (const [i, name] of nonScalar) Object.defineProperty(out[i], name, { value: null, writable: true, enumerable: true, configurable: true });
  }
  summary.bytes = Buffer.byteLength(JSON.stringify(out));
  return { rows: out, summary };
}
