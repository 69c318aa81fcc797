/**
 * The shapes of the policy API this page reads and sends (packages/trellis/src/policy/schema.ts
 * and governance's impact analysis), written out here because the console shares no code with
 * the server.
 */

export interface ActorRef {
  id: string;
  name: string | null;
}

export type RegoVersion = 'v0' | 'v1';

export interface BundleSummary {
  version: number;
  digest: string;
  rego_version: RegoVersion;
  v0_modules: string[];
  module_count: number;
  test_count: number;
  size_bytes: number;
  message: string | null;
  created_at: string;
  created_by: ActorRef;
}

export interface BundleDetail extends BundleSummary {
  modules: Record<string, string>;
  data: Record<string, unknown>;
}

export interface BundleList {
  items: BundleSummary[];
  active_version: number | null;
  next_before: number | null;
}

export interface FileDiff {
  path: string;
  kind: 'module' | 'data';
  status: 'added' | 'removed' | 'changed';
  diff: string;
}

export interface BundleDiff {
  from: number;
  to: number;
  rego_version: { from: RegoVersion; to: RegoVersion } | null;
  files: FileDiff[];
}

export interface Activation {
  id: number;
  version: number;
  digest: string;
  action: 'activate' | 'rollback' | 'bootstrap';
  previous_version: number | null;
  activated_at: string;
  activated_by: ActorRef;
}

export interface ActiveState {
  active: Activation | null;
  loaded: { version: number | null; digest: string } | null;
  history: Activation[];
}

/** What a bundle is made of when it is sent: a draft, for a push, the playground or a test run. */
export interface BundleInput {
  modules: Record<string, string>;
  data?: Record<string, unknown>;
  regoVersion?: RegoVersion;
}

export interface TestResult {
  name: string;
  file: string;
  line: number;
  status: 'pass' | 'fail' | 'error';
  duration_ms: number;
  error?: string;
}

export interface TestRun {
  bundle: { version: number | null; digest: string };
  passed: number;
  failed: number;
  errored: number;
  results: TestResult[];
  budget_exceeded?: string;
}

export interface PushResult {
  bundle: BundleSummary;
  tests: { passed: number; results: TestResult[] };
  activated: boolean;
}

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

export interface RuleExplanation {
  file: string;
  line: number;
  rule: string;
  default: boolean;
  value: unknown;
  error?: string;
  input_index?: number;
}

export interface EvalResult {
  result: unknown;
  defined: boolean;
  decision?: Decision;
  rules: RuleExplanation[];
  bundle: { version: number | null; digest: string };
  error?: { code: string; message: string };
}

interface DecisionSummary {
  result: 'allow' | 'deny';
  deny: string[];
  warn: string[];
}

export interface ImpactItem {
  app: string;
  status: string;
  before: DecisionSummary;
  after: DecisionSummary;
  change: 'to_deny' | 'to_allow' | 'messages';
  added: string[];
  removed: string[];
}

export interface ImpactResult {
  apps: number;
  changed: number;
  flips: { to_deny: number; to_allow: number };
  bundle: { from: number | null; to: number | null };
  items: ImpactItem[];
  truncated: boolean;
  duration_ms: number;
}
