/**
 * The governance service: registration as a decision (C2–C5). Registering, updating or
 * submitting an app runs validate → secret scan → classify → score → admission policy before
 * any transaction opens; then the version, its assessment, the decision's audit event, the
 * review (when a person must decide) and the webhook announcements are written in one
 * transaction. Reviews are decided here too, with separation of duties enforced on the server.
 */
import type { Database, Tx } from '../db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import { canonicalPersonRef as canonicalOwner } from '../auth/index.ts';
import type { AppDetail, AppStatus, Assessment, Caller, CatalogService, DecisionState, Manifest, ManifestInput, RiskResult, TransitionResult } from '../catalog/index.ts';
import { checkTransition, manifestDigest } from '../catalog/index.ts';
import type { ConnectorService } from '../connectors/index.ts';
import type { Decision, PolicyService } from '../policy/index.ts';
import type { WebhookService } from '../webhooks/index.ts';
import { dlpEngine } from '../dlp/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { admissionInputs, documentsFor, type AdmissionKind } from './admission-input.ts';
import { bindFields, classify, defaultTagTiers, type SampleFinding, type TagTierTable } from './classify.ts';
import { findCredentials, secretErrors } from '../secrets/index.ts';
import { analyseImpact } from './impact.ts';
import { governanceErrors } from './errors.ts';
import { decideOutcome, inForce, type Outcome } from './outcome.ts';
import { defaultRiskSettings, type OwnerStatus, type RiskSettings } from './risk.ts';
import { settingsPatchSchema, settingsSchema, type GovernanceSettings, type ImpactBody, type ImpactResult, type Samples } from './schema.ts';
import * as store from './store.ts';
import { wideningReasons } from './widening.ts';
import { scoreApp, storedAppInputs } from './stored-inputs.ts';
import { ReviewQueue, type Asker, type ReviewFacts } from './reviews.ts';

export type { Asker, Verdict } from './reviews.ts';


/** A registration or update as the API receives it: the manifest, and sample records if any. */
export interface Submission {
  manifest: ManifestInput;
  samples?: Samples;
}

/** Everything the pipeline found about one manifest version, before anything is written. */
interface Assessed {
  manifest: Manifest;
  assessment: Assessment;
  outcome: Outcome;
  decision: Decision;
  inputs: Record<string, unknown>[];
}


const settingsCacheMs = 1000;

/** Settings as stored, completed with defaults for whatever was never set. */
function settingsFrom(stored: Map<string, string>): GovernanceSettings {
  const tagTiers = stored.get('tag_tiers');
  const risk = stored.get('risk');
  return {
    tag_tiers: tagTiers ? (JSON.parse(tagTiers) as GovernanceSettings['tag_tiers']) : { ...defaultTagTiers },
    risk: risk ? (JSON.parse(risk) as RiskSettings) : structuredClone(defaultRiskSettings),
  };
}

/** What a review keeps of an assessed version. */
function reviewFacts(a: Assessed): ReviewFacts {
  return { owner: canonicalOwner(a.manifest.spec.owner), reasons: a.outcome.reasons, warn: a.decision.warn, risk: a.assessment.risk, classification: a.assessment.classification.effective };
}

