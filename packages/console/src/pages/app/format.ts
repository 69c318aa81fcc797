/** How the app page writes times and people: the same way on every tab. */
import type { ActorRef } from './types.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function when(iso: string | number): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTime.format(d);
}

/** The actor's name as recorded, else its id (tokens recorded before names were kept). */
export function who(actor: ActorRef): string {
  return actor.name ?? actor.id;
}
