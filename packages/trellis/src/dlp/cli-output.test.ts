import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import type { Finding } from '@trellis/dlp';
import { createFindingSink, type OutputFormat } from './cli-output.ts';

const card: Finding = { entity: 'CREDIT_CARD', start: 8, end: 24, confidence: 1, detector: 'credit-card', kind: 'pii', tag: 'pci.pan' };
const key: Finding = { entity: 'SECRET', start: 120, end: 140, confidence: 0.9, detector: 'aws-access-token', kind: 'secret', rule: 'aws-access-token', path: 'line 3: $.env' };

function capture(format: OutputFormat): { sink: ReturnType<typeof createFindingSink>; text: () => string } {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (d: Buffer) => parts.push(d));
  return { sink: createFindingSink(format, 'dump.txt', out), text: () => Buffer.concat(parts).toString() };
}

describe('createFindingSink', () => {
  it('prints table rows as findings arrive, the path last, and "no findings" for none', async () => {
    const t = capture('table');
    await t.sink.add(card);
    expect(t.text().split('\n')[1]).toMatch(/^CREDIT_CARD\s+credit-card\s+1\.00\s+8-24$/);
    await t.sink.add(key);
    await t.sink.end();
    const lines = t.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^entity\s+detector\s+conf\s+span\s+path$/);
    expect(lines[2]).toMatch(/^SECRET\s+aws-access-token\s+0\.90\s+120-140\s+line 3: \$\.env$/);
    expect(lines[2]!.indexOf('120-140')).toBe(lines[1]!.indexOf('8-24'));
    expect(t.sink.count).toBe(2);
    const none = capture('table');
    await none.sink.end();
    expect(none.text()).toBe('no findings\n');
  });

  it('prints one JSON line per finding for jsonl, and nothing at all for none', async () => {
    const j = capture('jsonl');
    await j.sink.add(card);
    expect(j.text()).toBe(`${JSON.stringify(card)}\n`);
    await j.sink.add(key);
    await j.sink.end();
    expect(j.text().trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([card, key]);
    const none = capture('jsonl');
    await none.sink.end();
    expect(none.text()).toBe('');
  });

  it('holds findings for the json and sarif documents until the end', async () => {
    const j = capture('json');
    await j.sink.add(card);
    expect(j.text()).toBe('');
    await j.sink.end();
    expect(JSON.parse(j.text())).toEqual({ findings: [card], test_values_suppressed: 0 });
    const s = capture('sarif');
    await s.sink.add(key);
    await s.sink.end();
    const sarif = JSON.parse(s.text()) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: unknown } }> }> }> };
    expect(sarif.runs[0]!.results[0]).toMatchObject({ ruleId: 'SECRET', locations: [{ physicalLocation: { artifactLocation: { uri: 'dump.txt' }, region: { charOffset: 120, charLength: 20 } } }] });
  });

  it('waits for a slow reader instead of buffering without bound', async () => {
    const written: string[] = [];
    let release: () => void = () => {};
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, done) {
        written.push(chunk.toString());
        release = done;
      },
    });
    const sink = createFindingSink('jsonl', 'x', slow);
    let settled = false;
    const pending = sink.add(card).then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false); // over the high-water mark: add() waits for 'drain'
    release();
    await pending;
    expect(written).toEqual([`${JSON.stringify(card)}\n`]);
  });

  it('marks itself closed when the reader goes away, so the scan can stop quietly', async () => {
    const gone = new Writable({
      write(_chunk, _enc, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' }));
      },
    });
    const sink = createFindingSink('table', 'x', gone);
    await sink.add(card).catch(() => {});
    await new Promise((r) => setImmediate(r));
    expect(sink.closed).toBe(true);
    await expect(sink.add(key)).rejects.toThrow();
  });
});
