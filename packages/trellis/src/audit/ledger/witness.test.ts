import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { formatCheckpoint, noteSigner, openCheckpoint, parseVkey } from './signed-note.ts';
import { witnessFor, witnessId } from './witness.ts';

describe('witnesses', () => {
  it('a syslog witness receives the signed note as one octet-counted RFC 5424 message', async () => {
    const signer = noteSigner('trellis.test/audit', randomBytes(32));
    const note = signer.sign(formatCheckpoint({ origin: signer.name, size: 42, root: randomBytes(32), extensions: [] }));
    const received: Buffer[] = [];
    const done = new Promise<Buffer>((resolve) => {
      const server = createServer((s) => {
        s.on('data', (c: Buffer) => received.push(c));
        s.on('end', () => {
          server.close();
          resolve(Buffer.concat(received));
        });
      });
      server.listen(0, '127.0.0.1', () => {
        void witnessFor(`syslog+tcp://127.0.0.1:${(server.address() as AddressInfo).port}`).push({ origin: signer.name, size: 42, note }, 0, () => Promise.resolve([]));
      });
    });
    const frame = (await done).toString('utf8');
    const space = frame.indexOf(' ');
    const length = Number(frame.slice(0, space));
    const msg = frame.slice(space + 1);
    expect(Buffer.byteLength(msg, 'utf8')).toBe(length);
    expect(msg).toMatch(/^<109>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ trellis - audit-checkpoint \[checkpoint@32473 size="42"\] /);
    const carried = msg.slice(msg.indexOf('] ') + 2);
    expect(openCheckpoint(carried, parseVkey(signer.vkey)).size).toBe(42);
  });

  it('a refused syslog connection rejects the push', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    await expect(witnessFor(`syslog+tcp://127.0.0.1:${port}`).push({ origin: 'o', size: 1, note: 'n' }, 0, () => Promise.resolve([]))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('never shows credentials in a witness id', () => {
    expect(witnessId('https://user:s3cret@witness.example.test/w')).toBe('https://witness.example.test/w');
    expect(witnessId('file:///var/lib/witness.jsonl')).toBe('file:///var/lib/witness.jsonl');
  });
});
