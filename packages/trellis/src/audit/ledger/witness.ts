/**
 * Pushing checkpoints out of the server's reach, so that the server alone cannot rewrite history:
 * once a checkpoint sits with someone else, a rewritten or truncated trail no longer matches it.
 * - `file:///path`: appended as a JSON line ({origin, tree_size, note}), synced; an auditor hands
 *   the file to `trellis audit verify --witness`.
 * - `http(s)://…`: the C2SP tlog-witness `add-checkpoint` call (the witness checks the
 *   consistency proof from the size it last saw, and answers with its cosignature, or 409 with
 *   the size it knows, after which the push is retried from that size).
 * - `syslog+tcp://host:port`, `syslog+tls://host:port`: one RFC 5424 message (octet-counted)
 *   whose message is the signed note, for a log store the server cannot edit.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import tls from 'node:tls';
import type { Hash } from './merkle.ts';

export interface CheckpointToPush {
  origin: string;
  size: number;
  note: string;
}

/** Consistency proof from an older size to the checkpoint's size. */
export type ConsistencyFrom = (oldSize: number) => Promise<Hash[]>;

export interface Witness {
  /** The target as configured, with any credentials removed: safe to log and show. */
  id: string;
  push(c: CheckpointToPush, lastPushed: number, consistency: ConsistencyFrom): Promise<void>;
}

const TIMEOUT_MS = 10_000;

/** The target with user:password removed. */
export function witnessId(target: string): string {
  try {
    const u = new URL(target);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return target.replace(/\/\/[^@/]*@/, '//');
  }
}

function fileWitness(target: string): Witness {
  const path = fileURLToPath(target);
  return {
    id: witnessId(target),
    async push(c) {
      mkdirSync(dirname(path), { recursive: true });
      const fd = openSync(path, 'a', 0o600);
      try {
        writeSync(fd, JSON.stringify({ origin: c.origin, tree_size: c.size, note: c.note }) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function httpWitness(target: string): Witness {
  const base = target.replace(/\/+$/, '');
  const send = async (c: CheckpointToPush, oldSize: number, consistency: ConsistencyFrom): Promise<Response> => {
    const proof = oldSize > 0 && oldSize < c.size ? await consistency(oldSize) : [];
    const body = `old ${oldSize}\n${proof.map((h) => h.toString('base64') + '\n').join('')}\n${c.note}`;
    return fetch(`${base}/add-checkpoint`, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' }, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  };
  return {
    id: witnessId(target),
    async push(c, lastPushed, consistency) {
      let res = await send(c, lastPushed, consistency);
      if (res.status === 409) {
        // The witness knows another size for this log: prove consistency from that one.
        const known = Number((await res.text()).trim());
        if (!Number.isSafeInteger(known) || known < 0 || known > c.size) throw new Error(`witness answered 409 with a size it cannot hold (${c.size} is ours)`);
        if (known === c.size) return;
        res = await send(c, known, consistency);
      }
      if (!res.ok) {
        const why = res.status === 422 ? ' (it found the history inconsistent with what it saw before)' : res.status === 403 ? ' (it does not accept our key)' : '';
        throw new Error(`witness answered ${res.status}${why}`);
      }
      await res.arrayBuffer();
    },
  };
}

/** RFC 5424 with octet counting (RFC 6587): facility 13 (log audit), severity 5 (notice). */
export function syslogFrame(c: CheckpointToPush, at: Date): string {
  const msg = `<109>1 ${at.toISOString()} ${hostname() || '-'} trellis - audit-checkpoint [checkpoint@32473 size="${c.size}"] ${c.note}`;
  return `${Buffer.byteLength(msg, 'utf8')} ${msg}`;
}

function syslogWitness(target: string): Witness {
  const u = new URL(target);
  const secure = u.protocol === 'syslog+tls:';
  const port = Number(u.port || (secure ? 6514 : 601));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return {
    id: witnessId(target),
    push(c) {
      return new Promise<void>((resolve, reject) => {
        const socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
        socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('syslog witness timed out')));
        socket.once('error', reject);
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          socket.end(syslogFrame(c, new Date()), () => resolve());
        });
      });
    },
  };
}

export function witnessFor(target: string): Witness {
  if (target.startsWith('file:')) return fileWitness(target);
  if (target.startsWith('syslog+')) return syslogWitness(target);
  return httpWitness(target);
}
