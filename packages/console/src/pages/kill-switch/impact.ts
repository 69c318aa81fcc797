/**
 * Everything that stops when an app is suspended, gathered from the public API: the version in
 * force (its connectors and exports), the OAuth client and its credentials, the active
 * database leases, the configured export deliveries and the gateway quota. Each part is its own
 * query, asked only when the role may read it, so one refusal or failure hides only its part.
 */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { api, seg } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { useSession } from '../../auth/session.tsx';
import { exportName, manifestSpec } from '../app/data-flow-graph.ts';
import type { AppDetail, AppVersion } from '../app/types.ts';
import type { ExportDestination, LeaseList, Quota } from './types.ts';
import type { CredentialList } from '../app/credentials.ts';

/** How many active leases one page shows; more are counted, not listed. */
export const leasePage = 200;

export type Part<T> = { allowed: false } | { allowed: true; query: UseQueryResult<T> };

export interface Impact {
  app: UseQueryResult<AppDetail>;
  /** The manifest in force: the approved version's, which differs from the latest while an update waits. */
  manifest: UseQueryResult<Record<string, unknown> | null>;
  /** null: the app has no service identity (never approved). */
  credentials: Part<CredentialList | null>;
  leases: Part<LeaseList>;
  destinations: Part<ExportDestination[]>;
  quota: Part<Quota>;
}

export const impactKeys = {
  all: (name: string) => ['kill-switch', name] as const,
  app: (name: string) => ['kill-switch', name, 'app'] as const,
};

export function useImpact(name: string): Impact {
  const { may } = useSession();
  const app = useQuery({ queryKey: impactKeys.app(name), queryFn: () => api<AppDetail>(`/api/v1/apps/${seg(name)}`) });
  const inForce = app.data?.approved_version ?? null;
  const latest = app.data?.version ?? null;
  const manifest = useQuery({
    queryKey: [...impactKeys.all(name), 'manifest', inForce, latest],
    enabled: app.isSuccess,
    queryFn: async () => {
      if (inForce === null) return null;
      if (inForce === latest) return app.data!.manifest;
      return (await api<AppVersion>(`/api/v1/apps/${seg(name)}/versions/${inForce}`)).manifest;
    },
  });
  const credentials = useQuery({
    queryKey: [...impactKeys.all(name), 'credentials'],
    enabled: may('oauth:read'),
    queryFn: async () => {
      try {
        return await api<CredentialList>(`/api/v1/apps/${seg(name)}/credentials`);
      } catch (err) {
        // An app never approved has no service identity: nothing to stop there.
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
  const leases = useQuery({
    queryKey: [...impactKeys.all(name), 'leases'],
    enabled: may('leases:read'),
    queryFn: () => api<LeaseList>('/api/v1/leases', { query: { app: name, state: 'active', limit: leasePage } }),
  });
  const destinations = useQuery({
    queryKey: ['export-destinations'],
    enabled: may('exports:read'),
    queryFn: async () => (await api<{ items: ExportDestination[] }>('/api/v1/export-destinations')).items,
  });
  const quota = useQuery({ queryKey: [...impactKeys.all(name), 'quota'], enabled: may('gateway:read'), queryFn: () => api<Quota>(`/api/v1/gateway/quotas/${seg(name)}`) });
  const part = <T,>(permission: string, query: UseQueryResult<T>): Part<T> => (may(permission) ? { allowed: true, query } : { allowed: false });
  return {
    app,
    manifest,
    credentials: part('oauth:read', credentials),
    leases: part('leases:read', leases),
    destinations: part('exports:read', destinations),
    quota: part('gateway:read', quota),
  };
}

/** One declared export and the delivery an admin configured for it, if any. */
export interface ExportStop {
  name: string;
  configured: ExportDestination | null;
}

export function exportStops(manifest: Record<string, unknown> | null, destinations: readonly ExportDestination[]): ExportStop[] {
  if (!manifest) return [];
  return manifestSpec(manifest).exports.map((e) => ({ name: exportName(e), configured: destinations.find((d) => d.destination === e.destination && d.target === e.target) ?? null }));
}

/** The facts the confirmation names, gathered from whatever parts arrived. */
export interface StopFacts {
  app: string;
  credentials: CredentialList | null | undefined;
  leases: LeaseList | undefined;
  connectors: { name: string; resources: string[] }[];
  exports: ExportStop[];
  quota: Quota | undefined;
}

export function stopFacts(impact: Impact): StopFacts {
  const manifest = impact.manifest.data ?? null;
  const connectors = manifest ? manifestSpec(manifest).connectors : [];
  const data = <T,>(p: Part<T>): T | undefined => (p.allowed ? p.query.data : undefined);
  return {
    app: impact.app.data?.name ?? '',
    credentials: data(impact.credentials),
    leases: data(impact.leases),
    connectors: connectors.map((c) => ({ name: c.name, resources: c.resources.map((r) => r.name) })),
    exports: exportStops(manifest, data(impact.destinations) ?? []),
    quota: data(impact.quota),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What the suspension stops, one sentence per kind of thing, naming each thing — the lines of
 * the confirmation. A part the role could not read is said to stop too, unnamed.
 */
export function stopLines(f: StopFacts): string[] {
  const lines: string[] = [];
  if (f.credentials === undefined) lines.push('Its OAuth client is disabled and every token it was issued is voided (your role cannot list its credentials).');
  else if (f.credentials === null) lines.push('It has no OAuth client yet, so there are no tokens to void.');
  else {
    const ids = f.credentials.items.map((c) => c.id).join(', ');
    lines.push(`OAuth client ${f.credentials.client_id} is disabled: ${plural(f.credentials.items.length, 'credential')}${ids ? ` (${ids})` : ''} stop getting tokens, and every token issued so far is voided.`);
  }
  if (f.leases === undefined) lines.push('Its active database leases are revoked (your role cannot list them).');
  else if (f.leases.items.length === 0) lines.push('No active database lease to revoke.');
  else {
    const more = f.leases.next_cursor ? ` and more beyond the first ${f.leases.items.length}` : '';
    lines.push(`${plural(f.leases.items.length, 'active database lease')}${more} revoked, their roles dropped: ${f.leases.items.map((l) => `${l.id} (${l.connector}, role ${l.role})`).join(', ')}.`);
  }
  if (f.connectors.length > 0) lines.push(`Gateway reads and writes through ${f.connectors.map((c) => `${c.name} (${c.resources.join(', ')})`).join('; ')} are refused.`);
  else lines.push('It binds no connector.');
  if (f.exports.length > 0) lines.push(`Exports are refused: ${f.exports.map((e) => `${e.name}${e.configured ? ` (delivery ${e.configured.id})` : ' (no delivery configured)'}`).join(', ')}.`);
  if (f.quota) lines.push(`Its gateway quota (${f.quota.limits.requestsPerMinute.toLocaleString()} requests a minute; ${f.quota.usage.minute.requests.toLocaleString()} used this minute) stops being spent: every call is refused.`);
  return lines;
}
