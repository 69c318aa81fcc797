/**
 * Audit events in the shape of the Open Cybersecurity Schema Framework (OCSF 1.3): a class
 * (what kind of activity), an activity within it, the actor, the resources touched, the
 * outcome and the time. SIEMs ingest OCSF directly, so the trail needs no translation.
 */
import { trace } from '@opentelemetry/api';

export const ocsfVersion = '1.3.0';

/** The OCSF classes Trellis writes, with their uid and category. */
export const ocsfClasses = {
  detection_finding: { uid: 2004, name: 'Detection Finding', category: 2, categoryName: 'Findings' },
  data_security_finding: { uid: 2006, name: 'Data Security Finding', category: 2, categoryName: 'Findings' },
  account_change: { uid: 3001, name: 'Account Change', category: 3, categoryName: 'Identity & Access Management' },
  authentication: { uid: 3002, name: 'Authentication', category: 3, categoryName: 'Identity & Access Management' },
  group_management: { uid: 3006, name: 'Group Management', category: 3, categoryName: 'Identity & Access Management' },
  user_management: { uid: 3007, name: 'User Management', category: 3, categoryName: 'Identity & Access Management' },
  application_lifecycle: { uid: 6002, name: 'Application Lifecycle', category: 6, categoryName: 'Application Activity' },
  api_activity: { uid: 6003, name: 'API Activity', category: 6, categoryName: 'Application Activity' },
  datastore_activity: { uid: 6005, name: 'Datastore Activity', category: 6, categoryName: 'Application Activity' },
} as const;

export type OcsfClass = keyof typeof ocsfClasses;

/** Activity ids shared by the API Activity and Datastore Activity classes (OCSF: 1 Create, 2 Read, 3 Update, 4 Delete). */
export const activities = {
  create: { id: 1, name: 'Create' },
  read: { id: 2, name: 'Read' },
  update: { id: 3, name: 'Update' },
  delete: { id: 4, name: 'Delete' },
  other: { id: 99, name: 'Other' },
  // Account Change (3001) has its own numbering: 2 Enable, 5 Disable, 6 Delete.
  enable: { id: 2, name: 'Enable' },
  disable: { id: 5, name: 'Disable' },
} as const;

/** Where a class numbers an activity differently from the shared table above. */
const classActivities: Partial<Record<OcsfClass, Partial<Record<Activity, { id: number; name: string }>>>> = {
  account_change: { update: { id: 99, name: 'Other' }, delete: { id: 6, name: 'Delete' } },
  // Group Management (3006): 5 Delete, 6 Create.
  group_management: { create: { id: 6, name: 'Create' }, update: { id: 99, name: 'Other' }, delete: { id: 5, name: 'Delete' } },
};

export type Activity = keyof typeof activities;

export interface Actor {
  /** `user` for people, `token` for API tokens, `service` for app identities, `system` for Trellis itself. */
  type: 'user' | 'token' | 'service' | 'system';
  id: string;
  name?: string;
  role?: string;
  /** The person behind a token (`user:<email>`), when known. */
  subject?: string;
}

export interface ResourceRef {
  type: string;
  id: string;
  name?: string;
}

/** What a caller passes to AuditLog.append: the facts of the change, without chain fields. */
export interface AuditInput {
  class: OcsfClass;
  activity: Activity;
  /** Short verb phrase for humans and search, e.g. `app.register`, `token.revoke`. */
  action: string;
  actor: Actor;
  resources?: ResourceRef[];
  outcome: 'success' | 'failure';
  message?: string;
  /** Extra facts; must not hold secret values. */
  details?: Record<string, unknown>;
  /**
   * Details keys whose values are personal data about `subject` (a person ref, `user:<email>`):
   * stored encrypted under that person's key, so shredding it redacts them (audit/retention/personal.ts).
   */
  personal?: { subject: string; details: string[] };
  /** Source address of the request, when there is one. */
  srcIp?: string;
  /** Override the clock (tests, imports). */
  time?: Date;
  /**
   * The OpenTelemetry trace the event belongs to, set when an event is queued to be written
   * later (`stampTrace`); null: none. Unset: the trace of the span current when the event is made.
   */
  traceId?: string | null;
}

/** The current span's trace id (observability/ starts spans when tracing is on). */
function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

/**
 * Fix an input's trace to the span current now, for events written in a later batch (under
 * whatever context that batch runs in). Sets the field on `input` itself and returns it.
 */
export function stampTrace(input: AuditInput): AuditInput {
  input.traceId ??= activeTraceId() ?? null;
  return input;
}

/** The OCSF document that is canonicalised and hashed. */
export interface OcsfEvent {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  activity_id: number;
  activity_name: string;
  type_uid: number;
  time: number;
  time_dt: string;
  severity_id: number;
  status_id: number;
  status: string;
  message: string;
  actor: { user: { uid: string; name?: string; type: string; role?: string; uid_alt?: string } };
  api: { operation: string };
  resources: { type: string; uid: string; name?: string }[];
  src_endpoint?: { ip: string };
  /** `correlation_uid`: the OpenTelemetry trace id of the request that caused the event, when traced. */
  metadata: { version: string; uid: string; product: { name: string; vendor_name: string }; correlation_uid?: string };
  unmapped?: Record<string, unknown>;
}

export function toOcsf(input: AuditInput, meta: { uid: string; time: Date }): OcsfEvent {
  const cls = ocsfClasses[input.class];
  const act = classActivities[input.class]?.[input.activity] ?? activities[input.activity];
  const ev: OcsfEvent = {
    class_uid: cls.uid,
    class_name: cls.name,
    category_uid: cls.category,
    category_name: cls.categoryName,
    activity_id: act.id,
    activity_name: act.name,
    type_uid: cls.uid * 100 + act.id,
    time: meta.time.getTime(),
    time_dt: meta.time.toISOString(),
    // OCSF: severity 1 Informational; status 1 Success, 2 Failure.
    severity_id: input.outcome === 'failure' ? 2 : 1,
    status_id: input.outcome === 'success' ? 1 : 2,
    status: input.outcome === 'success' ? 'Success' : 'Failure',
    message: input.message ?? input.action,
    actor: { user: { uid: input.actor.id, type: input.actor.type, ...(input.actor.name ? { name: input.actor.name } : {}), ...(input.actor.role ? { role: input.actor.role } : {}), ...(input.actor.subject ? { uid_alt: input.actor.subject } : {}) } },
    api: { operation: input.action },
    resources: (input.resources ?? []).map((r) => ({ type: r.type, uid: r.id, ...(r.name ? { name: r.name } : {}) })),
    metadata: { version: ocsfVersion, uid: meta.uid, product: { name: 'Trellis', vendor_name: 'Trellis' } },
  };
  // OCSF 1.3 has no trace object; correlation_uid is its field for an id shared by related events.
  const traceId = input.traceId === undefined ? activeTraceId() : input.traceId;
  if (traceId) ev.metadata.correlation_uid = traceId;
  if (input.srcIp) ev.src_endpoint = { ip: input.srcIp };
  if (input.details && Object.keys(input.details).length > 0) ev.unmapped = input.details;
  return ev;
}
