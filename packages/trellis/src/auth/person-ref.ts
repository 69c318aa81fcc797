/**
 * References to people and groups (`user:jane@example.com`, `group:hr`), in one canonical form
 * wherever they are compared: an app's owner in the catalog, the person behind an API token,
 * and separation of duties between them. Lower case; a bare e-mail becomes `user:<email>`;
 * Backstage's `default/` namespace is dropped. So `Jane@Example.com`, `user:jane@example.com`
 * and `user:default/jane@example.com` are one person.
 */
export function canonicalPersonRef(ref: string): string {
  const o = ref.trim().toLowerCase();
  const m = /^(user|group):(?:default\/)?(.+)$/.exec(o);
  if (m) return `${m[1]}:${m[2]}`;
  return o.includes('@') && !o.includes(':') ? `user:${o}` : o;
}
