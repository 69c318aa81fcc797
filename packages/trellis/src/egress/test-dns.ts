/**
 * A DNS server for tests: UDP on 127.0.0.1 (port 0), answering A and AAAA questions from a
 * script, so tests exercise the real resolver path without the internet. Each name has a list
 * of answers per record type, given in turn (the last repeats): `rebind.test` can answer a public
 * address first and 127.0.0.1 after. Unknown names are NXDOMAIN; a known name without records of
 * the asked type answers with none. Every question is logged, so a test can count resolutions.
 */
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';

export interface TestDns {
  /** A resolver pointed at this server only. */
  resolver: Resolver;
  /** Script a name's answers for a type: one list of addresses per query, in turn, the last repeating. */
  answer(name: string, type: 'A' | 'AAAA', ...answers: string[][]): void;
  queries: { name: string; type: 'A' | 'AAAA' | number }[];
  close(): Promise<void>;
}

function ipv6Bytes(spelled: string): Buffer {
  // WHATWG URL spells an embedded IPv4 address in hex, the form parsed below.
  const address = new URL(`http://[${spelled}]/`).hostname.slice(1, -1);
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parts = (s: string | undefined) => (s ? s.split(':') : []);
  const h = parts(head);
  const t = parts(tail);
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function record(type: 'A' | 'AAAA', address: string, ttl: number): Buffer {
  const data = type === 'A' ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  head.writeUInt16BE(type === 'A' ? 1 : 28, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

export async function startTestDns(opts: { ttl?: number } = {}): Promise<TestDns> {
  const ttl = opts.ttl ?? 0;
  const script = new Map<string, { A?: string[][]; AAAA?: string[][] }>();
  const queries: TestDns['queries'] = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    if (msg.length < 12) return;
    let offset = 12;
    const labels: string[] = [];
    while (offset < msg.length && msg[offset]! !== 0) {
      const len = msg[offset]!;
      labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('latin1'));
      offset += len + 1;
    }
    const questionEnd = offset + 5;
    if (questionEnd > msg.length) return;
    const qtype = msg.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    const type = qtype === 1 ? 'A' : qtype === 28 ? 'AAAA' : qtype;
    queries.push({ name, type });
    const entry = script.get(name);
    let answers: string[] = [];
    if (entry && (type === 'A' || type === 'AAAA')) {
      const turns = entry[type] ?? [];
      answers = (turns.length > 1 ? turns.shift() : turns[0]) ?? [];
    }
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8180 | (msg.readUInt16BE(2) & 0x0100) | (entry ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const body = [header, msg.subarray(12, questionEnd), ...answers.map((a) => record(type as 'A' | 'AAAA', a, ttl))];
    socket.send(Buffer.concat(body), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return {
    resolver,
    answer(name, type, ...answers) {
      const entry = script.get(name.toLowerCase()) ?? {};
      entry[type] = answers;
      script.set(name.toLowerCase(), entry);
    },
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
