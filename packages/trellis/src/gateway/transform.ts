/**
 * DLP on gateway responses: what a caller sees of each row, by the policy's transform actions
 * (`data.trellis.gateway.transform`, docs/exports.md). A field's action comes from its catalog
 * tags; a free-text field is scanned and each finding gets the action of its tag (`tag:<tag>`
 * keys of the same table, the most specific pattern first). Pure apart from the DLP engine's
 * calls: the gateway runs it per request, so the work that depends only on the resource and the
 * actions is planned once and cached, and only free-text fields are ever scanned.
 */
import type { Finding, OperatorSpec, PatternDetector } from '@trellis/dlp';
import type { dlpEngine } from '../dlp/index.ts';
import { tagOfFinding } from '../dlp/index.ts';

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
  /** The rows serialised as JSON, once: the gateway sends this text and counts its bytes. */
  json: string;
  summary: TransformSummary;
}

/** Fallback for a finding whose tag the actions do not name, and for an action the gateway does not know. */
const FINDING_FALLBACK: FieldAction = 'redact';

/**
 * The operator for an action, with the defaults the engine's plan parser would fill in: a whole
 * tagged value is rewritten by the operator function itself, not through the engine's per-call
 * plan parsing and span rewriting (which only free-text findings need). allow and drop are done here.
 */
const operatorOf = {
  mask: { type: 'mask', keepLast: 4, char: '*', preserveSeparators: true },
  redact: { type: 'redact' },
  hash: { type: 'hash', length: 64 },
  tokenize: { type: 'tokenize' },
} as const satisfies Record<Exclude<FieldAction, 'allow' | 'drop'>, OperatorSpec>;

/** Each action is a tag in the plan: findings carry the action that applies to them. */
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

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * The rows as the caller may see them, and what was done. The input rows are not changed.
 * @example
 *   transformRecords([{ email: 'ana@northwind-hr.com' }], [{ name: 'email', tags: ['pii.email'] }], { email: 'mask' }, ctx)
 *   // rows [{ email: '***@*********-*r.com' … }], summary.fields { email: 'mask' }
 */
export function transformRecords(rows: readonly Record<string, unknown>[], fields: readonly CatalogField[], actions: TransformActions, ctx: TransformContext): TransformOutput {
  const { dlp } = ctx;
  const plan = planFor(fields, actions, dlp);
  const summary: TransformSummary = { fields: {}, findings: {}, records: rows.length, bytes: 0 };
  for (const step of plan.steps) if (rows.some((r) => r[step.name] !== null && r[step.name] !== undefined)) summary.fields[step.name] = step.action;
  for (const name of plan.drop) if (rows.some((r) => name in r)) summary.fields[name] = 'drop';

  // Row index → free-text field → the findings to rewrite in it.
  const edits = new Map<number, Map<string, Finding[]>>();
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
      // A finding without a catalog tag takes the catch-all action (`tag:*`).
      const action = actionForTag(actions, tagOfFinding(f) ?? '*');
      const at = /^\$\[(\d+)\](?:\.(.+)|\[(".*")\])$/.exec(f.path ?? '');
      if (action === 'allow' || !at) continue;
      const i = Number(at[1]);
      const field = at[2] ?? (JSON.parse(at[3]!) as string);
      // Dropping a finding drops its text: in free text that is redaction.
      const applied = action === 'drop' ? 'redact' : action;
      summary.fields[field] ??= applied;
      let e = edits.get(i);
      if (!e) edits.set(i, (e = new Map()));
      let list = e.get(field);
      if (!list) e.set(field, (list = []));
      list.push({ ...f, tag: actionTag(applied) });
    }
  }

  let out = rows as Record<string, unknown>[];
  if (plan.drop.size > 0 || plan.steps.length > 0 || edits.size > 0) {
    const opCtx = { keys: ctx.keys };
    out = rows.map((row, i) => {
      const e = edits.get(i);
      if (!e && plan.drop.size === 0 && !plan.steps.some((s) => row[s.name] !== null && row[s.name] !== undefined)) return row;
      const copy = plan.drop.size > 0 ? Object.fromEntries(Object.entries(row).filter(([k]) => !plan.drop.has(k))) : { ...row };
      for (const step of plan.steps) {
        const v = row[step.name];
        if (v === null || v === undefined) continue;
        // A JSON value under a transform action cannot be partly masked: it is withheld whole.
        const text = isScalar(v) ? String(v) : undefined;
        put(copy, step.name, text === undefined ? null : text.length === 0 || step.action === 'redact' ? '' : dlp.applyOperator(operatorOf[step.action], text, step.entity, opCtx));
      }
      for (const [name, findings] of e ?? []) put(copy, name, dlp.transform(row[name] as string, enginePlan, { findings, keys: ctx.keys }).value);
      return copy;
    });
  }
  const json = JSON.stringify(out);
  summary.bytes = Buffer.byteLength(json);
  return { rows: out, json, summary };
}

/** Defines rather than assigns, so a field named __proto__ stays a field. */
export function put(row: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(row, name, { value, writable: true, enumerable: true, configurable: true });
  else row[name] = value;
}