export class GovernanceService {
  private cachedSettings: { at: number; value: GovernanceSettings } | undefined;
  /** The review queue: list, show and decide reviews (reviews.ts). */
  readonly reviews: ReviewQueue;
  /** Whether an owner is an active person: the directory's answer once the identity module sets it. */
  private ownerStatusSource: (ref: string) => OwnerStatus = () => 'unknown';

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly catalog: CatalogService,
    private readonly connectors: ConnectorService,
    private readonly policy: PolicyService,
    webhooks: WebhookService,
  ) {
    this.reviews = new ReviewQueue(database, audit, catalog, webhooks);
  }

  /** Where owners' status comes from (the identity module's directory); from memory, per decision. */
  setOwnerStatusSource(source: (ref: string) => OwnerStatus): void {
    this.ownerStatusSource = source;
  }

  private ownerStatusOf(owner: string): OwnerStatus {
    return owner.startsWith('user:') ? this.ownerStatusSource(owner) : 'unknown';
  }

  // ------------------------------------------------------------------------------------------
  // Settings

  async settings(): Promise<GovernanceSettings> {
    const now = Date.now();
    if (this.cachedSettings && now - this.cachedSettings.at < settingsCacheMs) return this.cachedSettings.value;
    const value = settingsFrom(await store.readSettings(this.database.db));
    this.cachedSettings = { at: now, value };
    return value;
  }

  async updateSettings(caller: Caller, patch: unknown): Promise<GovernanceSettings> {
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) {
      throw new AppError('validation_failed', 'the settings are not valid', { errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    }
    const next = settingsSchema.parse({ ...(await this.settingsFresh()), ...parsed.data });
    const at = new Date().toISOString();
    await this.database.db.transaction().execute(async (tx) => {
      for (const key of Object.keys(parsed.data) as (keyof GovernanceSettings)[]) await store.writeSetting(tx, key, JSON.stringify(next[key]), at, caller.actor.id);
      await this.audit.append(tx, {
        class: 'api_activity',
        activity: 'update',
        action: 'governance.settings',
        actor: caller.actor,
        resources: [{ type: 'governance_settings', id: 'governance', name: Object.keys(parsed.data).join(', ') }],
        outcome: 'success',
        message: `changed governance settings: ${Object.keys(parsed.data).join(', ')}`,
        details: { changed: Object.keys(parsed.data), settings: next },
        ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
      });
    });
    this.cachedSettings = undefined;
    return next;
  }

  private async settingsFresh(): Promise<GovernanceSettings> {
    this.cachedSettings = undefined;
    return this.settings();
  }

  // ------------------------------------------------------------------------------------------
  // The pipeline

  /** Sample records → DLP findings reduced to (field, tag); errors name samples that bind nothing. */
  private async scanSamples(manifest: Manifest, samples: Samples | undefined): Promise<{ findings: SampleFinding[]; errors: FieldError[] }> {
    if (!samples || samples.length === 0) return { findings: [], errors: [] };
    const dlp = await dlpEngine();
    const findings: SampleFinding[] = [];
    const errors: FieldError[] = [];
    samples.forEach((group, gi) => {
      const bound = manifest.spec.connectors?.find((c) => c.name === group.connector)?.resources.find((r) => r.name === group.resource);
      if (!bound) {
        errors.push({ path: `samples[${gi}]`, message: `the manifest does not bind ${group.connector}.${group.resource}` });
        return;
      }
      const fields = new Set(bound.fields);
      group.records.forEach((record, ri) => {
        for (const key of Object.keys(record)) if (!fields.has(key)) errors.push({ path: `samples[${gi}].records[${ri}].${key}`, message: `is not a field the manifest binds on ${group.connector}.${group.resource}` });
        for (const f of dlp.scan(record, {})) {
          const field = /^\$\.([A-Za-z_][A-Za-z0-9_.-]*)|^\$\["(.+)"\]/.exec(f.path ?? '');
          const name = field?.[1] ?? field?.[2];
          if (!name) continue;
          findings.push({ connector: group.connector, resource: group.resource, field: name, tag: f.tag ?? (f.kind === 'secret' ? 'secret' : `pii.${f.entity.toLowerCase()}`), entity: f.entity });
        }
      });
    });
    return { findings, errors };
  }

  /**
   * Validate → secret scan → classify → score → admission policy, writing nothing. Refusals
   * (a credential, an unknown field) throw with located errors; a policy deny is an outcome.
   */
  private async assess(kind: AdmissionKind, asker: Asker, submission: { manifest: Manifest; text?: string; locate: (p: readonly PropertyKey[]) => { line?: number; column?: number }; samples?: Samples }, state: DecisionState | undefined, draft: boolean): Promise<Assessed> {
    const { manifest, locate } = submission;
    const credentials = await findCredentials(manifest, submission.text, locate);
    if (credentials.length > 0) {
      throw secretErrors.error('manifest_has_credential', `the manifest carries ${credentials.length === 1 ? 'a credential' : `${credentials.length} credentials`}; nothing was stored`, { errors: credentials });
    }
    const settings = await this.settings();
    const tagTiers: TagTierTable = settings.tag_tiers;
    const catalogs = await this.connectors.catalogs((manifest.spec.connectors ?? []).map((c) => c.name));
    const bound = bindFields(manifest, catalogs, tagTiers, locate);
    const samples = await this.scanSamples(manifest, submission.samples);
    const errors = [...bound.errors, ...samples.errors];
    if (errors.length > 0) {
      throw governanceErrors.error('manifest_unbound_field', `the manifest binds ${errors.length === 1 ? 'something' : `${errors.length} things`} its connectors do not list; nothing was stored`, { errors });
    }
    const { classification, openFindings } = classify(manifest, bound.fields, samples.findings, tagTiers);
    const override = await store.findRiskOverride(this.database.db, manifest.metadata.name);
    const ownerStatus = this.ownerStatusOf(canonicalOwner(manifest.spec.owner));
    const risk = scoreApp(manifest, classification.effective, bound.fields, openFindings.length, settings.risk, override, ownerStatus);
    const widening = state?.approvedManifest && inForce({ status: state.status, approvedVersion: state.approvedVersion, approvedAssessment: state.approvedAssessment }) ? wideningReasons(state.approvedManifest, manifest) : [];
    const now = new Date().toISOString();
    const inputs = admissionInputs({
      kind,
      manifest,
      version: kind === 'submit' ? state!.currentVersion : (state?.currentVersion ?? 0) + 1,
      status: state?.status ?? 'draft',
      approvedAt: state?.approvedAt ?? null,
      owner: canonicalOwner(manifest.spec.owner),
      ownerStatus,
      classification,
      risk,
      fields: bound.fields,
      catalogs,
      widening,
      openFindings: openFindings.length,
      // The person's directory attributes first: the credential's own facts are not theirs to override.
      subject: { ...asker.principal.attributes, id: asker.caller.actor.id, name: asker.caller.actor.name ?? null, role: asker.principal.role, subject: asker.principal.subject, ref: asker.principal.subject },
      now,
    });
    await this.policy.ready();
    const active = this.policy.active();
    const documents = documentsFor(inputs, active?.readsConnector ?? true);
    const decision = this.policy.decideAll('admission', documents);
    const outcome = decideOutcome({
      deny: decision.deny,
      warn: decision.warn,
      riskTier: risk.tier,
      prior: state ? { status: state.status, approvedVersion: state.approvedVersion, approvedAssessment: state.approvedAssessment } : null,
      widening,
      draft,
    });
    const assessment: Assessment = {
      classification,
      risk,
      decision: { result: decision.result, outcome: outcome.outcome, deny: decision.deny, warn: decision.warn, reasons: outcome.reasons, bundle: decision.bundle, at: now },
    };
    return { manifest, assessment, outcome, decision, inputs: documents };
  }

  /** The manifest of a body: text (located errors) or a parsed object. */
  private parse(input: ManifestInput): { manifest: Manifest; text?: string; locate: (p: readonly PropertyKey[]) => { line?: number; column?: number } } {
    const { manifest, locate } = this.catalog.parse(input);
    return { manifest, locate, ...('text' in input ? { text: input.text } : {}) };
  }

  /** Only an app's owner, the token that registered it, or an admin may change it. */
  private assertMayChange(asker: Asker, state: DecisionState): void {
    const p = asker.principal;
    if (p.role === 'admin' || asker.caller.actor.id === state.createdBy || (p.subject !== null && p.subject === state.owner)) return;
    throw governanceErrors.error('not_owner', `only the owner of ${state.name} (${state.owner}), the token that registered it, or an admin may change it`, { extra: { app: state.name, owner: state.owner } });
  }

  /** The audit event of the decision itself, and what the webhooks announce, in the change's transaction. */
  private async recordDecision(tx: Tx, asker: Asker, a: Assessed, app: string): Promise<void> {
    const event = this.policy.decisionEvent(a.decision, a.inputs, asker.caller.actor, [{ type: 'app', id: app, name: app }]);
    await this.audit.append(tx, { ...event, details: { ...(event.details ?? {}), outcome: a.outcome.outcome, reasons: a.outcome.reasons }, ...(asker.caller.srcIp ? { srcIp: asker.caller.srcIp } : {}) });
  }

  private outcomeOf(a: Assessed): { status: AppStatus; assessment: Assessment; approve: boolean; reason: string; details: Record<string, unknown> } {
    return {
      status: a.outcome.status,
      assessment: a.assessment,
      approve: a.outcome.approve,
      reason: `${a.outcome.outcome}: ${a.outcome.reasons.join('; ')}`,
      details: { decision: a.outcome.outcome, classification: a.assessment.classification.effective, risk: { tier: a.assessment.risk.tier, score: a.assessment.risk.score }, bundle: a.decision.bundle.version },
    };
  }

  /** Register an app: decided at once (approved, queued or rejected), or kept as a draft. */
  async register(asker: Asker, submission: Submission, opts: { draft?: boolean } = {}): Promise<AppDetail> {
    const parsed = this.parse(submission.manifest);
    const a = await this.assess('register', asker, { ...parsed, ...(submission.samples ? { samples: submission.samples } : {}) }, undefined, opts.draft ?? false);
    const name = a.manifest.metadata.name;
    return this.database.db.transaction().execute(async (tx) => {
      const app = await this.catalog.insertAssessed(tx, asker.caller, a.manifest, this.outcomeOf(a));
      await this.recordDecision(tx, asker, a, name);
      if (a.outcome.status === 'pending_review') await this.reviews.open(tx, asker, 'register', name, 1, reviewFacts(a));
      return app;
    });
  }

  /**
   * Store a new version. Only owners (and admins) may; the name cannot change; a retired or
   * suspended app cannot change; an identical manifest changes nothing.
   */
  async update(asker: Asker, name: string, submission: Submission): Promise<AppDetail> {
    // A decision is made against the version it saw (optimistic concurrency): when another
    // update lands first, decide again against the new state rather than fail the caller.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.updateOnce(asker, name, submission);
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'conflict' && err.extra?.['retry'] === true) || attempt >= 8) throw err;
      }
    }
  }

  private async updateOnce(asker: Asker, name: string, submission: Submission): Promise<AppDetail> {
    const parsed = this.parse(submission.manifest);
    if (parsed.manifest.metadata.name !== name) {
      throw new AppError('validation_failed', `the manifest names ${parsed.manifest.metadata.name}, not ${name}; apps cannot be renamed`, {
        errors: [{ path: 'metadata.name', message: `must be "${name}", the app being updated (apps cannot be renamed)`, ...parsed.locate(['metadata', 'name']) }],
      });
    }
    const state = await this.catalog.decisionState(name);
    if (!state) throw new AppError('not_found', `app ${name} not found`);
    this.assertMayChange(asker, state);
    if (state.status === 'retired') throw new AppError('conflict', `app ${name} is retired; a retired app cannot change`, { extra: { name, status: state.status } });
    if (state.status === 'suspended') throw new AppError('conflict', `app ${name} is suspended; a reviewer reinstates it (or retires it) before it can change`, { extra: { name, status: state.status } });
    if (state.currentDigest === manifestDigest(parsed.manifest) && !submission.samples) return this.catalog.get(name);
    const draft = state.status === 'draft';
    const a = await this.assess('update', asker, { ...parsed, ...(submission.samples ? { samples: submission.samples } : {}) }, state, draft);
    return this.database.db.transaction().execute(async (tx) => {
      await this.reviews.closeOpen(tx, asker, name, 'superseded');
      const app = await this.catalog.appendAssessed(tx, asker.caller, a.manifest, state.currentVersion, this.outcomeOf(a));
      await this.recordDecision(tx, asker, a, name);
      if (a.outcome.status === 'pending_review') await this.reviews.open(tx, asker, 'update', name, state.currentVersion + 1, reviewFacts(a));
      return app;
    });
  }

  /** Submit a draft for a decision: its current version is assessed and decided. */
  async submit(asker: Asker, name: string): Promise<TransitionResult> {
    const state = await this.catalog.decisionState(name);
    if (!state) throw new AppError('not_found', `app ${name} not found`);
    this.assertMayChange(asker, state);
    if (state.status !== 'draft') {
      const check = checkTransition(state.status, 'pending_review');
      throw new AppError('conflict', check.ok ? `app ${name} is ${state.status}; only a draft is submitted` : check.message, { extra: { from: state.status, to: 'pending_review' } });
    }
    const a = await this.assess('submit', asker, { manifest: state.currentManifest, locate: () => ({}) }, state, false);
    return this.database.db.transaction().execute(async (tx) => {
      const result = await this.catalog.decideInTx(tx, asker.caller, name, {
        from: 'draft',
        to: a.outcome.status,
        reason: `submitted; ${a.outcome.outcome}: ${a.outcome.reasons.join('; ')}`,
        version: state.currentVersion,
        approveVersion: a.outcome.approve,
        assessment: a.assessment,
        details: { decision: a.outcome.outcome },
      });
      await this.recordDecision(tx, asker, a, name);
      if (a.outcome.status === 'pending_review') await this.reviews.open(tx, asker, 'submit', name, state.currentVersion, reviewFacts(a));
      return result;
    });
  }

  /** Withdraw a version under review: back to draft, or, for an update, back to the version in force. */
  async withdraw(asker: Asker, name: string, reason?: string): Promise<TransitionResult> {
    const state = await this.catalog.decisionState(name);
    if (!state) throw new AppError('not_found', `app ${name} not found`);
    this.assertMayChange(asker, state);
    if (state.status !== 'pending_review') throw new AppError('conflict', `app ${name} is ${state.status}; only an app under review can be withdrawn`, { extra: { from: state.status, to: 'draft' } });
    const to: AppStatus = state.approvedVersion !== null ? 'approved' : 'draft';
    return this.database.db.transaction().execute(async (tx) => {
      await this.reviews.closeOpen(tx, asker, name, 'withdrawn');
      return this.catalog.decideInTx(tx, asker.caller, name, { from: 'pending_review', to, reason: reason ?? 'withdrawn from review', version: state.currentVersion });
    });
  }

  /**
   * In the caller's transaction (identity's departed-owner cascade): withdraw the version under
   * review of an app whose approved version is in force, closing its review, so the app is
   * `approved` again and can be suspended in the same transaction. The version in force stays.
   */
  async withdrawInTx(tx: Tx, by: { caller: Caller; subject: string | null }, name: string, version: number, reason: string): Promise<void> {
    await this.reviews.closeOpen(tx, { caller: by.caller, principal: { subject: by.subject } }, name, 'withdrawn', reason);
    await this.catalog.decideInTx(tx, by.caller, name, { from: 'pending_review', to: 'approved', reason, version });
  }

  /**
   * The kill switch on an app whose update waits for review: the version in force is what runs,
   * so it must stop now, not after someone decides on the update. In one transaction the update
   * is withdrawn (its review closed, naming why) and the app suspended, as the departed-owner
   * cascade does; the status listeners then void its client and end its leases.
   */
  async suspendInForce(asker: Asker, name: string, reason?: string): Promise<TransitionResult> {
    const state = await this.catalog.decisionState(name);
    if (!state) throw new AppError('not_found', `app ${name} not found`);
    if (state.status !== 'pending_review' || state.approvedVersion === null) {
      throw new AppError('conflict', `app ${name} is ${state.status}${state.approvedVersion === null ? ' with no version in force' : ''}; only an app in force can be suspended`, { extra: { from: state.status, to: 'suspended' } });
    }
    const why = reason ?? 'suspended';
    await this.database.db.transaction().execute(async (tx) => {
      await this.withdrawInTx(tx, { caller: asker.caller, subject: asker.principal.subject ?? null }, name, state.currentVersion, `withdrawn so that the version in force could be suspended: ${why}`);
      if (!(await this.catalog.suspendInTx(tx, asker.caller, name, why))) throw new AppError('conflict', `app ${name} changed status while this request ran; retry`);
    });
    return { name, from: 'pending_review', to: 'suspended', by: { id: asker.caller.actor.id, name: asker.caller.actor.name ?? null }, app: await this.catalog.summary(name) };
  }

  // ------------------------------------------------------------------------------------------
  // Risk overrides

  /** An admin sets an app's risk tier, with a reason; the current version is re-assessed with it. */
  async overrideRisk(asker: Asker, name: string, body: { tier: RiskResult['tier']; reason: string } | null): Promise<AppDetail> {
    const state = await this.catalog.decisionState(name);
    if (!state) throw new AppError('not_found', `app ${name} not found`);
    if (!state.currentAssessment) throw new AppError('conflict', `app ${name} has not been assessed yet; submit it first`);
    const at = new Date().toISOString();
    const override = body ? { tier: body.tier, reason: body.reason, by: { id: asker.caller.actor.id, name: asker.caller.actor.name ?? null }, at } : null;
    const risk: RiskResult = { ...state.currentAssessment.risk, override, tier: override?.tier ?? state.currentAssessment.risk.computed_tier };
    await this.database.db.transaction().execute(async (tx) => {
      if (body) await store.putRiskOverride(tx, { app_name: name, tier: body.tier, reason: body.reason, by_id: asker.caller.actor.id, by_name: asker.caller.actor.name ?? null, at });
      else if (!(await store.deleteRiskOverride(tx, name))) throw new AppError('not_found', `app ${name} has no risk override`);
      await this.catalog.reassessInTx(tx, name, state.currentVersion, { ...state.currentAssessment!, risk });
      await this.audit.append(tx, {
        class: 'application_lifecycle',
        activity: 'update',
        action: body ? 'app.risk_override' : 'app.risk_override_clear',
        actor: asker.caller.actor,
        resources: [{ type: 'app', id: name, name }],
        outcome: 'success',
        message: body ? `risk tier of ${name} set to ${body.tier} (computed ${risk.computed_tier}): ${body.reason}` : `risk override of ${name} removed (tier ${risk.tier} as computed)`,
        details: { computed_tier: risk.computed_tier, tier: risk.tier, score: risk.score, ...(body ? { reason: body.reason } : {}) },
        ...(asker.caller.srcIp ? { srcIp: asker.caller.srcIp } : {}),
      });
    });
    return this.catalog.get(name);
  }

  // ------------------------------------------------------------------------------------------
  // Inputs for the playground and impact analysis

  /** The admission documents of an app's current version, rebuilt from what is stored (the playground's `app`). */
  async admissionInputsOf(name: string): Promise<Record<string, unknown>[]> {
    const state = await this.catalog.decisionState(name);
    if (!state) throw new AppError('not_found', `app ${name} not found`);
    const ctx = { catalogs: await this.connectors.allCatalogs(), settings: await this.settings(), now: new Date().toISOString() };
    return storedAppInputs({ name, manifest: state.currentManifest, status: state.status, version: state.currentVersion, approvedAt: state.approvedAt, assessment: state.currentAssessment, approvedManifest: state.approvedManifest }, ctx, this.ownerStatusOf(canonicalOwner(state.currentManifest.spec.owner)));
  }

  /** Impact analysis of a candidate bundle (a stored version or a draft) over every app. */
  async impact(body: ImpactBody): Promise<ImpactResult> {
    await this.policy.ready();
    const candidate = await this.policy.compile(typeof body.bundle === 'number' ? { version: body.bundle } : { modules: body.bundle.modules, ...(body.bundle.data ? { data: body.bundle.data } : {}), ...(body.bundle.regoVersion ? { regoVersion: body.bundle.regoVersion } : {}) });
    const ctx = { catalogs: await this.connectors.allCatalogs(), settings: await this.settings(), now: new Date().toISOString() };
    return analyseImpact({ catalog: this.catalog, policy: this.policy, ctx }, candidate, { ...(body.limit !== undefined ? { limit: body.limit } : {}) });
  }
}
