/**
 * The explorer's filters live in the address (`/audit?actor=…&action=…`) so a link shows the
 * same events to whoever opens it. Here: reading them from the query string, writing them back,
 * and turning them into the API's query.
 */
import type { Query } from '../../api/client.ts';
import type { ocsfClasses, OcsfClass } from '../../../../trellis/src/audit/ocsf.ts';

export interface AuditFilters {
  actor: string;
  app: string;
  /** OCSF class uid as text ('' for any). */
  classUid: string;
  action: string;
  outcome: '' | 'success' | 'failure';
  /** ISO-8601 instants (UTC), as the API takes them. */
  since: string;
  until: string;
}

export const noFilters: AuditFilters = { actor: '', app: '', classUid: '', action: '', outcome: '', since: '', until: '' };
const keys = Object.keys(noFilters) as (keyof AuditFilters)[];

/** The OCSF classes the server writes (audit/ocsf.ts), for the class filter; checked against its list by the type. */
export const eventClasses = [
  { uid: 6002, name: 'Application Lifecycle' },
  { uid: 6003, name: 'API Activity' },
  { uid: 6005, name: 'Datastore Activity' },
  { uid: 2006, name: 'Data Security Finding' },
  { uid: 2004, name: 'Detection Finding' },
  { uid: 3002, name: 'Authentication' },
  { uid: 3001, name: 'Account Change' },
  { uid: 3006, name: 'Group Management' },
  { uid: 3007, name: 'User Management' },
] as const satisfies readonly Pick<(typeof ocsfClasses)[OcsfClass], 'uid' | 'name'>[];

/** The address says `class_uid`, as the API does. */
const addressKey: Partial<Record<keyof AuditFilters, string>> = { classUid: 'class_uid' };
const keyOf = (k: keyof AuditFilters) => addressKey[k] ?? k;

const validInstant = (v: string) => (v && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : '');

export function filtersFrom(params: URLSearchParams): AuditFilters {
  const outcome = params.get('outcome');
  return {
    actor: params.get('actor') ?? '',
    app: params.get('app') ?? '',
    classUid: eventClasses.some((c) => String(c.uid) === params.get('class_uid')) ? params.get('class_uid')! : '',
    action: params.get('action') ?? '',
    outcome: outcome === 'success' || outcome === 'failure' ? outcome : '',
    since: validInstant(params.get('since') ?? ''),
    until: validInstant(params.get('until') ?? ''),
  };
}

/** The query string of these filters, keeping other parameters (the tab) as they were. */
export function withFilters(params: URLSearchParams, f: AuditFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const k of keys) {
    const v = f[k].trim();
    if (v) next.set(keyOf(k), v);
    else next.delete(keyOf(k));
  }
  return next;
}

export function apiQuery(f: AuditFilters): Query {
  return {
    actor: f.actor.trim() || undefined,
    action: f.action.trim() || undefined,
    // Every event about the app, whichever of its resources names it (gateway calls name the connector first).
    app: f.app.trim() || undefined,
    class_uid: f.classUid || undefined,
    outcome: f.outcome || undefined,
    since: f.since || undefined,
    until: f.until || undefined,
  };
}

export const isFiltered = (f: AuditFilters) => keys.some((k) => f[k] !== '');

/** An ISO instant as a datetime-local input's value, in the reader's time zone. */
export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local input's value (the reader's time zone) as an ISO instant. */
export function fromLocalInput(v: string): string {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/**
 * Actions Trellis writes, grouped by what they concern, for the action field's suggestions. The
 * API filters by exact action; any other value can still be typed.
 */
export const actionGroups: { group: string; items: string[] }[] = [
  { group: 'Apps and reviews', items: ['app.register', 'app.update', 'app.transition', 'app.owner_change', 'app.risk_override', 'review.open', 'review.approve', 'review.reject', 'review.request_changes', 'review.superseded', 'review.withdrawn'] },
  { group: 'Policy', items: ['policy.decision', 'policy.bundle.push', 'policy.bundle.activate', 'policy.bundle.rollback', 'governance.settings'] },
  { group: 'Gateway and exports', items: ['gateway.query', 'gateway.insert', 'gateway.update', 'gateway.delete', 'gateway.http', 'gateway.export', 'gateway.quota.set', 'export.deliver', 'export.blocked', 'export.quarantined'] },
  { group: 'Sign-in and access', items: ['auth.fail', 'authz.deny', 'token.create', 'token.revoke', 'session.logout', 'session.expire', 'oauth.token.issue', 'oauth.token.refuse', 'oauth.token.revoke'] },
  { group: 'Data protection and secrets', items: ['dlp.scan', 'dlp.transform', 'dlp.reveal', 'secret.decrypt', 'lease.create', 'lease.revoke', 'keys.rewrap'] },
  { group: 'Connectors', items: ['connector.create', 'connector.update', 'connector.retire'] },
  { group: 'Audit trail', items: ['audit.retention.update', 'audit.hold.create', 'audit.hold.release', 'audit.prune', 'audit.subject.shred', 'audit.tamper_detected'] },
];
