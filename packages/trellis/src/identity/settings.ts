/** The identity settings: who receives a departed owner's apps when they have no active manager (`fallback_owner`). */
import type { Database, Queryable } from '../db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Caller } from '../catalog/index.ts';
import { AppError } from '../errors.ts';
import { canonicalPersonRef } from '../auth/index.ts';
import * as store from './store.ts';

export interface IdentitySettings {
  /** `user:<email>` (or `group:<name>`); null: nobody, the apps stay suspended without an offer. */
  fallback_owner: string | null;
}

export async function readSettings(q: Queryable): Promise<IdentitySettings> {
  const v = await store.getSetting(q, 'fallback_owner');
  return { fallback_owner: typeof v === 'string' ? v : null };
}

export async function updateSettings(database: Database, audit: AuditLog, caller: Caller, body: unknown): Promise<IdentitySettings> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AppError('validation_failed', 'the body must be an object', { errors: [{ path: '(body)', message: 'must be an object' }] });
  const extra = Object.keys(body).filter((k) => k !== 'fallback_owner');
  if (extra.length > 0) throw new AppError('validation_failed', `unknown setting ${extra[0]}`, { errors: extra.map((k) => ({ path: k, message: 'unknown setting' })) });
  const given = (body as { fallback_owner?: unknown }).fallback_owner;
  // The route's schema coerces a JSON null to "" (Ajv's coerceTypes): both mean nobody.
  const raw = given === '' || given === undefined ? null : given;
  if (raw !== null && (typeof raw !== 'string' || !/^(user:|group:)?[^\s:]+$/.test(raw.trim()) || raw.length > 320)) {
    throw new AppError('validation_failed', 'fallback_owner must be user:<email>, group:<name>, an e-mail or null', { errors: [{ path: 'fallback_owner', message: 'must be user:<email>, group:<name>, an e-mail or null' }] });
  }
  const value = raw === null ? null : canonicalPersonRef(raw.includes(':') || raw.includes('@') ? raw : `user:${raw}`);
  await database.db.transaction().execute(async (tx) => {
    const before = await readSettings(tx);
    await store.putSetting(tx, 'fallback_owner', value, new Date().toISOString(), caller.actor.id);
    await audit.append(tx, {
      class: 'api_activity',
      activity: 'update',
      action: 'identity.settings',
      actor: caller.actor,
      resources: [{ type: 'settings', id: 'identity' }],
      outcome: 'success',
      message: `identity settings: fallback_owner ${before.fallback_owner ?? 'none'} → ${value ?? 'none'}`,
      details: { fallback_owner: { from: before.fallback_owner, to: value } },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    });
  });
  return { fallback_owner: value };
}
