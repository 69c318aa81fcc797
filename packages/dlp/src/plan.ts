/**
 * The transform plan: which operator applies to which entity or data tag, per caller clearance.
 * A rule matches a finding by entity (`CREDIT_CARD`) or by tag (`pci.pan`, or a prefix such as
 * `pci.*`); the first matching rule wins; its `byClearance` entry for the caller's clearance
 * overrides its `operator`; findings no rule matches get the plan's `default`.
 *
 *   version: 1
 *   default: { type: redact }
 *   rules:
 *     - entity: CREDIT_CARD
 *       operator: { type: mask, keepLast: 4 }
 *       byClearance: { privileged: { type: tokenize } }
 */
import { z } from 'zod';
import { DlpInvalidPlanError } from './errors.ts';

export const operatorSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('mask'),
    keepLast: z.number().int().min(0).max(64).default(4),
    char: z.string().length(1).default('*'),
    preserveSeparators: z.boolean().default(true),
  }).strict(),
  z.object({ type: z.literal('redact') }).strict(),
  z.object({ type: z.literal('replace'), label: z.string().max(200).optional() }).strict(),
  z.object({ type: z.literal('hash'), length: z.number().int().min(8).max(64).default(64) }).strict(),
  z.object({ type: z.literal('tokenize') }).strict(),
  z.object({ type: z.literal('encrypt') }).strict(),
  z.object({ type: z.literal('keep') }).strict(),
]);

const clearanceName = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'clearance names are lower-case words');

export const planRuleSchema = z.object({
  entity: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'entity names are upper-case, e.g. CREDIT_CARD').optional(),
  tag: z.string().regex(/^[a-z][a-z0-9_]*(?:\.(?:[a-z0-9_]+|\*))*$/, 'tags look like pii.email or pci.*').optional(),
  operator: operatorSchema.optional(),
  byClearance: z.record(clearanceName, operatorSchema).optional(),
}).strict().refine((r) => r.entity !== undefined || r.tag !== undefined, { message: 'a rule needs an entity or a tag' })
  .refine((r) => r.operator !== undefined || r.byClearance !== undefined, { message: 'a rule needs an operator or byClearance' });

export const transformPlanSchema = z.object({
  version: z.literal(1).default(1),
  default: operatorSchema.default({ type: 'redact' }),
  rules: z.array(planRuleSchema).max(1000).default([]),
}).strict();

export type OperatorSpec = z.infer<typeof operatorSchema>;
export type TransformPlan = z.infer<typeof transformPlanSchema>;
export type TransformPlanInput = z.input<typeof transformPlanSchema>;

/** Validates a plan (e.g. parsed from YAML); errors name the offending field path. */
export function parseTransformPlan(input: unknown): TransformPlan {
  const r = transformPlanSchema.safeParse(input);
  if (r.success) return r.data;
  throw new DlpInvalidPlanError(r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(plan)'}: ${i.message}`));
}

function tagMatches(pattern: string, tag: string | undefined): boolean {
  if (tag === undefined) return false;
  if (pattern.endsWith('.*')) return tag.startsWith(pattern.slice(0, -1));
  return pattern === tag;
}

/** The operator for one finding under a clearance. */
export function operatorFor(plan: TransformPlan, entity: string, tag: string | undefined, clearance: string | undefined): OperatorSpec {
  for (const rule of plan.rules) {
    const hit = (rule.entity !== undefined && rule.entity === entity) || (rule.tag !== undefined && tagMatches(rule.tag, tag));
    if (!hit) continue;
    const byClearance = clearance !== undefined ? rule.byClearance?.[clearance] : undefined;
    return byClearance ?? rule.operator ?? plan.default;
  }
  return plan.default;
}
