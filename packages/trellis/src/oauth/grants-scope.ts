/**
 * What an app's token may say: the audiences and scopes its APPROVED manifest grants, and a
 * request's narrowing of them. One audience per connector the app binds
 * (`trellis:connector:<name>`), and one scope per connector and access mode its resources ask
 * for (`<connector>:read`, `<connector>:write`; `read-write` grants both). A request may ask
 * for less, never for more: an unknown scope is `invalid_scope`, an unknown audience
 * `invalid_target`.
 */
import { OAuthError } from './protocol-errors.ts';

export const connectorAudiencePrefix = 'trellis:connector:';

export interface Grantable {
  audiences: string[];
  scopes: string[];
}

interface ManifestShape {
  spec?: { connectors?: { name: string; resources?: { access?: string }[] }[] };
}

/** The audiences and scopes an approved manifest grants, sorted, without duplicates. */
export function grantableOf(manifest: unknown): Grantable {
  const audiences = new Set<string>();
  const scopes = new Set<string>();
  for (const c of (manifest as ManifestShape).spec?.connectors ?? []) {
    audiences.add(connectorAudiencePrefix + c.name);
    for (const r of c.resources ?? []) {
      if (r.access === 'read' || r.access === 'read-write') scopes.add(`${c.name}:read`);
      if (r.access === 'write' || r.access === 'read-write') scopes.add(`${c.name}:write`);
    }
  }
  return { audiences: [...audiences].sort(), scopes: [...scopes].sort() };
}

function connectorOfScope(scope: string): string {
  return scope.slice(0, scope.lastIndexOf(':'));
}

/**
 * The audiences and scopes to issue for a request: `scope` (space-separated, or undefined for
 * all granted) and `targets` (the `resource` and `audience` parameters; empty for all granted).
 * Narrowing one narrows the other: scopes only for the audiences asked for, and audiences only
 * of the connectors whose scopes were asked for.
 */
export function narrow(granted: Grantable, scope: string | undefined, targets: readonly string[]): Grantable {
  if (granted.audiences.length === 0) throw new OAuthError('invalid_target', 'the approved version of the app binds no connector, so there is no audience to issue a token for');
  for (const t of targets) {
    if (!granted.audiences.includes(t)) throw new OAuthError('invalid_target', `audience ${JSON.stringify(t.slice(0, 200))} is not one the app was approved for (${granted.audiences.join(', ')})`);
  }
  const audiences = targets.length > 0 ? [...new Set(targets)].sort() : granted.audiences;
  const allowedScopes = granted.scopes.filter((s) => audiences.includes(connectorAudiencePrefix + connectorOfScope(s)));
  let scopes = allowedScopes;
  if (scope !== undefined) {
    const asked = [...new Set(scope.split(' ').filter(Boolean))];
    if (asked.length === 0) throw new OAuthError('invalid_scope', 'scope is empty');
    for (const s of asked) {
      if (!granted.scopes.includes(s)) throw new OAuthError('invalid_scope', `scope ${JSON.stringify(s.slice(0, 200))} is wider than the app's approval (${granted.scopes.join(' ') || 'no scopes'})`);
      if (!allowedScopes.includes(s)) throw new OAuthError('invalid_scope', `scope ${s} is not for the audience asked for`);
    }
    scopes = asked.sort();
  }
  const narrowedAudiences = scope !== undefined && targets.length === 0 ? audiences.filter((a) => scopes.some((s) => connectorAudiencePrefix + connectorOfScope(s) === a)) : audiences;
  return { audiences: narrowedAudiences, scopes };
}
