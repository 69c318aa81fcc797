/**
 * The installation's custom detectors: admins add a detector (an RE2 pattern or a term list,
 * see dlp/custom.ts) with positive and negative samples, and it runs in scans only once it is
 * active — which it becomes only while every positive sample matches and no negative does.
 * Every change is versioned (updates name the version they change, so no edit silently
 * overwrites another) and audited in the same transaction.
 *
 * Scans must not touch the database, so the active set is held compiled in memory: rebuilt
 * after each local change, and re-read every few seconds so that every server sharing a
 * PostgreSQL database converges on the same set.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { AuditLog, Actor, Activity } from '../../audit/index.ts';
import { AppError, type FieldError } from '../../errors.ts';
import type { CustomDetectorDefinition, CustomDetectorTestReport, PatternDetector } from '@trellis/dlp';
import type { DlpDetectorRow } from './rows.ts';
import * as store from './store.ts';
import { dlpErrors } from '../errors.ts';
import { dlpEngine, type DlpEngine } from '../engine.ts';

export const detectorStatuses = ['draft', 'active', 'disabled'] as const;
export type DetectorStatus = (typeof detectorStatuses)[number];

/** Each active detector is one more pattern on every scan; past this, scans slow for everyone. */
export const MAX_DETECTORS = 200;
const REFRESH_MS = 5000;

export interface DetectorSamples {
  positive: string[];
  negative: string[];
}

export interface DetectorInfo {
  id: string;
  /** The finding's `detector` field when this detector fires. */
  detector: string;
  status: DetectorStatus;
  version: number;
  definition: CustomDetectorDefinition;
  /** SHA-256 of the canonical definition: what the audit trail records. */
  definition_sha256: string;
  sample_counts: { positive: number; negative: number };
  last_test: CustomDetectorTestReport;
  /** Who made it and who changed it last: the actor's id and, when known, display name. */
  created_by: ActorRef;
  created_at: string;
  updated_by: ActorRef;
  updated_at: string;
}

export interface ActorRef {
  id: string;
  name: string | null;
}

export interface DetectorInput {
  detector: unknown;
  positive?: string[];
  negative?: string[];
}

function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function info(row: DlpDetectorRow): DetectorInfo {
  const samples = parseJson<DetectorSamples>(row.samples);
  return {
    id: row.id,
    detector: `custom:${row.id}`,
    status: row.status as DetectorStatus,
    version: row.version,
    definition: parseJson<CustomDetectorDefinition>(row.definition),
    definition_sha256: sha256(row.definition),
    sample_counts: { positive: samples.positive.length, negative: samples.negative.length },
    last_test: parseJson<CustomDetectorTestReport>(row.last_test),
    created_by: { id: row.created_by, name: row.created_by_name },
    created_at: row.created_at,
    updated_by: { id: row.updated_by, name: row.updated_by_name },
    updated_at: row.updated_at,
  };
}

/** DlpErrors from compiling a definition, as a 400 naming the fields under `detector`. */
function definitionError(dlp: DlpEngine, err: unknown): never {
  if (err instanceof dlp.DlpInvalidDetectorError) {
    const errors: FieldError[] = err.issues.map((issue) => {
      const colon = issue.indexOf(': ');
      const field = issue.slice(0, colon);
      return { path: field === '(detector)' ? 'detector' : `detector.${field}`, message: issue.slice(colon + 2) };
    });
    throw new AppError('validation_failed', 'the detector definition is not valid', { errors });
  }
  if (err instanceof dlp.DlpError) {
    const path = err.code === 'DLP_INVALID_PATTERN' ? 'detector.pattern' : err.code === 'DLP_UNKNOWN_VALIDATOR' ? 'detector.validator' : 'detector';
    throw new AppError('validation_failed', err.message, { errors: [{ path, message: err.message }] });
  }
  throw err;
}

/** Validates, compiles and tests a definition on its samples; returns the canonical JSON too. */
async function checked(input: DetectorInput): Promise<{ definition: string; samples: DetectorSamples; report: CustomDetectorTestReport; id: string }> {
  const dlp = await dlpEngine();
  const parsed = dlp.customDetectorSchema.safeParse(input.detector);
  if (!parsed.success) definitionError(dlp, new dlp.DlpInvalidDetectorError(parsed.error.issues.map((i) => `${i.path.join('.') || '(detector)'}: ${i.message}`)));
  const samples: DetectorSamples = { positive: input.positive ?? [], negative: input.negative ?? [] };
  let report: CustomDetectorTestReport;
  try {
    report = dlp.testCustomDetector(parsed.data, samples);
  } catch (err) {
    definitionError(dlp, err);
  }
  return { definition: JSON.stringify(parsed.data), samples, report, id: parsed.data.id };
}

