/**
 * How the review queue names time and people: a review's age and who acted.
 */

/** How long ago, in the largest whole unit: "3 h", "2 d". */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

export const actorName = (a: { id: string; name: string | null; subject: string | null }) => a.subject ?? a.name ?? a.id;
