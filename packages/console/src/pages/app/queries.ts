/**
 * The app page's reads, one hook each, keyed under ['apps', name, …] so a change to the app
 * (a revoked credential, a new version) refreshes every tab that shows it.
 */
import { useQuery } from '@tanstack/react-query';
import { api, seg } from '../../api/client.ts';
import type { AppDetail, AppVersion, AppVersionSummary, DiffResult, StatusChange } from './types.ts';

export const appPath = (name: string) => `/api/v1/apps/${seg(name)}`;

export function useApp(name: string) {
  return useQuery({ queryKey: ['apps', name, 'detail'], queryFn: ({ signal }) => api<AppDetail>(appPath(name), { signal }) });
}

export function useTransitions(name: string) {
  return useQuery({ queryKey: ['apps', name, 'transitions'], queryFn: ({ signal }) => api<{ items: StatusChange[] }>(`${appPath(name)}/transitions`, { signal }) });
}

export function useVersions(name: string) {
  return useQuery({ queryKey: ['apps', name, 'versions'], queryFn: ({ signal }) => api<{ items: AppVersionSummary[] }>(`${appPath(name)}/versions`, { signal }) });
}

/** A stored version never changes, so it is read once. */
export function useVersion(name: string, version: number | null) {
  return useQuery({
    queryKey: ['apps', name, 'version', version],
    queryFn: ({ signal }) => api<AppVersion>(`${appPath(name)}/versions/${seg(version!)}`, { signal }),
    enabled: version !== null,
    staleTime: Infinity,
  });
}

export function useDiff(name: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: ['apps', name, 'diff', from, to],
    queryFn: ({ signal }) => api<DiffResult>(`${appPath(name)}/diff`, { query: { from, to }, signal }),
    enabled: from !== null && to !== null && from !== to,
    staleTime: Infinity,
  });
}
