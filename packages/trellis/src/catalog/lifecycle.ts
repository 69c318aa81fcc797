/**
 * The life of an app, as one table: which status may follow which. Every status change in
 * Trellis — a reviewer's decision, a kill switch, automatic expiry — goes through
 * `checkTransition`, so the allowed moves are written down exactly once and the API, the CLI
 * and the docs cannot disagree about them.
 */

export const appStatuses = ['draft', 'pending_review', 'approved', 'rejected', 'suspended', 'retired'] as const;

export type AppStatus = (typeof appStatuses)[number];

/** Allowed moves from each status; `retired` is terminal so a retired name is never revived. */
export const transitions: Readonly<Record<AppStatus, readonly AppStatus[]>> = {
  draft: ['pending_review'],
  // Back to draft lets a builder withdraw a submission to fix it before a decision.
  pending_review: ['approved', 'rejected', 'draft'],
  approved: ['suspended', 'retired'],
  suspended: ['approved', 'retired'],
  rejected: ['draft'],
  retired: [],
};

export function isAppStatus(value: string): value is AppStatus {
  return (appStatuses as readonly string[]).includes(value);
}

export type TransitionCheck = { ok: true } | { ok: false; message: string; allowed: readonly AppStatus[] };

/** Whether `from → to` is allowed, with a message that names both ends and the way forward. */
export function checkTransition(from: AppStatus, to: AppStatus): TransitionCheck {
  const allowed = transitions[from];
  if (allowed.includes(to)) return { ok: true };
  const next = allowed.length === 0 ? `${from} is final` : `from ${from} an app may move to ${allowed.join(', ')}`;
  const message = from === to ? `the app is already ${to}` : `an app cannot move from ${from} to ${to}; ${next}`;
  return { ok: false, message, allowed };
}

/**
 * The permission a move needs, by where it goes: builders submit (`pending_review`) and
 * withdraw or reopen (`draft`); deciding, suspending, reinstating and retiring are reviews.
 */
export function transitionPermission(to: AppStatus): 'apps:write' | 'apps:review' {
  return to === 'draft' || to === 'pending_review' ? 'apps:write' : 'apps:review';
}
