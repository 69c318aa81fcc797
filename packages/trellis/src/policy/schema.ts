/**
 * The policy API's shapes, declared once with zod: request validation, TypeScript types and the
 * JSON Schema of every route (request and response) come from these declarations.
 */
import { z } from 'zod';
import { decisionPoints } from './decide.ts';

const actorRefSchema = z.object({ id: z.string(), name: z.string().nullable() });
export type ActorRef = z.infer<typeof actorRefSchema>;

export const regoVersionSchema = z.enum(['v0', 'v1']).meta({ description: 'v1 (default): Rego v1, and a module that parses only as v0 is accepted as v0, file by file; v0: every module is Rego v0' });

export const bundleInputSchema = z.strictObject({
  modules: z.record(z.string(), z.string()).meta({ description: 'Rego modules: path (ending in .rego; *_test.rego files are the tests) → source text' }),
  data: z.record(z.string(), z.unknown()).optional().meta({ description: 'Data files: path of a data.json → its JSON value, placed at the path of its folder (tiers/data.json → data.tiers)' }),
  regoVersion: regoVersionSchema.optional(),
});

export const pushBodySchema = bundleInputSchema.extend({
  message: z.string().max(1000).optional().meta({ description: 'What changed, for the version list' }),
  activate: z.boolean().optional().meta({ description: 'Activate the new version in the same transaction' }),
});
export type PushBody = z.infer<typeof pushBodySchema>;

export const bundleSummarySchema = z.object({
  version: z.int(),
  digest: z.string().meta({ description: 'SHA-256 (hex) of the canonical JSON of modules, data and regoVersion' }),
  rego_version: regoVersionSchema,
  v0_modules: z.array(z.string()).meta({ description: 'Modules accepted as Rego v0' }),
  module_count: z.int(),
  test_count: z.int().meta({ description: 'Tests that passed when the bundle was stored' }),
  size_bytes: z.int(),
  message: z.string().nullable(),
  created_at: z.string(),
  created_by: actorRefSchema,
});
export type BundleSummary = z.infer<typeof bundleSummarySchema>;

export const bundleDetailSchema = bundleSummarySchema.extend({
  modules: z.record(z.string(), z.string()),
  data: z.record(z.string(), z.unknown()),
});
export type BundleDetail = z.infer<typeof bundleDetailSchema>;

export const testSummarySchema = z.object({
  passed: z.int(),
  results: z.array(z.object({ name: z.string(), file: z.string(), line: z.int(), status: z.enum(['pass', 'fail', 'error']), duration_ms: z.number(), error: z.string().optional() })),
});

export const pushResultSchema = z.object({
  bundle: bundleSummarySchema,
  tests: testSummarySchema,
  activated: z.boolean(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const bundleListQuerySchema = z.strictObject({
  before: z.int().min(1).optional().meta({ description: 'Versions below this one (the next_before of the previous page)' }),
  limit: z.int().min(1).max(200).optional(),
});
export type BundleListQuery = z.infer<typeof bundleListQuerySchema>;

export const bundleListSchema = z.object({
  items: z.array(bundleSummarySchema),
  active_version: z.int().nullable(),
  next_before: z.int().nullable(),
});
export type BundleList = z.infer<typeof bundleListSchema>;

export const fileDiffSchema = z.object({
  path: z.string(),
  kind: z.enum(['module', 'data']),
  status: z.enum(['added', 'removed', 'changed']),
  diff: z.string().meta({ description: 'Unified line diff (data files as indented JSON)' }),
});
export type FileDiff = z.infer<typeof fileDiffSchema>;

export const bundleDiffSchema = z.object({
  from: z.int(),
  to: z.int(),
  rego_version: z.object({ from: regoVersionSchema, to: regoVersionSchema }).nullable().meta({ description: 'Set when the syntax setting changed' }),
  files: z.array(fileDiffSchema),
});
export type BundleDiff = z.infer<typeof bundleDiffSchema>;

export const diffQuerySchema = z.strictObject({ against: z.int().min(1).meta({ description: 'The version to compare with (the "before" side)' }) });

export const activationSchema = z.object({
  id: z.int(),
  version: z.int(),
  digest: z.string(),
  action: z.enum(['activate', 'rollback', 'bootstrap']),
  previous_version: z.int().nullable(),
  activated_at: z.string(),
  activated_by: actorRefSchema,
});
export type Activation = z.infer<typeof activationSchema>;

export const activeStateSchema = z.object({
  active: activationSchema.nullable().meta({ description: 'The bundle in force (the newest activation), or null when none has been activated' }),
  loaded: z.object({ version: z.int().nullable(), digest: z.string() }).nullable().meta({ description: 'The bundle this server holds in memory and decides with' }),
  history: z.array(activationSchema).meta({ description: 'Recent activations, newest first' }),
});
export type ActiveState = z.infer<typeof activeStateSchema>;

const decisionPointSchema = z.enum(decisionPoints);

export const decisionSchema = z.object({
  point: decisionPointSchema,
  result: z.enum(['allow', 'deny']),
  allow: z.boolean(),
  deny: z.array(z.string()),
  warn: z.array(z.string()),
  bundle: z.object({ version: z.int().nullable(), digest: z.string().nullable() }),
  duration_ms: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const evalBodySchema = z.strictObject({
  query: z.string().min(1).max(10_000).optional().meta({ description: 'A Rego query (e.g. data.trellis.admission.deny or x := data.tiers[_]); or give point' }),
  point: decisionPointSchema.optional().meta({ description: 'Decide at this decision point (data.trellis.<point>)' }),
  input: z.unknown().optional().meta({ description: 'The input document' }),
  app: z.string().min(1).max(63).optional().meta({ description: 'Build the input(s) from this catalog app, as governance does (admission: one per connector)' }),
  bundle: z.union([z.int().min(1), bundleInputSchema]).optional().meta({ description: 'A stored version, or a draft bundle; the active bundle when absent' }),
});
export type EvalBody = z.infer<typeof evalBodySchema>;

export const testRunBodySchema = z.strictObject({
  bundle: z.union([z.int().min(1), bundleInputSchema]).optional().meta({ description: 'A stored version, or a draft bundle; the active bundle when absent' }),
});
export type TestRunBody = z.infer<typeof testRunBodySchema>;

export const testRunSchema = z.object({
  bundle: z.object({ version: z.int().nullable(), digest: z.string() }),
  passed: z.int(),
  failed: z.int(),
  errored: z.int(),
  results: testSummarySchema.shape.results,
  budget_exceeded: z.string().optional().meta({ description: 'Set when the tests together ran past the total time limit (the rest did not run)' }),
});
export type TestRun = z.infer<typeof testRunSchema>;

export const ruleExplanationSchema = z.object({
  file: z.string(),
  line: z.int(),
  rule: z.string(),
  default: z.boolean(),
  value: z.unknown(),
  error: z.string().optional(),
  input_index: z.int().optional().meta({ description: 'With app: which of the inputs this rule fired for' }),
});

export const evalResultSchema = z.object({
  result: z.unknown().meta({ description: 'The value of the query (or of data.trellis.<point>; with app, one per input); null when undefined' }),
  defined: z.boolean(),
  decision: decisionSchema.optional(),
  rules: z.array(ruleExplanationSchema).meta({ description: 'The rule definitions that produced the result: file, line, name and what each produced alone' }),
  bundle: z.object({ version: z.int().nullable(), digest: z.string() }),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type EvalResult = z.infer<typeof evalResultSchema>;