/** Why a detector may not be active: no positive sample, or samples it gets wrong. */
function activationProblems(report: CustomDetectorTestReport): FieldError[] {
  const problems: FieldError[] = [];
  if (report.positives.length === 0) problems.push({ path: 'positive', message: 'at least one positive sample is needed before activation' });
  for (const i of report.missed) problems.push({ path: `positive[${i}]`, message: 'the detector does not match this positive sample' });
  for (const i of report.falseMatches) problems.push({ path: `negative[${i}]`, message: 'the detector matches this negative sample' });
  return problems;
}

function testSummary(report: CustomDetectorTestReport): Record<string, unknown> {
  return { ok: report.ok, positives: report.positives.length, negatives: report.negatives.length, missed: report.missed, false_matches: report.falseMatches };
}

export class DetectorRegistry {
  private active: PatternDetector[] = [];
  private signature = '';
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** Active rows that no longer compile (edited outside Trellis); kept out of scans. */
  loadErrors: { id: string; message: string }[] = [];

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
  ) {}

  /** The compiled active detectors; the same array until the set changes (scan caches on it),
   *  so callers must not modify it. */
  activeDetectors(): PatternDetector[] {
    return this.active;
  }

  async list(): Promise<DetectorInfo[]> {
    return (await store.listDetectors(this.database.db)).map(info);
  }

  async get(id: string): Promise<DetectorInfo> {
    return info(await this.row(id));
  }

  /** The samples, for admins editing a detector (they may hold realistic sensitive examples). */
  async samples(id: string): Promise<DetectorSamples> {
    return parseJson<DetectorSamples>((await this.row(id)).samples);
  }

  async create(actor: Actor, input: DetectorInput): Promise<DetectorInfo> {
    const c = await checked(input);
    const now = new Date().toISOString();
    const row: DlpDetectorRow = {
      id: c.id,
      definition: c.definition,
      samples: JSON.stringify(c.samples),
      status: 'draft',
      version: 1,
      last_test: JSON.stringify(c.report),
      created_by: actor.id,
      created_by_name: actor.name ?? null,
      created_at: now,
      updated_by: actor.id,
      updated_by_name: actor.name ?? null,
      updated_at: now,
    };
    await this.database.db.transaction().execute(async (tx) => {
      if (await store.findDetector(tx, c.id)) throw new AppError('conflict', `detector ${c.id} already exists`, { errors: [{ path: 'detector.id', message: 'already taken' }] });
      if ((await store.countDetectors(tx)) >= MAX_DETECTORS) throw new AppError('conflict', `at most ${MAX_DETECTORS} custom detectors; delete unused ones first`);
      await store.insertDetector(tx, row);
      await this.record(tx, actor, 'create', 'dlp.detector.create', row, { test: testSummary(c.report) });
    });
    return info(row);
  }

  /**
   * Replaces a detector's definition and samples at `version`. An active detector stays active
   * only if the new definition passes its samples, so nothing untested ever runs.
   */
  async update(actor: Actor, id: string, version: number, input: DetectorInput): Promise<DetectorInfo> {
    const definitionId = (input.detector as { id?: unknown } | null)?.id;
    const c = await checked({ ...input, detector: { ...(input.detector as object), id: definitionId ?? id } });
    if (c.id !== id) throw new AppError('validation_failed', 'a detector id cannot change', { errors: [{ path: 'detector.id', message: `must be ${id}` }] });
    const updated = await this.database.db.transaction().execute(async (tx) => {
      const current = await this.row(id, tx);
      this.expectVersion(current, version);
      if (current.status === 'active') this.expectPasses(c.report);
      const changes = { definition: c.definition, samples: JSON.stringify(c.samples), last_test: JSON.stringify(c.report), updated_by: actor.id, updated_by_name: actor.name ?? null, updated_at: new Date().toISOString() };
      if (!(await store.updateDetector(tx, id, version, changes))) this.versionConflict(id, version);
      const row = { ...current, ...changes, version: version + 1 };
      await this.record(tx, actor, 'update', 'dlp.detector.update', row, { test: testSummary(c.report) });
      return row;
    });
    await this.refresh();
    return info(updated);
  }

  /** Re-tests the stored definition on its samples and activates it when it passes. */
  async activate(actor: Actor, id: string, version?: number): Promise<DetectorInfo> {
    return this.setStatus(actor, id, version, 'active');
  }

  async deactivate(actor: Actor, id: string, version?: number): Promise<DetectorInfo> {
    return this.setStatus(actor, id, version, 'disabled');
  }

  async remove(actor: Actor, id: string, version?: number): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      const current = await this.row(id, tx);
      if (version !== undefined) this.expectVersion(current, version);
      if (!(await store.deleteDetector(tx, id, current.version))) this.versionConflict(id, current.version);
      await this.record(tx, actor, 'delete', 'dlp.detector.delete', current, {});
    });
    await this.refresh();
  }

  /** Re-reads the active set and recompiles it when it changed (another server's edit). */
  refresh(): Promise<void> {
    // One read at a time, in order: a caller arriving mid-read waits for it, then reads anew.
    const next = (this.refreshing ?? Promise.resolve()).then(() => this.load(), () => this.load());
    this.refreshing = next;
    return next;
  }

  private async load(): Promise<void> {
    const rows = await store.listActiveDetectors(this.database.db);
    const signature = rows.map((r) => `${r.id}@${r.version}`).join(',');
    if (signature === this.signature) return;
    // The engine loads only when there is something to compile: a server with no active
    // detector starts without it.
    const compileCustomDetector = rows.length > 0 ? (await dlpEngine()).compileCustomDetector : undefined;
    const compiled: PatternDetector[] = [];
    const errors: { id: string; message: string }[] = [];
    for (const r of rows) {
      try {
        compiled.push(compileCustomDetector!(parseJson<CustomDetectorDefinition>(r.definition)));
      } catch (err) {
        errors.push({ id: r.id, message: err instanceof Error ? err.message : String(err) });
      }
    }
    this.active = compiled;
    this.loadErrors = errors;
    this.signature = signature;
  }

  /** Starts the periodic re-read (servers only; tests call `refresh`). */
  startPolling(intervalMs = REFRESH_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // a failed poll (database briefly away) keeps the last good set; the next poll retries
      this.refresh().catch(() => undefined);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async setStatus(actor: Actor, id: string, version: number | undefined, status: DetectorStatus): Promise<DetectorInfo> {
    const updated = await this.database.db.transaction().execute(async (tx) => {
      const current = await this.row(id, tx);
      if (version !== undefined) this.expectVersion(current, version);
      if (current.status === status) throw new AppError('conflict', `detector ${id} is already ${status}`);
      const changes: Partial<DlpDetectorRow> = { status, updated_by: actor.id, updated_by_name: actor.name ?? null, updated_at: new Date().toISOString() };
      let details: Record<string, unknown> = { from: current.status, to: status };
      if (status === 'active') {
        // Test again now: a stored report could predate a change to the engine or validators.
        const report = (await dlpEngine()).testCustomDetector(parseJson<CustomDetectorDefinition>(current.definition), parseJson<DetectorSamples>(current.samples));
        changes.last_test = JSON.stringify(report);
        details = { ...details, test: testSummary(report) };
        this.expectPasses(report);
      }
      if (!(await store.updateDetector(tx, id, current.version, changes))) this.versionConflict(id, current.version);
      const row = { ...current, ...changes, version: current.version + 1 };
      await this.record(tx, actor, status === 'active' ? 'other' : 'update', status === 'active' ? 'dlp.detector.activate' : 'dlp.detector.deactivate', row, details);
      return row;
    });
    await this.refresh();
    return info(updated);
  }

  private async row(id: string, q = this.database.db): Promise<DlpDetectorRow> {
    const row = await store.findDetector(q, id);
    if (!row) throw new AppError('not_found', `detector ${id} not found`);
    return row;
  }

  private expectVersion(row: DlpDetectorRow, version: number): void {
    if (row.version !== version) this.versionConflict(row.id, version, row.version);
  }

  private versionConflict(id: string, version: number, current?: number): never {
    throw new AppError('conflict', `detector ${id} changed since version ${version}${current !== undefined ? ` (now ${current})` : ''}; fetch it again and retry`, { errors: [{ path: 'version', message: 'stale version' }] });
  }

  private expectPasses(report: CustomDetectorTestReport): void {
    const problems = activationProblems(report);
    if (problems.length > 0) throw dlpErrors.error('detector_test_failed', 'the detector does not pass its samples', { errors: problems, extra: { test: report } });
  }


  private record(tx: Parameters<AuditLog['append']>[0], actor: Actor, activity: Activity, action: string, row: DlpDetectorRow, details: Record<string, unknown>): Promise<unknown> {
    const def = parseJson<{ entity?: string }>(row.definition);
    return this.audit.append(tx, {
      class: 'api_activity',
      activity,
      action,
      actor,
      resources: [{ type: 'dlp_detector', id: row.id }],
      outcome: 'success',
      // The definition's hash, not its samples: samples may be realistic sensitive values.
      details: { entity: def.entity, status: row.status, version: row.version, definition_sha256: sha256(row.definition), ...details },
    });
  }
}
