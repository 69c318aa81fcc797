/**
 * A decision at one decision point (docs/governance.md, "Decision points and their input"):
 * the package `data.trellis.<point>` evaluated for one input, read with the Conftest
 * conventions — `deny` and `warn` are sets (or arrays) of messages, `allow` an optional
 * boolean. Pure and synchronous: no database, nothing awaited. It never throws; an evaluation
 * error or a limit fails closed, as does having no bundle at all.
 */
import { RegoError, type Policy } from '@trellis/rego';

export const decisionPoints = ['admission', 'gateway', 'export', 'token'] as const;
export type DecisionPoint = (typeof decisionPoints)[number];

export interface Decision {
  point: DecisionPoint;
  result: 'allow' | 'deny';
  allow: boolean;
  deny: string[];
  warn: string[];
  bundle: { version: number | null; digest: string | null };
  duration_ms: number;
  error?: { code: string; message: string };
}

/** A compiled bundle, ready to decide with. `version` is null for a draft (the playground). */
export interface CompiledBundle {
  version: number | null;
  digest: string;
  regoVersion: 'v0' | 'v1';
  /** Modules accepted as Rego v0. */
  v0Modules: string[];
  /**
   * Whether a module (tests aside) reads `input.connector`: admission is then decided once per
   * connector the app binds, with input.connector naming it, so teams' modules written for one
   * connector work unchanged; otherwise once per app (docs/governance.md).
   */
  readsConnector: boolean;
  /** The compiled policy (shared, immutable). */
  policy: Policy;
}

/** Limits on one decision's evaluation. */
export interface DecisionLimits {
  timeoutMs: number;
  maxSteps: number;
}

export const defaultDecisionLimits: DecisionLimits = { timeoutMs: 50, maxSteps: 1_000_000 };

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** A message as text: strings as they are, anything else as its JSON. */
function messageText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function refOf(point: DecisionPoint): string {
  return `data.trellis.${point}`;
}

/**
 * The one query a decision evaluates: each of deny, warn and allow wrapped in an array, empty
 * when undefined. Only those three rules (and what they use) are evaluated — not helper rules
 * or tests that share the package — in one evaluation, so helpers they share are computed once.
 * Their type is checked afterwards: a `deny` that is not a set must not read as "no messages".
 */
const decisionQueries = Object.fromEntries(
  decisionPoints.map((p) => [p, ['deny', 'warn', 'allow'].map((r) => `${r} := [x | x := ${refOf(p)}.${r}]`).join('; ')]),
) as Record<DecisionPoint, string>;

/** A decision that denies because of an error (or no bundle), with the reason as its message. */
export function failedDecision(point: DecisionPoint, bundle: CompiledBundle | null, code: string, message: string, started: number): Decision {
  return {
    point,
    result: 'deny',
    allow: false,
    deny: [message],
    warn: [],
    bundle: { version: bundle?.version ?? null, digest: bundle?.digest ?? null },
    duration_ms: round(performance.now() - started),
    error: { code, message },
  };
}

class DecisionShapeError extends Error {}

function messages(doc: Record<string, unknown[]>, key: 'deny' | 'warn', point: DecisionPoint): string[] {
  const v = doc[key]?.[0];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new DecisionShapeError(`${refOf(point)}.${key} must be a set or array of messages, not ${v === null ? 'null' : typeof v}`);
  return v.map(messageText);
}

/** Decide at `point` (deny, warn and allow of `data.trellis.<point>`) for one input under `bundle` (null: none active). */
export function evaluateDecision(point: DecisionPoint, bundle: CompiledBundle | null, input: unknown, limits: DecisionLimits): Decision {
  const started = performance.now();
  if (!bundle) return failedDecision(point, null, 'no_active_bundle', 'no policy bundle is active, so every decision is deny; push one with `trellis policy push DIR --activate`', started);
  let doc: Record<string, unknown[]>;
  try {
    // One solution always (each term is an array comprehension); `?? {}` only guards the shape.
    doc = (bundle.policy.query(decisionQueries[point], { input, limits })[0] ?? {}) as Record<string, unknown[]>;
  } catch (err) {
    const code = err instanceof RegoError ? err.code : 'eval_error';
    const detail = err instanceof RegoError ? `${err.loc ? `${err.loc.file}:${err.loc.row}: ` : ''}${err.detail}` : err instanceof Error ? err.message : String(err);
    return failedDecision(point, bundle, code, `policy evaluation failed (${code}): ${detail}`, started);
  }
  let deny: string[];
  let warn: string[];
  const allowRule = doc.allow?.[0];
  try {
    // Rules the bundle does not define are empty: a point without rules denies nothing.
    deny = messages(doc, 'deny', point);
    warn = messages(doc, 'warn', point);
    if (allowRule !== undefined && typeof allowRule !== 'boolean') throw new DecisionShapeError(`${refOf(point)}.allow must be a boolean, not ${JSON.stringify(allowRule)}`);
  } catch (err) {
    if (err instanceof DecisionShapeError) return failedDecision(point, bundle, 'decision_invalid', err.message, started);
    throw err;
  }
  const allow = deny.length === 0 && (allowRule === undefined || allowRule === true);
  if (!allow && deny.length === 0) deny.push(`${refOf(point)}.allow is false`);
  return { point, result: allow ? 'allow' : 'deny', allow, deny, warn, bundle: { version: bundle.version, digest: bundle.digest }, duration_ms: round(performance.now() - started) };
}

/** Several decisions as one: messages merged (first occurrence kept), allow only if each allows; the first error is kept. */
export function mergeDecisions(point: DecisionPoint, bundle: CompiledBundle | null, decisions: readonly Decision[], started: number): Decision {
  if (decisions.length === 0) return failedDecision(point, bundle, 'no_input', 'no input to decide on', started);
  const deny = [...new Set(decisions.flatMap((d) => d.deny))];
  const warn = [...new Set(decisions.flatMap((d) => d.warn))];
  const allow = decisions.every((d) => d.allow);
  const error = decisions.find((d) => d.error)?.error;
  return { point, result: allow ? 'allow' : 'deny', allow, deny, warn, bundle: decisions[0]!.bundle, duration_ms: round(performance.now() - started), ...(error ? { error } : {}) };
}

/** One decision that never throws: an unexpected failure denies, like every other failure. */
export function decideSafely(point: DecisionPoint, bundle: CompiledBundle | null, input: unknown, limits: DecisionLimits): Decision {
  try {
    return evaluateDecision(point, bundle, input, limits);
  } catch (err) {
    return failedDecision(point, bundle, 'internal', `policy evaluation failed: ${err instanceof Error ? err.message : String(err)}`, performance.now());
  }
}

/** Several inputs decided and merged into one decision (mergeDecisions), never throwing. */
export function decideMerged(point: DecisionPoint, bundle: CompiledBundle | null, inputs: readonly unknown[], limits: DecisionLimits): Decision {
  const started = performance.now();
  return mergeDecisions(point, bundle, inputs.map((input) => decideSafely(point, bundle, input, limits)), started);
}
