/** How the policy page writes people, times and versions, the same in every panel. */
import type { ActorRef } from './types.ts';

export const who = (a: ActorRef) => a.name ?? a.id;

export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const shortDigest = (digest: string) => digest.slice(0, 12);
