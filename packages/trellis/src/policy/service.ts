/**
 * The policy service (capability C4): policy bundles stored in the database (versions that are
 * never modified, each tested before it is stored), activation and rollback with their
 * history, the active bundle compiled once and held in memory, and decisions at the four
 * decision points (docs/governance.md) made from it synchronously, without a database read.
 *
 * Every replica holds the active bundle. Activating on one reaches the others within a second:
 * on PostgreSQL the activation's transaction sends a NOTIFY that each replica LISTENs for on a
 * connection of its own; on SQLite (one file, possibly several processes) each replica reads
 * the newest activation's id every `pollIntervalMs`, a one-row primary-key read. Either way a
 * replica re-reads the newest activation itself, so a notification is only ever a hint.
 *
 * Pushing a bundle runs named steps — check, compile, test, store — and stops at the first that
 * refuses it; nothing is stored then and the active bundle stays as it was.
 */
import { readsInputConnector, type PortableBundle } from './standalone.ts';
import { createHmac } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Policy } from '@trellis/rego';
import { Follower, type FollowMode } from '../db/follow.ts';
import type { Actor, AuditInput, AuditLog } from '../audit/index.ts';
import { canonicalJson } from '../canonical-json.ts';
import type { Database, Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { KeyRing } from '../module.ts';
import { readBundleDirectory } from './bundle.ts';
import { decideMerged, decideSafely, defaultDecisionLimits, type CompiledBundle, type Decision, type DecisionLimits, type DecisionPoint } from './decide.ts';
import { policyErrors } from './errors.ts';
import { ruleExplainer, type RuleExplanation } from './explain.ts';
import { unifiedDiff } from './line-diff.ts';
import type { Activation, ActiveState, ActorRef, BundleDetail, BundleDiff, BundleList, BundleSummary, EvalBody, EvalResult, FileDiff, PushResult, TestRun, TestRunBody } from './schema.ts';
import { bundleDigest, checkSource, checkTestReport, compileSource, defaultTestLimits, runBundleTests, type BundleInput, type BundleSource, type BundleTestReport, type CompiledSource, type RegoVersion, type TestLimits } from './source.ts';
import * as store from './store.ts';

export type { CompiledBundle, Decision, DecisionPoint } from './decide.ts';

/** What an audit event may name as touched (the audit module's ResourceRef). */
export type ResourceRef = NonNullable<AuditInput['resources']>[number];

/** Who is acting, and from where (for the audit event). */
export interface Caller {
  actor: Actor;
  srcIp?: string;
}

/** Builds the decision inputs of a catalog app (governance registers one; the playground's `app`). */
export type InputResolver = (app: string) => Promise<unknown[]>;

export interface PolicyOptions {
  /** Limits of one decision (default 50 ms, 1,000,000 steps). */
  decisionLimits?: Partial<DecisionLimits>;
  /** Limits of a pushed bundle's tests. */
  testLimits?: Partial<TestLimits>;
  /** The built-in policy pack stored and activated on first start; null for none. Default: the repository's policies/. */
  builtinPackDir?: string | null;
  /** SQLite: how often each replica reads the newest activation (default 300 ms). */
  pollIntervalMs?: number;
  /** Warnings for the operator (default: stderr). */
  warn?: (message: string) => void;
  /** Wraps each decision (observability: a span and the latency metric); default: none. */
  observe?: (point: DecisionPoint, decide: () => Decision) => Decision;
}

/**
 * The repository's policies/ folder. From src/policy/ and from the build's dist/policy/ alike
 * it is four levels up (packages/trellis/{src,dist}/policy → the repository root).
 */
export const defaultBuiltinPackDir = fileURLToPath(new URL('../../../../policies/', import.meta.url));

/** Limits of a playground query (a person waits for it; a decision's limits stay the production ones). */
const playgroundQueryLimits: DecisionLimits = { timeoutMs: 1_000, maxSteps: 10_000_000 };
const COMPILED_CACHE = 8;
const HISTORY = 20;

function actorRef(actor: Actor): ActorRef {
  return { id: actor.id, name: actor.name ?? null };
}

function toSummary(r: store.BundleSummaryRow): BundleSummary {
  return {
    version: r.version,
    digest: r.digest,
    rego_version: r.rego_version as RegoVersion,
    v0_modules: JSON.parse(r.v0_modules) as string[],
    module_count: Number(r.module_count),
    test_count: Number(r.test_count),
    size_bytes: Number(r.size_bytes),
    message: r.message,
    created_at: r.created_at,
    created_by: { id: r.created_by, name: r.created_by_name },
  };
}

function sourceOf(r: store.BundleRow): BundleSource {
  return { modules: JSON.parse(r.modules) as Record<string, string>, data: JSON.parse(r.data) as Record<string, unknown>, regoVersion: r.rego_version as RegoVersion };
}

function bundleNotFound(version: number): AppError {
  return new AppError('not_found', `policy bundle version ${version} not found`);
}

/** A plain `data.a.b` (or `input.x`) reference, evaluated as a document rather than as binding sets. */
const PLAIN_REF = /^\s*(data|input)(\.[A-Za-z_][A-Za-z0-9_]*)*\s*$/;

/** Another replica stored the first bundle between our look and our write. */
class BootstrapRaced extends Error {}

export class PolicyService {
  private current: CompiledBundle | null = null;
  /** Id of the activation `current` came from (what replicas compare). */
  private currentActivationId: number | null = null;
  private readonly compiled = new Map<number, CompiledBundle>();
  private readonly sources = new WeakMap<CompiledBundle, BundleSource>();
  private resolver: InputResolver | undefined;
  private readonly decisionLimits: DecisionLimits;
  private readonly testLimits: TestLimits;
  private readonly inputKey: Buffer;
  private readonly warn: (message: string) => void;
  /** Follows activations made by other replicas (db/follow.ts). */
  private readonly follower: Follower;

  /** The load started by start(): the built-in pack on a first start, then the active bundle. */
  private starting: Promise<void> | undefined;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    keys: KeyRing,
    private readonly opts: PolicyOptions = {},
  ) {
    this.decisionLimits = { ...defaultDecisionLimits, ...opts.decisionLimits };
    this.testLimits = { ...defaultTestLimits, ...opts.testLimits };
    this.inputKey = keys.derive('policy.input');
    this.warn = opts.warn ?? ((m) => process.stderr.write(`trellis: warning: ${m}\n`));
    this.follower = new Follower(database, { channel: store.activationChannel, catchUp: () => this.loadActive(), pollIntervalMs: opts.pollIntervalMs ?? 300, warn: this.warn, label: 'policy' });
  }

  // ---- decisions -------------------------------------------------------------------------

  /**
   * Sync, in memory, no database access: evaluate `data.trellis.<point>` for one input under the
   * active bundle (or `bundle` when given). Never throws: errors and limits fail closed
   * (result 'deny', `error` set, its message in `deny`).
   */
  decide(point: DecisionPoint, input: unknown, bundle?: CompiledBundle): Decision {
    const decide = () => decideSafely(point, bundle ?? this.current, input, this.decisionLimits);
    return this.opts.observe ? this.opts.observe(point, decide) : decide();
  }

  /**
   * The value of one rule of `data.trellis.<point>` for an input under the active bundle, for a
   * caller that reads a number rather than a verdict (the token issuer caps lifetimes with
   * `data.trellis.token.max_lifetime_seconds`). In memory, within the decision limits; never
   * throws: no bundle or a failed evaluation is an `error`, and callers refuse then (fail closed).
   * `value` is undefined when the rule is undefined for the input.
   */
  value(point: DecisionPoint, rule: string, input: unknown): { value: unknown } | { error: { code: string; message: string } } {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(rule)) return { error: { code: 'bad_rule', message: `${rule} is not a rule name` } };
    if (!this.current) return { error: { code: 'no_active_bundle', message: 'no policy bundle is active' } };
    try {
      // An array comprehension has one solution whether or not the rule is defined.
      const rows = this.current.policy.query(`x := [v | v := data.trellis.${point}.${rule}]`, { input, limits: this.decisionLimits });
      return { value: (rows[0]?.x as unknown[] | undefined)?.[0] };
    } catch (err) {
      return { error: { code: 'eval_error', message: `policy evaluation failed: ${err instanceof Error ? err.message : String(err)}` } };
    }
  }

  /**
   * Several inputs merged into one decision (union of deny and warn, allow only if all allow);
   * admission is evaluated once per connector (docs/governance.md). No inputs: deny.
   */
  decideAll(point: DecisionPoint, inputs: readonly unknown[], bundle?: CompiledBundle): Decision {
    const decide = () => decideMerged(point, bundle ?? this.current, inputs, this.decisionLimits);
    return this.opts.observe ? this.opts.observe(point, decide) : decide();
  }

  /**
   * A compiled bundle as plain data (its source, version and digest), for a worker thread that
   * decides on its own (policy/standalone.ts); the limits it must decide within come with it.
   */
  portable(bundle: CompiledBundle): PortableBundle {
    const source = this.sources.get(bundle);
    if (!source) throw new Error(`policy bundle ${bundle.version ?? bundle.digest} was not compiled by this service`);
    return { version: bundle.version, digest: bundle.digest, source, limits: this.decisionLimits };
  }

  /** The bundle decisions are made with now, or null when none is active. */
  active(): CompiledBundle | null {
    return this.current;
  }

  /** HMAC-SHA-256 (hex) of the input's canonical JSON: equal inputs are recognisable, their values never stored. */
  inputDigest(input: unknown): string {
    return createHmac('sha256', this.inputKey)
      .update(canonicalJson(input === undefined ? null : input))
      .digest('hex');
  }

  /**
   * The audit event of a decision (action `policy.decision`): point, bundle, result, messages,
   * duration and an HMAC digest of the input — never the input's values.
   */
  decisionEvent(decision: Decision, input: unknown, actor: Actor, resources?: ResourceRef[]): AuditInput {
    return {
      class: 'api_activity',
      activity: 'other',
      action: 'policy.decision',
      actor,
      ...(resources && resources.length > 0 ? { resources } : {}),
      outcome: decision.allow ? 'success' : 'failure',
      message: `policy decision at ${decision.point}: ${decision.result}`,
      details: {
        point: decision.point,
        result: decision.result,
        bundle_version: decision.bundle.version,
        bundle_digest: decision.bundle.digest,
        input_digest: `hmac-sha256:${this.inputDigest(input)}`,
        deny: decision.deny,
        warn: decision.warn,
        duration_ms: decision.duration_ms,
        ...(decision.error ? { error: decision.error } : {}),
      },
    };
  }

  /** decide + record its audit event, for callers outside a transaction (gateway, token). */
  async decideAndLog(point: DecisionPoint, input: unknown, actor: Actor, resources?: ResourceRef[]): Promise<Decision> {
    const decision = this.decide(point, input);
    await this.audit.record(this.decisionEvent(decision, input, actor, resources));
    return decision;
  }

  /** Governance registers how to build an app's inputs; the playground's `app` needs it. */
  setInputResolver(fn: InputResolver): void {
    this.resolver = fn;
  }

  // ---- compiling -------------------------------------------------------------------------

  /**
   * Compile a stored version or a draft `{modules, data}` (the playground, impact analysis).
   * A draft's tests run only with `{ runTests: true }`; a refused draft throws `bundle_invalid`
   * or `bundle_tests_failed`.
   */
  async compile(source: { version: number } | BundleInput, opts: { runTests?: boolean } = {}): Promise<CompiledBundle> {
    if ('version' in source) return this.compileVersion(source.version);
    const checked = checkSource(source);
    const bundle = this.compiledOf(null, checked, compileSource(checked));
    if (opts.runTests) checkTestReport(await runBundleTests(bundle.policy, this.testLimits));
    return bundle;
  }

  private compiledOf(version: number | null, source: BundleSource, c: { policy: Policy; v0Modules: string[] }, digest = bundleDigest(source)): CompiledBundle {
    const bundle: CompiledBundle = { version, digest, regoVersion: source.regoVersion, v0Modules: c.v0Modules, readsConnector: readsInputConnector(source.modules), policy: c.policy };
    this.sources.set(bundle, source);
    return bundle;
  }

  private async compileVersion(version: number): Promise<CompiledBundle> {
    const hit = this.compiled.get(version);
    if (hit) return hit;
    const row = await store.findBundle(this.database.db, version);
    if (!row) throw bundleNotFound(version);
    const source = sourceOf(row);
    const bundle = this.compiledOf(version, source, compileSource(source), row.digest);
    this.remember(bundle);
    return bundle;
  }

  private remember(bundle: CompiledBundle): void {
    if (bundle.version === null) return;
    this.compiled.delete(bundle.version);
    this.compiled.set(bundle.version, bundle);
    // Keep the newest few, and always the active one (the map is in insertion order).
    for (const key of this.compiled.keys()) {
      if (this.compiled.size <= COMPILED_CACHE) break;
      if (key !== this.current?.version) this.compiled.delete(key);
    }
  }

  // ---- bundles ---------------------------------------------------------------------------

  /**
   * Store a new bundle version after checking, compiling and testing it (all tests must pass);
   * with `activate`, activate it in the same transaction. Refused: 422 with the reasons,
   * nothing stored, the active bundle unchanged.
   */
  async push(caller: Caller, input: BundleInput & { message?: string | undefined }, opts: { activate?: boolean | undefined; action?: 'activate' | 'bootstrap' } = {}): Promise<PushResult> {
    // The built-in pack is pushed by start() itself; anyone else waits for start to finish.
    if (opts.action !== 'bootstrap') await this.ready();
    let source: BundleSource;
    let compiled: CompiledSource;
    let tests: BundleTestReport;
    try {
      source = checkSource(input);
      compiled = compileSource(source);
      tests = await runBundleTests(compiled.policy, this.testLimits);
      checkTestReport(tests);
    } catch (err) {
      if (err instanceof AppError) await this.recordRefusal(caller, err);
      throw err;
    }
    const digest = bundleDigest(source);
    const modulesJson = JSON.stringify(source.modules);
    const dataJson = JSON.stringify(source.data);
    const by = actorRef(caller.actor);
    const now = new Date().toISOString();
    const { row, activation } = await this.database.db.transaction().execute(async (tx) => {
      await store.lockPolicyWrites(tx, this.database.dialect);
      // The built-in pack goes in only while there is no bundle at all: two replicas starting together store it once.
      if (opts.action === 'bootstrap' && (await store.bundleExists(tx))) throw new BootstrapRaced();
      const row: store.BundleRow = {
        version: (await store.latestBundleVersion(tx)) + 1,
        digest,
        modules: modulesJson,
        data: dataJson,
        rego_version: source.regoVersion,
        v0_modules: JSON.stringify(compiled.v0Modules),
        module_count: Object.keys(source.modules).length,
        test_count: tests.passed,
        size_bytes: Buffer.byteLength(modulesJson) + Buffer.byteLength(dataJson),
        message: input.message ?? null,
        created_at: now,
        created_by: by.id,
        created_by_name: by.name,
      };
      await store.insertBundle(tx, row);
      await this.audit.append(tx, {
        class: 'api_activity',
        activity: 'create',
        action: 'policy.bundle.push',
        actor: caller.actor,
        resources: [{ type: 'policy_bundle', id: String(row.version) }],
        outcome: 'success',
        message: `policy bundle version ${row.version} stored (${row.module_count} modules, ${tests.passed} tests passed)`,
        details: { version: row.version, digest, modules: Object.keys(source.modules), data_files: Object.keys(source.data), rego_version: source.regoVersion, v0_modules: compiled.v0Modules, tests_passed: tests.passed, ...(input.message ? { message: input.message } : {}) },
        ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
      });
      const activation = opts.activate ? await this.activateInTx(tx, caller, row.version, digest, opts.action ?? 'activate', now) : undefined;
      return { row, activation };
    });
    const bundle = this.compiledOf(row.version, source, compiled, digest);
    this.remember(bundle);
    if (activation) this.install(bundle, activation.id);
    return { bundle: toSummary(row), tests: { passed: tests.passed, results: tests.results }, activated: activation !== undefined };
  }

  /**
   * A refused push leaves a trace (who tried, why, where), though nothing changed: the codes and
   * locations of the problems, never the modules' text.
   */
  private async recordRefusal(caller: Caller, err: AppError): Promise<void> {
    await this.audit.record({
      class: 'api_activity',
      activity: 'create',
      action: 'policy.bundle.push',
      actor: caller.actor,
      outcome: 'failure',
      message: `policy bundle refused (${err.code})`,
      details: { code: err.code, problems: (err.errors ?? []).slice(0, 20).map((e) => ({ path: e.path, ...(e.line ? { line: e.line } : {}) })) },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    });
  }

  /** A page of bundle versions, newest first. */
  async list(opts: { before?: number | undefined; limit?: number | undefined } = {}): Promise<BundleList> {
    await this.ready();
    const limit = opts.limit ?? 50;
    const rows = await store.listBundles(this.database.db, { before: opts.before, limit: limit + 1 });
    const current = await store.currentActivation(this.database.db);
    const items = rows.slice(0, limit).map(toSummary);
    return { items, active_version: current?.version ?? null, next_before: rows.length > limit ? items[items.length - 1]!.version : null };
  }

  /** One version with its modules and data files. */
  async get(version: number): Promise<BundleDetail> {
    await this.ready();
    const row = await store.findBundle(this.database.db, version);
    if (!row) throw bundleNotFound(version);
    const source = sourceOf(row);
    return { ...toSummary(row), modules: source.modules, data: source.data };
  }

  /** What changed from `against` to `version`, file by file, with a unified diff of each changed file. */
  async diff(version: number, against: number): Promise<BundleDiff> {
    await this.ready();
    const [to, from] = await Promise.all([store.findBundle(this.database.db, version), store.findBundle(this.database.db, against)]);
    if (!to) throw bundleNotFound(version);
    if (!from) throw bundleNotFound(against);
    const a = sourceOf(from);
    const b = sourceOf(to);
    const files: FileDiff[] = [];
    const compare = (kind: FileDiff['kind'], before: Record<string, string>, after: Record<string, string>) => {
      for (const path of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
        const x = before[path];
        const y = after[path];
        if (x === y) continue;
        const status = x === undefined ? 'added' : y === undefined ? 'removed' : 'changed';
        files.push({ path, kind, status, diff: unifiedDiff(path, x ?? '', y ?? '') });
      }
    };
    const jsonText = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, JSON.stringify(v, null, 2) + '\n']));
    compare('module', a.modules, b.modules);
    compare('data', jsonText(a.data), jsonText(b.data));
    return { from: against, to: version, rego_version: a.regoVersion === b.regoVersion ? null : { from: a.regoVersion, to: b.regoVersion }, files };
  }

  /** Activate a stored version: decisions on every replica use it within a second. */
  async activate(caller: Caller, version: number): Promise<ActiveState> {
    await this.ready();
    const bundle = await this.compileVersion(version);
    const now = new Date().toISOString();
    const activation = await this.database.db.transaction().execute(async (tx) => {
      await store.lockPolicyWrites(tx, this.database.dialect);
      const current = await store.currentActivation(tx);
      // Already in force: nothing changes, nothing is recorded.
      if (current?.version === version) return current;
      return this.activateInTx(tx, caller, version, bundle.digest, 'activate', now, current);
    });
    this.install(bundle, activation.id);
    return this.activeState();
  }

  /** Re-activate the bundle that was in force before the current one came into force. */
  async rollback(caller: Caller): Promise<ActiveState> {
    await this.ready();
    // Compiled before the transaction (compiling can take a while); checked again inside it.
    const seen = await store.currentActivation(this.database.db);
    const target = seen?.previous_id ? await store.findActivation(this.database.db, seen.previous_id) : undefined;
    if (!seen || !target) throw policyErrors.error('nothing_to_roll_back', seen ? `version ${seen.version} is the first bundle activated; there is nothing before it` : 'no bundle has been activated');
    const bundle = await this.compileVersion(target.version);
    const now = new Date().toISOString();
    const activation = await this.database.db.transaction().execute(async (tx) => {
      await store.lockPolicyWrites(tx, this.database.dialect);
      const current = await store.currentActivation(tx);
      if (current?.id !== seen.id) throw new AppError('conflict', 'the active bundle changed while rolling back; look at GET /api/v1/policy/active and try again');
      const row = await store.insertActivation(tx, { version: target.version, previous_id: target.previous_id, action: 'rollback', activated_at: now, activated_by: caller.actor.id, activated_by_name: caller.actor.name ?? null });
      await this.audit.append(tx, {
        class: 'api_activity',
        activity: 'update',
        action: 'policy.bundle.rollback',
        actor: caller.actor,
        resources: [{ type: 'policy_bundle', id: String(target.version) }],
        outcome: 'success',
        message: `policy bundle rolled back from version ${current.version} to version ${target.version}`,
        details: { version: target.version, digest: bundle.digest, previous_version: current.version, activation: row.id },
        ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
      });
      if (this.database.dialect === 'postgres') await store.notifyActivation(tx, this.database.schema);
      return row;
    });
    this.install(bundle, activation.id);
    return this.activeState();
  }

  private async activateInTx(tx: Tx, caller: Caller, version: number, digest: string, action: 'activate' | 'bootstrap', now: string, current?: store.ActivationRow): Promise<store.ActivationRow> {
    const before = current ?? (await store.currentActivation(tx));
    const row = await store.insertActivation(tx, { version, previous_id: before?.id ?? null, action, activated_at: now, activated_by: caller.actor.id, activated_by_name: caller.actor.name ?? null });
    await this.audit.append(tx, {
      class: 'api_activity',
      activity: 'update',
      action: 'policy.bundle.activate',
      actor: caller.actor,
      resources: [{ type: 'policy_bundle', id: String(version) }],
      outcome: 'success',
      message: `policy bundle version ${version} activated${before ? ` (was version ${before.version})` : ''}`,
      details: { version, digest, previous_version: before?.version ?? null, activation: row.id, ...(action === 'bootstrap' ? { builtin_pack: true } : {}) },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    });
    if (this.database.dialect === 'postgres') await store.notifyActivation(tx, this.database.schema);
    return row;
  }

  /** The bundle in force, what this server holds, and the recent activations. */
  async activeState(): Promise<ActiveState> {
    await this.ready();
    const rows = await store.listActivations(this.database.db, HISTORY);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const digests = await store.bundleDigests(this.database.db, [...new Set(rows.map((r) => r.version))]);
    const previousVersion = async (r: store.ActivationRow): Promise<number | null> => {
      if (r.previous_id === null) return null;
      return (byId.get(r.previous_id) ?? (await store.findActivation(this.database.db, r.previous_id)))?.version ?? null;
    };
    const history: Activation[] = [];
    for (const r of rows) {
      // A rollback's previous_id is where a further rollback goes, not what it replaced: show the version it replaced.
      const replaced = rows.find((x) => x.id < r.id);
      history.push({
        id: r.id,
        version: r.version,
        digest: digests.get(r.version) ?? '',
        action: r.action as Activation['action'],
        previous_version: r.action === 'rollback' ? (replaced?.version ?? (await previousVersion(r))) : await previousVersion(r),
        activated_at: r.activated_at,
        activated_by: { id: r.activated_by, name: r.activated_by_name },
      });
    }
    return { active: history[0] ?? null, loaded: this.current ? { version: this.current.version, digest: this.current.digest } : null, history };
  }

  private install(bundle: CompiledBundle, activationId: number): void {
    // An older activation never replaces a newer one (a slow refresh finishing late).
    if (this.currentActivationId !== null && activationId < this.currentActivationId) return;
    this.current = bundle;
    this.currentActivationId = activationId;
    this.remember(bundle);
  }

  // ---- the playground --------------------------------------------------------------------

  /** Evaluate a query or a decision point under the active, a stored or a draft bundle, with the rules that produced the result. */
  async evaluate(body: EvalBody): Promise<EvalResult> {
    await this.ready();
    if ((body.query === undefined) === (body.point === undefined)) throw new AppError('validation_failed', 'give either query or point', { errors: [{ path: body.query === undefined ? 'query' : 'point', message: 'exactly one of query and point is required' }] });
    if (body.app !== undefined && body.input !== undefined) throw new AppError('validation_failed', 'give either input or app, not both', { errors: [{ path: 'app', message: 'cannot be combined with input' }] });
    if (body.app !== undefined && body.point === undefined) throw new AppError('validation_failed', 'app needs a decision point', { errors: [{ path: 'point', message: 'is required with app' }] });
    if (body.app !== undefined && !this.resolver) throw new AppError('bad_request', 'evaluating a catalog app is not available: no input resolver is registered (the governance module provides it)');
    const bundle = body.bundle === undefined ? this.current : await this.compile(typeof body.bundle === 'number' ? { version: body.bundle } : body.bundle);
    if (!bundle) throw policyErrors.error('no_active_bundle', 'no policy bundle is active; pass bundle (a version or a draft) or activate one');
    // Every bundle this service compiles keeps its source; one compiled elsewhere is explained from the stored version.
    const stored = this.sources.has(bundle) || bundle.version === null ? undefined : await store.findBundle(this.database.db, bundle.version);
    const source = this.sources.get(bundle) ?? (stored ? sourceOf(stored) : undefined);
    const ref = { version: bundle.version, digest: bundle.digest };
    if (body.point !== undefined) {
      const point = body.point;
      const inputs = body.app !== undefined ? await this.resolver!(body.app) : [body.input ?? {}];
      const decision = this.decideAll(point, inputs, bundle);
      const docs = inputs.map((input) => {
        try {
          return bundle.policy.evaluate(`data.trellis.${point}`, { input, limits: this.decisionLimits }) ?? null;
        } catch {
          return null;
        }
      });
      const explain = source ? ruleExplainer(source, bundle, ['trellis', point], ['deny', 'warn', 'allow'], this.decisionLimits) : () => [];
      const rules: (RuleExplanation & { input_index?: number })[] = inputs.flatMap((input, i) => explain(input).map((r) => (body.app !== undefined ? { ...r, input_index: i } : r)));
      const result = body.app !== undefined ? docs : docs[0];
      return { result, defined: docs.some((d) => d !== null), decision, rules, bundle: ref, ...(decision.error ? { error: decision.error } : {}) };
    }
    const query = body.query!;
    const input = body.input;
    const opts = { ...(input !== undefined ? { input } : {}), limits: playgroundQueryLimits };
    let result: unknown;
    let defined: boolean;
    try {
      if (PLAIN_REF.test(query)) {
        const v = bundle.policy.evaluate(query.trim(), opts);
        result = v ?? null;
        defined = v !== undefined;
      } else {
        const sets = bundle.policy.query(query, opts);
        result = sets;
        defined = sets.length > 0;
      }
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'rego_parse_error' || code === 'rego_compile_error' || code === 'rego_type_error' || code === 'rego_unsafe_var_error') {
        throw new AppError('validation_failed', `the query does not compile: ${(err as Error).message}`, { errors: [{ path: 'query', message: (err as Error).message }] });
      }
      return { result: null, defined: false, rules: [], bundle: ref, error: { code: typeof code === 'string' ? code : 'eval_error', message: err instanceof Error ? err.message : String(err) } };
    }
    const segs = query.trim().split('.');
    const rules = source && segs[0] === 'data' && segs.length >= 3 && PLAIN_REF.test(query) ? ruleExplainer(source, bundle, segs.slice(1, -1), [segs[segs.length - 1]!], playgroundQueryLimits)(input) : [];
    return { result, defined, rules, bundle: ref };
  }

  /**
   * Run a bundle's tests without storing anything: the active bundle, a stored version or a
   * draft (checked and compiled first, so a draft that does not compile is `bundle_invalid` with
   * its located errors). Every result is listed, passing ones too, unlike a refused push.
   */
  async runTests(body: TestRunBody): Promise<TestRun> {
    await this.ready();
    let policy: Policy;
    let ref: TestRun['bundle'];
    if (body.bundle === undefined || typeof body.bundle === 'number') {
      const bundle = body.bundle === undefined ? this.current : await this.compileVersion(body.bundle);
      if (!bundle) throw policyErrors.error('no_active_bundle', 'no policy bundle is active; pass bundle (a version or a draft) or activate one');
      policy = bundle.policy;
      ref = { version: bundle.version, digest: bundle.digest };
    } else {
      const source = checkSource(body.bundle);
      policy = compileSource(source).policy;
      ref = { version: null, digest: bundleDigest(source) };
    }
    const report = await runBundleTests(policy, this.testLimits);
    return { bundle: ref, passed: report.passed, failed: report.failed, errored: report.errored, results: report.results, ...(report.budgetExceeded ? { budget_exceeded: report.budgetExceeded } : {}) };
  }

  // ---- start, stop, replicas -------------------------------------------------------------

  /**
   * On a server's start: store and activate the built-in pack when no bundle exists yet, load
   * the active bundle, and follow activations made by other replicas.
   */
  start(): Promise<void> {
    this.starting = (async () => {
      await this.bootstrap();
      await this.follower.start();
    })();
    return this.starting;
  }

  /**
   * Resolves once start() has loaded the active bundle (stored the built-in pack on a first
   * start). Callers that decide await this first, so a decision asked for while start() runs
   * (a service container whose start was not awaited) waits for the bundle instead of denying.
   */
  ready(): Promise<void> {
    return this.starting ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => {});
    await this.follower.stop();
  }

  /** How this server follows activations: the PostgreSQL backend it LISTENs on, or SQLite polling; null before start(). */
  following(): FollowMode | null {
    return this.follower.mode();
  }

  /** The first start: the built-in pack, stored and activated by the system, when no bundle exists. */
  private async bootstrap(): Promise<void> {
    if (await store.bundleExists(this.database.db)) return;
    const dir = this.opts.builtinPackDir === undefined ? defaultBuiltinPackDir : this.opts.builtinPackDir;
    if (dir === null) return;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      this.warn(`policy: no policy bundle is stored and the built-in pack (${dir}) is missing; every decision is deny until a bundle is pushed and activated`);
      return;
    }
    const system: Actor = { type: 'system', id: 'system', name: 'trellis' };
    try {
      const pack = readBundleDirectory(dir);
      await this.push({ actor: system }, { ...pack, message: 'built-in policy pack' }, { activate: true, action: 'bootstrap' });
    } catch (err) {
      // Another replica stored it first (both saw no bundle): theirs is the one in force.
      if (err instanceof BootstrapRaced) return;
      this.warn(`policy: the built-in pack (${dir}) was refused, so no bundle is active: ${err instanceof Error ? err.message : String(err)}${err instanceof AppError && err.errors ? '\n' + err.errors.map((e) => `  ${e.path}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`).join('\n') : ''}`);
    }
  }

  /** Load the newest activation's bundle if it is not the one held (one run at a time; see Follower.run). */
  refresh(): Promise<void> {
    return this.follower.run();
  }

  private async loadActive(): Promise<void> {
    const activation = await store.currentActivation(this.database.db);
    if (!activation || activation.id === this.currentActivationId) return;
    try {
      this.install(await this.compileVersion(activation.version), activation.id);
    } catch (err) {
      this.warn(`policy: bundle version ${activation.version} was activated but does not load here, so the previous one stays in force: ${(err as Error).message}`);
      // Not retried until the next activation.
      this.currentActivationId = activation.id;
    }
  }
}
