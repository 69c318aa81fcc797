/**
 * Ownership offers: a departed owner's app offered to their manager or the fallback owner. The
 * offered person (their principal's subject) or an admin accepts or declines. Accepting makes
 * them the app's owner (audited, announced as the `app.owner_changed` webhook event); a
 * suspended app stays suspended until its new owner asks a reviewer or admin to reinstate it
 * (`POST /api/v1/apps/{name}/transitions {"to": "approved"}`, which needs apps:review).
 */
import type { Database } from '../db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Caller, CatalogService } from '../catalog/index.ts';
import type { Principal } from '../auth/index.ts';
import type { WebhookService } from '../webhooks/index.ts';
import { AppError } from '../errors.ts';
import { identityErrors } from './errors.ts';
import * as store from './store.ts';
import type { IdentityOfferRow } from './rows.ts';

export interface Offer {
  id: string;
  app: string;
  from: string;
  to: string;
  via: 'manager' | 'fallback';
  status: 'open' | 'accepted' | 'declined';
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

function toOffer(r: IdentityOfferRow): Offer {
  return { id: r.id, app: r.app_name, from: r.from_ref, to: r.to_ref, via: r.via as Offer['via'], status: r.status as Offer['status'], created_at: r.created_at, decided_at: r.decided_at, decided_by: r.decided_by };
}

export class Offers {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly catalog: CatalogService,
    private readonly webhooks: WebhookService,
  ) {}

  /** The caller's own offers; every offer for an admin. */
  async list(principal: Principal, status?: string): Promise<Offer[]> {
    if (principal.role !== 'admin' && !principal.subject) return [];
    const rows = await store.listOffers(this.database.db, { ...(principal.role === 'admin' ? {} : { to: principal.subject! }), ...(status ? { status } : {}) });
    return rows.map(toOffer);
  }

  async decide(caller: Caller, principal: Principal, id: string, verdict: 'accept' | 'decline'): Promise<Offer> {
    await this.database.db.transaction().execute(async (tx) => {
      const offer = await store.findOffer(tx, id, { lock: this.database.dialect });
      // Someone else's offer is not found, as far as a non-admin can tell.
      if (!offer || (principal.role !== 'admin' && principal.subject !== offer.to_ref)) {
        if (offer && principal.role !== 'admin') throw identityErrors.error('not_offered_to_you', `offer ${id} is for ${offer.to_ref}; only they or an admin may answer it`);
        throw new AppError('not_found', `offer ${id} not found`);
      }
      const now = new Date().toISOString();
      if (!(await store.closeOffer(tx, id, verdict === 'accept' ? 'accepted' : 'declined', now, caller.actor.id))) throw identityErrors.error('offer_closed', `offer ${id} is already ${offer.status}`);
      if (verdict === 'accept') {
        const change = await this.catalog.changeOwnerInTx(tx, caller, offer.app_name, offer.to_ref);
        await this.webhooks.enqueue(tx, { type: 'app.owner_changed', subject: offer.app_name, data: { app: offer.app_name, from: change.from, to: change.to, offer: id, via: offer.via } });
      }
      await this.audit.append(tx, {
        class: 'application_lifecycle',
        activity: 'update',
        action: `ownership.${verdict}`,
        actor: caller.actor,
        resources: [{ type: 'app', id: offer.app_name, name: offer.app_name }, { type: 'ownership_offer', id }],
        outcome: 'success',
        message: `ownership of ${offer.app_name} ${verdict === 'accept' ? 'accepted' : 'declined'} by ${principal.subject ?? caller.actor.id} (offered to ${offer.to_ref})`,
        details: { offer: id, app: offer.app_name, from: offer.from_ref, to: offer.to_ref },
        ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
      });
    });
    return toOffer((await store.findOffer(this.database.db, id))!);
  }
}
