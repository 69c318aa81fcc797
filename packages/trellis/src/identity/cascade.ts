/**
 * The departed-owner cascade, in the transaction that deactivates or deletes a person: the
 * revocation feed voids every credential issued for them before now (sessions, OAuth tokens on
 * their behalf, API tokens acting for them) on every replica; their API token rows are revoked
 * for good; each app of theirs in force is suspended (the catalog's status listeners run, so
 * oauth disables the app's client) — an update of it under review is withdrawn first, since an
 * app under review keeps its approved version working; and each app they owned that was
 * approved or waiting for review is offered to their manager, when active, or else to the
 * fallback owner.
 *
 * A new app waiting for its first review has no credentials: it stays in the queue, offered
 * like the others (the lifecycle has no move from review to suspended).
 */
import { randomBytes } from 'node:crypto';
import type { Tx } from '../db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Caller, CatalogService } from '../catalog/index.ts';
import type { Services } from '../module.ts';
import type { Revocations, TokenService } from '../auth/index.ts';
import { readSettings } from './settings.ts';
import * as store from './store.ts';
import type { IdentityPersonRow } from './rows.ts';

export function offerId(): string {
  return `off_${randomBytes(8).toString('hex')}`;
}

export interface CascadeResult {
  tokens: string[];
  suspended: string[];
  offers: { id: string; app: string; to: string }[];
}

export class Cascade {
  constructor(
    private readonly audit: AuditLog,
    private readonly tokens: TokenService,
    private readonly revocations: Revocations,
    private readonly catalog: CatalogService,
    private readonly governance: Services['governance'],
  ) {}

  /** Who takes over a departed person's apps: their active manager, else the fallback owner, else nobody. */
  private async successor(tx: Tx, person: IdentityPersonRow): Promise<{ ref: string; via: 'manager' | 'fallback' } | undefined> {
    if (person.manager_id) {
      const manager = await store.findPerson(tx, person.manager_id);
      if (manager && manager.active === 1 && manager.deleted === 0 && manager.ref !== person.ref) return { ref: manager.ref, via: 'manager' };
    }
    const { fallback_owner } = await readSettings(tx);
    return fallback_owner && fallback_owner !== person.ref ? { ref: fallback_owner, via: 'fallback' } : undefined;
  }

  async run(tx: Tx, caller: Caller, person: IdentityPersonRow, reason: 'deprovisioned' | 'deleted'): Promise<CascadeResult> {
    const ref = person.ref;
    await this.revocations.revoke(tx, 'subject', ref, reason);
    const tokens = await this.tokens.revokeBySubjectInTx(tx, caller.actor, ref, reason);
    const apps = (await this.catalog.appsOwnedBy(tx, ref)).filter((a) => a.status === 'approved' || a.status === 'pending_review');
    const to = await this.successor(tx, person);
    const suspended: string[] = [];
    const offers: CascadeResult['offers'] = [];
    const now = new Date().toISOString();
    const why = `owner ${ref} ${reason}`;
    for (const app of apps) {
      // An update under review leaves the approved version working: withdraw it, then suspend.
      if (app.status === 'pending_review' && app.approvedVersion !== null) await this.governance.withdrawInTx(tx, { caller, subject: caller.actor.subject ?? null }, app.name, app.version, why);
      if ((app.status === 'approved' || app.approvedVersion !== null) && (await this.catalog.suspendInTx(tx, caller, app.name, why))) suspended.push(app.name);
      if (!to || (await store.openOfferOf(tx, app.name))) continue;
      const id = offerId();
      await store.insertOffer(tx, { id, app_name: app.name, from_ref: ref, to_ref: to.ref, via: to.via, status: 'open', created_at: now, decided_at: null, decided_by: null });
      offers.push({ id, app: app.name, to: to.ref });
    }
    await this.audit.append(tx, {
      class: 'account_change',
      activity: 'other',
      action: 'person.cascade',
      actor: caller.actor,
      resources: [{ type: 'person', id: person.id, name: ref }, ...apps.map((a) => ({ type: 'app', id: a.name, name: a.name }))],
      outcome: 'success',
      message: `${ref} ${reason}: credentials before now void, ${tokens.length} API token(s) revoked, ${suspended.length} app(s) suspended, ${offers.length} ownership offer(s)${to ? ` to ${to.ref} (${to.via})` : apps.length > 0 ? ', nobody to offer the apps to (no active manager, no fallback owner)' : ''}`,
      details: { ref, reason, tokens, suspended, offers, ...(to ? { successor: to.ref, via: to.via } : {}) },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    });
    return { tokens, suspended, offers };
  }

  /** After the commit: this replica refuses the person's credentials at once (the others follow within a second). */
  afterCommit(): Promise<void> {
    return this.revocations.refresh();
  }
}
