/**
 * The audit trail's integrity as the API tells it (docs/audit.md): the chain's head, the newest
 * signed checkpoint, the witnesses, and a verification run — shapes and queries, shared by the
 * audit page and the dashboard's chain card.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';

export interface Head {
  seq: number;
  hash: string;
}

export interface Checkpoint {
  tree_size: number;
  root_hash: string;
  created_at: string;
  note: string;
}

export interface Witness {
  witness: string;
  tree_size: number;
  pushed_at?: string | null;
  attempted_at?: string | null;
  last_error?: string | null;
}

export interface Verification {
  ok: boolean;
  count: number;
  firstSeq?: number | null;
  lastSeq?: number | null;
  head: string;
  broken?: { seq: number; reason: string; message: string };
  problems: { id: number; seq: number | null; reason: string; message: string }[];
  problemCount: number;
  macChecked?: boolean;
  pruned?: number;
  ledger?: { ok: boolean; checkpoints: number; anchoredSize: number; unanchored: number; problems: { reason: string; treeSize?: number | null; message: string }[] };
}

export const useHead = () => useQuery({ queryKey: ['audit', 'head'], queryFn: ({ signal }) => api<Head>('/api/v1/audit/head', { signal }) });

/** The newest checkpoint, or null when none is signed yet (the API answers 404 then). */
export const useLatestCheckpoint = () =>
  useQuery({
    queryKey: ['audit', 'checkpoints', 'latest'],
    queryFn: async ({ signal }) => {
      try {
        return await api<Checkpoint>('/api/v1/audit/checkpoints/latest', { signal });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });

export const useWitnesses = () => useQuery({ queryKey: ['audit', 'witnesses'], queryFn: ({ signal }) => api<{ items: Witness[] }>('/api/v1/audit/witnesses', { signal }) });

/**
 * The key id of the checkpoint's signature: the first four bytes of the signature line's
 * base64 (C2SP signed-note), in hex — what an auditor matches against the verifier key.
 */
export function signatureKeyId(note: string): string | null {
  const line = note.split('\n').find((l) => l.startsWith('\u2014 '));
  const b64 = line?.split(' ').at(-1);
  if (!b64) return null;
  try {
    const raw = atob(b64);
    if (raw.length < 4) return null;
    return Array.from(raw.slice(0, 4), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

const minute = 60_000;
/** How long ago, in words: "just now", "12 min ago", "3 h ago", "2 d ago". */
export function ago(iso: string, now = Date.now()): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  if (ms < minute) return 'just now';
  if (ms < 60 * minute) return `${Math.floor(ms / minute)} min ago`;
  if (ms < 24 * 60 * minute) return `${Math.floor(ms / (60 * minute))} h ago`;
  return `${Math.floor(ms / (24 * 60 * minute))} d ago`;
}
