/**
 * The policy API's shapes as this page reads and sends them: the server's own declarations
 * (packages/trellis/src/policy/schema.ts and decide.ts, imported as types only, so none of the
 * server's code reaches the bundle), so the console keeps no second copy that could drift.
 */
import type { BundleSummary, TestRun, TestRunBody } from '../../../../trellis/src/policy/schema.ts';
import type { Decision, DecisionPoint } from '../../../../trellis/src/policy/decide.ts';
export type {
  ActiveState,
  ActorRef,
  BundleDetail,
  BundleDiff,
  BundleList,
  EvalResult,
  FileDiff,
  PushResult,
  TestRun,
} from '../../../../trellis/src/policy/schema.ts';
export type { DecisionPoint };

export type RegoVersion = BundleSummary['rego_version'];
/** What a bundle is made of when it is sent: a draft, for a push, the playground or a test run. */
export type BundleInput = Exclude<NonNullable<TestRunBody['bundle']>, number>;
export type TestResult = TestRun['results'][number];

// The decision points as values (the playground's choices); `satisfies` fails the type-check if
// the list names a point the server does not decide at.
export const decisionPoints = ['admission', 'gateway', 'export', 'token'] as const satisfies readonly DecisionPoint[];

// POST /api/v1/policy/impact answers with governance/schema.ts's ImpactResult, but that file
// imports the catalog module's door (the whole server), which cannot be type-checked under the
// console's settings; so this one shape stays a copy, its decisions the server's own.
type DecisionSummary = Pick<Decision, 'result' | 'deny' | 'warn'>;

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
