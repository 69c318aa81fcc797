/**
 * The review queue (C5): a review opens when a decision needs a person and closes when one
 * decides, a newer version supersedes it or its submitter withdraws it. Deciding enforces
 * separation of duties on the server — nobody decides on an app they own or submitted — asks
 * for the checklist to approve and a comment to reject or request changes, moves the app in
 * the same transaction, audits the step with the time from submission to decision, and
 * announces it to the webhooks.
 */
import { randomBytes } from 'node:crypto';
import type { Database, Tx } from '../db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { AppDetail, AppStatus, Caller, CatalogService, RiskResult } from '../catalog/index.ts';
import type { WebhookService } from '../webhooks/index.ts';
import { AppError } from '../errors.ts';
import type { AdmissionKind } from './admission-input.ts';
import { governanceErrors } from './errors.ts';
import type { GovernanceReviewRow } from './rows.ts';
import { checklistItems, type DecideBody, type Review, type ReviewListQuery } from './schema.ts';
import * as store from './store.ts';

/** Who is asking: the audit actor and, for ownership and separation of duties, the principal. */
export interface Asker {
  caller: Caller;
  principal: Principal;
}

export type Verdict = 'approve' | 'reject' | 'request-changes';

/** What a review records of the version it is about. */
export interface ReviewFacts {
  owner: string;
  reasons: readonly string[];
  warn: readonly string[];
  risk: Pick<RiskResult, 'tier' | 'score'>;
  classification: string | null;
}

function reviewId(): string {
  return `rev_${randomBytes(8).toString('hex')}`;
}

function parseJsonList(text: string): string[] {
  return JSON.parse(text) as string[];
}

export function toReview(r: store.ReviewRow): Review {
  return {
    id: r.id,
    app: r.app_name,
    version: r.version,
    kind: r.kind as Review['kind'],
    status: r.status as Review['status'],
    owner: r.owner,
    classification: r.classification as Review['classification'],
    risk: { tier: r.risk_tier as Review['risk']['tier'], score: r.risk_score },
    reasons: parseJsonList(r.reasons),
    warnings: parseJsonList(r.warnings),
    submitted_at: r.submitted_at,
    submitted_by: { id: r.submitted_by, name: r.submitted_by_name, subject: r.submitted_by_subject },
    decided_at: r.decided_at,
    decided_by: r.decided_by ? { id: r.decided_by, name: r.decided_by_name, subject: r.decided_by_subject } : null,
    comment: r.comment,
    checklist: r.checklist ? (JSON.parse(r.checklist) as Record<string, boolean>) : null,
    decision_ms: r.decision_ms,
  };
}

