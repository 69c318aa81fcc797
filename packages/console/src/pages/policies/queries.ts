/**
 * The policy page's requests, each with its query key, so every panel reads the same cache and
 * a change (a push, an activation) refreshes exactly what it touched.
 */
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from '../../api/client.ts';
import type { ActiveState, BundleDetail, BundleDiff, BundleList } from './types.ts';

export const policyKeys = {
  all: ['policy'] as const,
  bundles: ['policy', 'bundles'] as const,
  active: ['policy', 'active'] as const,
  bundle: (version: number) => ['policy', 'bundle', version] as const,
  diff: (version: number, against: number) => ['policy', 'diff', version, against] as const,
};

const pageSize = 20;

/** Bundle versions, newest first, a page at a time (older pages on demand). */
export function useBundles() {
  return useInfiniteQuery({
    queryKey: policyKeys.bundles,
    queryFn: ({ pageParam }) => api<BundleList>('/api/v1/policy/bundles', { query: { limit: pageSize, before: pageParam } }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next_before ?? undefined,
  });
}

export function useActiveState() {
  return useQuery({ queryKey: policyKeys.active, queryFn: () => api<ActiveState>('/api/v1/policy/active') });
}

/** One version with its files; versions never change, so it is never stale. */
export function useBundle(version: number | null) {
  return useQuery({
    queryKey: policyKeys.bundle(version ?? 0),
    queryFn: () => api<BundleDetail>(`/api/v1/policy/bundles/${seg(version!)}`),
    enabled: version !== null,
    staleTime: Infinity,
  });
}

export function useBundleDiff(version: number, against: number | null) {
  return useQuery({
    queryKey: policyKeys.diff(version, against ?? 0),
    queryFn: () => api<BundleDiff>(`/api/v1/policy/bundles/${seg(version)}/diff`, { query: { against: against! } }),
    enabled: against !== null && against !== version,
    staleTime: Infinity,
  });
}

/** After a push, an activation or a rollback: the lists and the active state are out of date. */
export function useRefreshPolicy() {
  const client = useQueryClient();
  return () =>
    Promise.all([client.invalidateQueries({ queryKey: policyKeys.bundles }), client.invalidateQueries({ queryKey: policyKeys.active })]);
}
