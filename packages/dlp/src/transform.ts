/**
 * Applies a transform plan to a text or a JSON record: scan, pick an operator per finding from
 * the plan and the caller's clearance, rewrite the spans. The result lists what was transformed
 * (entity, path, span, operator) but never the original values. A record's output shares the
 * fields it leaves alone with the input (which is never changed) and copies the rest.
 */
import type { Finding, ScanOptions } from './types.ts';
import { scan } from './scan.ts';
import { scanRecord, walkLeaves, formatPath, type JsonPathSegment, type ScanRecordOptions } from './structured.ts';
import { operatorFor, parseTransformPlan, type OperatorSpec, type TransformPlan } from './plan.ts';
import { mask } from './operators/mask.ts';
import { redact } from './operators/redact.ts';
import { replaceWithLabel } from './operators/replace.ts';
import { hmacHash } from './operators/hash.ts';
import { tokenize } from './operators/tokenize.ts';
import { encrypt } from './operators/encrypt.ts';
import type { KeyInput } from './operators/keys.ts';

export interface TransformContext {
  /** The caller's clearance, matched against `byClearance` in the plan. */
  clearance?: string;
  keys?: { hash?: KeyInput; tokenize?: KeyInput; encrypt?: KeyInput };
  /** Scan settings (threshold, extra detectors, catalog field tags for records). */
  scan?: ScanRecordOptions;
  /** Findings already computed for this input (skips the scan). */
  findings?: Finding[];
}

export interface AppliedTransform {
  entity: string;
  path?: string;
  start: number;
  end: number;
  operator: OperatorSpec['type'];
  detector: string;
}

export interface TransformResult<T> {
  value: T;
  applied: AppliedTransform[];
}

export function applyOperator(op: OperatorSpec, value: string, entity: string, context: TransformContext): string {
  switch (op.type) {
    case 'mask': return mask(value, op);
    case 'redact': return redact();
    case 'replace': return replaceWithLabel(entity, op.label);
    case 'hash': return hmacHash(value, context.keys?.hash, op.length);
    case 'tokenize': return tokenize(value, context.keys?.tokenize, entity);
    case 'encrypt': return encrypt(value, context.keys?.encrypt, entity);
    case 'keep': return value;
  }
}

/** The plan's operator per entity and tag, looked up once per transform rather than once per
 *  finding (a plan may hold a thousand rules, a text a hundred thousand findings). */
type OperatorCache = Map<string, OperatorSpec>;

function cachedOperator(cache: OperatorCache, plan: TransformPlan, f: Finding, clearance: string | undefined): OperatorSpec {
  const key = f.tag === undefined ? f.entity : `${f.entity}\u0000${f.tag}`;
  let op = cache.get(key);
  if (op === undefined) cache.set(key, (op = operatorFor(plan, f.entity, f.tag, clearance)));
  return op;
}

/** Start order, the longer of two findings that start together first (it covers the other). */
function byStart(a: Finding, b: Finding): number {
  return a.start - b.start || b.end - a.end;
}

function inStartOrder(findings: readonly Finding[]): readonly Finding[] {
  for (let i = 1; i < findings.length; i++) if (byStart(findings[i - 1]!, findings[i]!) > 0) return [...findings].sort(byStart);
  return findings;
}

/**
 * Rewrites the findings' spans of `text` in one left-to-right pass, joining the untouched stretches
 * and the operators' outputs once at the end (rebuilding the string per finding is quadratic).
 * `scan` never reports overlapping findings; a caller's own `findings` may overlap, and then each
 * character is rewritten once: a finding that starts inside an earlier one is cut to the part the
 * earlier one left, and one wholly inside it is not applied. `applied` lists the findings applied,
 * last first, as it always has.
 */
function rewrite(text: string, findings: readonly Finding[], plan: TransformPlan, context: TransformContext, operators: OperatorCache, applied: AppliedTransform[]): string {
  const parts: string[] = [];
  const done: AppliedTransform[] = [];
  let cursor = 0;
  for (const f of inStartOrder(findings)) {
    const start = Math.max(f.start, cursor);
    const end = Math.min(f.end, text.length);
    if (end <= start) continue;
    const op = cachedOperator(operators, plan, f, context.clearance);
    parts.push(text.slice(cursor, start), applyOperator(op, text.slice(start, end), f.entity, context));
    cursor = end;
    const a: AppliedTransform = { entity: f.entity, start: f.start, end: f.end, operator: op.type, detector: f.detector };
    if (f.path !== undefined) a.path = f.path;
    done.push(a);
  }
  if (done.length === 0) return text;
  parts.push(text.slice(cursor));
  for (let k = done.length - 1; k >= 0; k--) applied.push(done[k]!);
  return parts.join('');
}

type Container = Record<JsonPathSegment, unknown>;

/** `node`'s copy, made (shallow) the first time it is needed. */
function copyOf(node: Container, copies: Map<object, Container>): Container {
  let copy = copies.get(node);
  if (copy === undefined) copies.set(node, (copy = (Array.isArray(node) ? node.slice() : { ...node }) as Container));
  return copy;
}

/** Defines rather than assigns, so a key such as `__proto__` stays a plain field. */
function put(container: Container, key: JsonPathSegment, value: unknown): void {
  Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Sets `value` at `segs` in the output built from `original`: each container on the way is copied
 * the first time it is touched (`copies`: original → copy), so the input is never changed and only
 * what leads to a rewritten leaf is copied. Returns the output's root.
 */
function setAt(original: unknown, segs: readonly JsonPathSegment[], value: string, copies: Map<object, Container>): unknown {
  if (segs.length === 0) return value;
  let from = original as Container;
  const root = copyOf(from, copies);
  let to = root;
  for (let i = 0; i < segs.length - 1; i++) {
    from = from[segs[i]!] as Container;
    const next = copyOf(from, copies);
    put(to, segs[i]!, next);
    to = next;
  }
  put(to, segs[segs.length - 1]!, value);
  return root;
}

/**
 * Transforms a text or a JSON record according to a plan.
 * @example
 *   transform('card 4111 1111 1111 1111', { rules: [{ entity: 'CREDIT_CARD', operator: { type: 'mask' } }] }, {}).value
 *   // 'card **** **** **** 1111'
 */
export function transform<T>(input: T, planInput: TransformPlan | unknown, context: TransformContext = {}): TransformResult<T> {
  const plan = parseTransformPlan(planInput);
  const applied: AppliedTransform[] = [];
  const operators: OperatorCache = new Map();
  if (typeof input === 'string') {
    const findings = context.findings ?? scan(input, context.scan as ScanOptions | undefined);
    return { value: rewrite(input, findings, plan, context, operators, applied) as T, applied };
  }
  const findings = context.findings ?? scanRecord(input, context.scan);
  const byPath = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.path === undefined) continue;
    const list = byPath.get(f.path) ?? [];
    list.push(f);
    byPath.set(f.path, list);
  }
  let output: unknown = input;
  const copies = new Map<object, Container>();
  walkLeaves(input, (segs, leaf) => {
    const fs = byPath.get(formatPath(segs));
    if (!fs) return;
    const text = String(leaf);
    const rewritten = rewrite(text, fs, plan, context, operators, applied);
    if (rewritten !== text) output = setAt(input, segs, rewritten, copies);
  }, context.scan?.maxDepth);
  return { value: output as T, applied };
}
