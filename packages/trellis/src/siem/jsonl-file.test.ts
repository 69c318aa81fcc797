/**
 * The jsonl-file transport on a real file system: one event per line, appended across batches
 * and transport instances, rotated by size and at a new UTC day, only `keep` rotated files kept,
 * and paths refused when not absolute, not normalised or not a .jsonl file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonlFileTransport } from './jsonl-file.ts';
import { sampleEvents } from './test-receiver.ts';

const deps = { secret: () => Promise.reject(new Error('no secrets here')), hostName: 'test-host' };
const signal = new AbortController().signal;

describe('jsonl-file transport', () => {
  let dir: string;
  const make = (extra: Record<string, unknown> = {}) => jsonlFileTransport.create(jsonlFileTransport.configSchema.parse({ path: join(dir, 'logs', 'audit.jsonl'), ...extra }), deps);
  const lines = (file: string) => readFileSync(join(dir, 'logs', file), 'utf8').split('\n').filter((l) => l !== '');
  const rotated = () => readdirSync(join(dir, 'logs')).filter((f) => f !== 'audit.jsonl').sort();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'siem-jsonl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one OCSF event per line, creating the directory, across batches and restarts', async () => {
    const first = make();
    const a = sampleEvents(3);
    await first.deliver(a, signal);
    await first.close();
    const b = sampleEvents(2, 4);
    const second = make();
    await second.deliver(b, signal);
    await second.close();
    expect(lines('audit.jsonl').map((l) => (JSON.parse(l) as { metadata: { uid: string } }).metadata.uid)).toEqual([...a, ...b].map((e) => e.uid));
    expect(rotated()).toEqual([]);
  });

  it('rotates before a batch would pass maxBytes and keeps only the newest `keep` rotated files', async () => {
    const t = make({ maxBytes: 1024, keep: 2 });
    const all = [];
    for (let i = 0; i < 12; i++) {
      const batch = sampleEvents(2, i * 2 + 1);
      all.push(...batch);
      await t.deliver(batch, signal);
    }
    await t.close();
    const files = rotated();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^audit-\d{8}T\d{9}Z(-\d+)?\.jsonl$/);
    // Every file within the limit; the newest events are the current file's, the kept ones before them in order.
    const kept = [...files, 'audit.jsonl'].flatMap((f) => lines(f).map((l) => (JSON.parse(l) as { metadata: { uid: string } }).metadata.uid));
    expect(kept).toEqual(all.slice(all.length - kept.length).map((e) => e.uid));
    for (const f of [...files, 'audit.jsonl']) expect(readFileSync(join(dir, 'logs', f)).length).toBeLessThanOrEqual(1024);
  });

  it('rotates a file last written on an earlier UTC day at the first write of the day', async () => {
    const path = join(dir, 'logs', 'audit.jsonl');
    await make().deliver(sampleEvents(1), signal);
    writeFileSync(path, readFileSync(path));
    const yesterday = new Date(Date.now() - 86_400_000);
    utimesSync(path, yesterday, yesterday);
    const t = make();
    await t.deliver(sampleEvents(1, 2), signal);
    await t.close();
    expect(rotated()).toHaveLength(1);
    expect(lines('audit.jsonl')).toHaveLength(1);
    expect(lines(rotated()[0]!)).toHaveLength(1);
  });

  it('does not rotate by day when rotateDaily is off', async () => {
    const path = join(dir, 'logs', 'audit.jsonl');
    await make().deliver(sampleEvents(1), signal);
    const yesterday = new Date(Date.now() - 86_400_000);
    utimesSync(path, yesterday, yesterday);
    await make({ rotateDaily: false }).deliver(sampleEvents(1, 2), signal);
    expect(rotated()).toEqual([]);
    expect(lines('audit.jsonl')).toHaveLength(2);
  });

  it('fails transiently when the file cannot be written', async () => {
    writeFileSync(join(dir, 'logs'), 'a file where the directory should be');
    await expect(make().deliver(sampleEvents(1), signal)).rejects.toMatchObject({ name: 'DeliveryError', permanent: false });
  });

  it('refuses paths that are relative, not normalised or not .jsonl files, naming the field', () => {
    for (const path of ['audit.jsonl', '/var/log/../etc/audit.jsonl', '/var/log//audit.jsonl', '/var/log/audit.txt', '/var/log/a b.jsonl']) {
      const r = jsonlFileTransport.configSchema.safeParse({ path });
      expect(r.success, path).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['path']);
    }
    expect(jsonlFileTransport.configSchema.safeParse({ path: '/var/log/trellis/audit.jsonl', keep: -1 }).error!.issues[0]!.path).toEqual(['keep']);
  });
});
