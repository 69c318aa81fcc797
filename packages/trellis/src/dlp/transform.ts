/**
 * Applies a transform plan to a text or a JSON record: scan, pick an operator per finding from
 * the plan and the caller's clearance, rewrite the spans right to left. The result lists what
 * was transformed (entity, path, span, operator) but never the original values.
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

function rewrite(text: string, findings: Finding[], plan: TransformPlan, context: TransformContext, applied: AppliedTransform[]): string {
  let out = text;
  for (const f of [...findings].sort((a, b) => b.start - a.start)) {
    const op = operatorFor(plan, f.entity, f.tag, context.clearance);
    out = out.slice(0, f.start) + applyOperator(op, out.slice(f.start, f.end), f.entity, context) + out.slice(f.end);
    const a: AppliedTransform = { entity: f.entity, start: f.start, end: f.end, operator: op.type, detector: f.detector };
    if (f.path !== undefined) a.path = f.path;
    applied.push(a);
  }
  return out;
}

function setAt(root: unknown, segs: JsonPathSegment[], value: string): unknown {
  if (segs.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < segs.length - 1; i++) node = node[segs[i]!] as Record<string | number, unknown>;
  node[segs[segs.length - 1]!] = value;
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
  if (typeof input === 'string') {
    const findings = context.findings ?? scan(input, context.scan as ScanOptions | undefined);
    return { value: rewrite(input, findings, plan, context, applied) as T, applied };
  }
  const findings = context.findings ?? scanRecord(input, context.scan);
  const byPath = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.path === undefined) continue;
    const list = byPath.get(f.path) ?? [];
    list.push(f);
    byPath.set(f.path, list);
  }
  const copy = structuredClone(input);
  walkLeaves(copy, (segs, leaf) => {
    const fs = byPath.get(formatPath(segs));
    if (!fs) return;
    setAt(copy, segs, rewrite(String(leaf), fs, plan, context, applied));
  }, context.scan?.maxDepth);
  return { value: copy, applied };
}