export class ReviewQueue {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly catalog: CatalogService,
    private readonly webhooks: WebhookService,
  ) {}

  /** Close the app's open review (superseded by a newer version, or withdrawn); `comment` says why when it was not the submitter. */
  async closeOpen(tx: Tx, asker: { caller: Caller; principal: Pick<Principal, 'subject'> }, app: string, status: 'superseded' | 'withdrawn', comment?: string): Promise<void> {
    const open = await store.openReviewOf(tx, app);
    if (!open) return;
    const now = new Date();
    await store.closeReview(tx, open.id, {
      status,
      decided_at: now.toISOString(),
      decided_by: asker.caller.actor.id,
      decided_by_name: asker.caller.actor.name ?? null,
      decided_by_subject: asker.principal.subject,
      comment: comment ?? (status === 'superseded' ? 'a newer version was submitted' : 'withdrawn by its submitter'),
      checklist: null,
      decision_ms: now.getTime() - Date.parse(open.submitted_at),
    });
    await this.audit.append(tx, {
      class: 'application_lifecycle',
      activity: 'update',
      action: `review.${status}`,
      actor: asker.caller.actor,
      resources: [{ type: 'app', id: app, name: app }, { type: 'review', id: open.id }],
      outcome: 'success',
      message: `review ${open.id} of ${app} version ${open.version} ${status}`,
      details: { review: open.id, version: open.version },
      ...(asker.caller.srcIp ? { srcIp: asker.caller.srcIp } : {}),
    });
    await this.webhooks.enqueue(tx, { type: `review.${status}`, subject: app, data: { review: open.id, app, version: open.version } });
  }

  /** Open a review of a version that needs a person, announced to the webhooks. */
  async open(tx: Tx, asker: Asker, kind: AdmissionKind, app: string, version: number, a: ReviewFacts): Promise<string> {
    const id = reviewId();
    const row: GovernanceReviewRow = {
      id,
      app_name: app,
      version,
      kind,
      status: 'open',
      owner: a.owner,
      submitted_at: new Date().toISOString(),
      submitted_by: asker.caller.actor.id,
      submitted_by_name: asker.caller.actor.name ?? null,
      submitted_by_subject: asker.principal.subject,
      reasons: JSON.stringify(a.reasons),
      warnings: JSON.stringify(a.warn),
      risk_tier: a.risk.tier,
      risk_score: a.risk.score,
      classification: a.classification,
      decided_at: null,
      decided_by: null,
      decided_by_name: null,
      decided_by_subject: null,
      comment: null,
      checklist: null,
      decision_ms: null,
    };
    await store.insertReview(tx, row);
    await this.audit.append(tx, {
      class: 'application_lifecycle',
      activity: 'create',
      action: 'review.open',
      actor: asker.caller.actor,
      resources: [{ type: 'app', id: app, name: app }, { type: 'review', id }],
      outcome: 'success',
      message: `review ${id} opened for ${app} version ${version}: ${a.reasons.join('; ')}`,
      details: { review: id, version, kind, reasons: a.reasons, risk: { tier: row.risk_tier, score: row.risk_score }, classification: row.classification },
      ...(asker.caller.srcIp ? { srcIp: asker.caller.srcIp } : {}),
    });
    await this.webhooks.enqueue(tx, { type: 'review.opened', subject: app, data: { review: id, app, version, kind, owner: row.owner, risk: { tier: row.risk_tier, score: row.risk_score }, classification: row.classification, reasons: a.reasons } });
    return id;
  }


  async list(query: ReviewListQuery): Promise<{ items: Review[]; next_cursor: string | null }> {
    const limit = query.limit ?? 50;
    let after: { at: string; id: string } | undefined;
    if (query.cursor !== undefined) {
      try {
        const c = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
        if (typeof c.at !== 'string' || typeof c.id !== 'string') throw new Error('bad cursor');
        after = { at: c.at, id: c.id };
      } catch {
        throw new AppError('validation_failed', 'the cursor is not valid; pass back the next_cursor of a previous page unchanged', { errors: [{ path: 'cursor', message: 'is not a cursor this server issued' }] });
      }
    }
    const rows = await store.listReviews(this.database.db, { ...(query.status ? { status: query.status } : {}), ...(query.app ? { app: query.app } : {}), ...(after ? { after } : {}), limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next = rows.length > limit && last ? Buffer.from(JSON.stringify({ at: last.submitted_at, id: last.id }), 'utf8').toString('base64url') : null;
    return { items: page.map(toReview), next_cursor: next };
  }

  async get(id: string): Promise<{ review: Review; app: AppDetail; checklist: { item: string; description: string }[]; widening: string[] }> {
    const row = await store.findReview(this.database.db, id);
    if (!row) throw new AppError('not_found', `review ${id} not found`);
    const app = await this.catalog.get(row.app_name);
    const { checklistDescriptions } = await import('./schema.ts');
    return {
      review: toReview(row),
      app,
      checklist: checklistItems.map((item) => ({ item, description: checklistDescriptions[item] })),
      widening: row.kind === 'update' ? parseJsonList(row.reasons).filter((r) => !r.startsWith('new warning') && !r.startsWith('risk ')) : [],
    };
  }

  /** The open review of an app (the CLI decides by app name). */
  async openOf(app: string): Promise<Review | undefined> {
    const row = await store.openReviewOf(this.database.db, app);
    return row ? toReview(row) : undefined;
  }

  /**
   * A reviewer's verdict. Nobody decides on an app they own or submitted: the owner is compared
   * with the person behind the token, the submitter with the token and its person.
   */
  async decide(asker: Asker, id: string, verdict: Verdict, body: DecideBody): Promise<Review> {
    const row = await store.findReview(this.database.db, id);
    if (!row) throw new AppError('not_found', `review ${id} not found`);
    if (row.status !== 'open') throw governanceErrors.error('review_closed', `review ${id} is already ${row.status}`, { extra: { review: id, status: row.status } });
    const p = asker.principal;
    if (p.subject !== null && p.subject === row.owner) {
      throw governanceErrors.error('separation_of_duties', `you own ${row.app_name}; another reviewer must decide on it`, { extra: { review: id, app: row.app_name } });
    }
    if (asker.caller.actor.id === row.submitted_by || (p.subject !== null && p.subject === row.submitted_by_subject)) {
      throw governanceErrors.error('separation_of_duties', `you submitted ${row.app_name} version ${row.version}; another reviewer must decide on it`, { extra: { review: id, app: row.app_name } });
    }
    const comment = body.comment?.trim() || null;
    if (verdict !== 'approve' && comment === null) {
      throw new AppError('validation_failed', `say why in a comment: the owner reads it to fix the app`, { errors: [{ path: 'comment', message: `is required to ${verdict === 'reject' ? 'reject' : 'request changes'}` }] });
    }
    if (verdict === 'approve') {
      const missing = checklistItems.filter((i) => body.checklist?.[i] !== true);
      if (missing.length > 0) {
        throw governanceErrors.error('checklist_incomplete', `confirm every checklist item before approving: ${missing.join(', ')}`, { errors: missing.map((i) => ({ path: `checklist.${i}`, message: 'must be confirmed (true) to approve' })) });
      }
    }
    const state = await this.catalog.decisionState(row.app_name);
    if (!state || state.currentVersion !== row.version || state.status !== 'pending_review') {
      throw new AppError('conflict', `app ${row.app_name} is no longer at version ${row.version} under review; reload the queue`, { extra: { review: id } });
    }
    const to: AppStatus = verdict === 'approve' ? 'approved' : state.approvedVersion !== null ? 'approved' : verdict === 'reject' ? 'rejected' : 'draft';
    const status = verdict === 'approve' ? 'approved' : verdict === 'reject' ? 'rejected' : 'changes_requested';
    const now = new Date();
    const decisionMs = now.getTime() - Date.parse(row.submitted_at);
    const checklist = body.checklist ? JSON.stringify(body.checklist) : null;
    await this.database.db.transaction().execute(async (tx) => {
      const closed = await store.closeReview(tx, id, {
        status,
        decided_at: now.toISOString(),
        decided_by: asker.caller.actor.id,
        decided_by_name: asker.caller.actor.name ?? null,
        decided_by_subject: p.subject,
        comment,
        checklist,
        decision_ms: decisionMs,
      });
      if (!closed) throw governanceErrors.error('review_closed', `review ${id} was decided by someone else while this request ran`);
      await this.catalog.decideInTx(tx, asker.caller, row.app_name, {
        from: 'pending_review',
        to,
        reason: `review ${id} ${status}${comment ? `: ${comment}` : ''}`,
        version: row.version,
        approveVersion: verdict === 'approve',
        details: { review: id },
      });
      await this.audit.append(tx, {
        class: 'application_lifecycle',
        activity: 'update',
        action: `review.${verdict === 'request-changes' ? 'request_changes' : verdict}`,
        actor: asker.caller.actor,
        resources: [{ type: 'app', id: row.app_name, name: row.app_name }, { type: 'review', id }],
        outcome: 'success',
        message: `review ${id} of ${row.app_name} version ${row.version}: ${status} after ${Math.round(decisionMs / 1000)} s`,
        details: { review: id, version: row.version, verdict: status, time_to_decision_ms: decisionMs, ...(comment ? { comment } : {}), ...(body.checklist ? { checklist: body.checklist } : {}) },
        ...(asker.caller.srcIp ? { srcIp: asker.caller.srcIp } : {}),
      });
      await this.webhooks.enqueue(tx, { type: `review.${status}`, subject: row.app_name, data: { review: id, app: row.app_name, version: row.version, status, comment, decided_by: asker.caller.actor.name ?? asker.caller.actor.id, time_to_decision_ms: decisionMs } });
    });
    return toReview((await store.findReview(this.database.db, id))!);
  }
}
