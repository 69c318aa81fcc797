/**
 * The app's service identity and its credentials (GET …/credentials): metadata only — the
 * server never returns a secret after the moment it is created, and this page never asks.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { appPath } from './queries.ts';

export interface Credential {
  id: string;
  type: 'client_secret' | 'private_key_jwt';
  created_at: string;
  created_by: string;
  expires_at: string | null;
  status: 'active' | 'expiring' | 'expired';
  kids?: string[];
}

export interface CredentialList {
  app: string;
  client_id: string;
  client_type: 'public' | 'confidential';
  client_status: 'active' | 'disabled';
  items: Credential[];
}

/** An app gets its service identity when first approved; before that the server answers 409 with this code. */
export const isNoIdentity = (err: unknown) => err instanceof ApiError && err.code === 'no_service_identity';

export function useCredentials(name: string, enabled = true) {
  return useQuery({
    queryKey: ['apps', name, 'credentials'],
    queryFn: ({ signal }) => api<CredentialList>(`${appPath(name)}/credentials`, { signal }),
    enabled,
    // "Not yet approved" is an answer, not a failure to retry.
    retry: (count, err) => !isNoIdentity(err) && count < 2,
  });
}
