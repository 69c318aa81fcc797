/** The app status transition table. */
import { describe, expect, it } from 'vitest';
import { appStatuses, checkTransition, isAppStatus, transitions } from './lifecycle.ts';

describe('app lifecycle', () => {
  const allowed: [string, string][] = [
    ['draft', 'pending_review'],
    ['pending_review', 'approved'],
    ['pending_review', 'rejected'],
    ['pending_review', 'draft'],
    ['approved', 'suspended'],
    ['approved', 'retired'],
    ['suspended', 'approved'],
    ['suspended', 'retired'],
    ['rejected', 'draft'],
  ];

  it('allows exactly the documented moves', () => {
    const table = appStatuses.flatMap((from) => transitions[from].map((to) => [from, to]));
    expect(table.sort()).toEqual([...allowed].sort());
  });

  it('refuses every other move with a message naming both ends', () => {
    for (const from of appStatuses) {
      for (const to of appStatuses) {
        const r = checkTransition(from, to);
        const expected = allowed.some(([f, t]) => f === from && t === to);
        expect(r.ok, `${from} → ${to}`).toBe(expected);
        if (!r.ok && from !== to) {
          expect(r.message).toContain(from);
          expect(r.message).toContain(to);
        }
      }
    }
  });

  it('treats retired as final', () => {
    const r = checkTransition('retired', 'approved');
    expect(r).toEqual({ ok: false, message: 'an app cannot move from retired to approved; retired is final', allowed: [] });
  });

  it('says when nothing would change', () => {
    const r = checkTransition('draft', 'draft');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('the app is already draft');
  });

  it('knows its statuses', () => {
    expect(isAppStatus('approved')).toBe(true);
    expect(isAppStatus('deleted')).toBe(false);
  });
});
