/**
 * `trellis audit sinks …` as a user runs it: separate processes against a real server on
 * loopback, with a jsonl-file sink the test can read and an ocsf-http sink whose receiver
 * refuses events. Sinks are addressed by name or id, paused and resumed; JSON output for
 * scripts; exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trellis } from '../../test/run-cli.ts';
import { startTestServer, type TestServer } from '../../test/server.ts';
import { startOcsfReceiver, type OcsfReceiver, until } from './test-receiver.ts';


describe('trellis audit sinks', () => {
  let ts: TestServer;
  let receiver: OcsfReceiver;
  beforeAll(async () => {
    ts = await startTestServer('siem-cli');
    receiver = await startOcsfReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await ts.server.close();
  });

  it('adds, lists, shows, tests and removes sinks by name', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'siem-cli-')), 'out', 'audit.jsonl');
    const add = await trellis(['audit', 'sinks', 'add', 'local-file', '--type', 'jsonl-file', '--config', JSON.stringify({ path: file, keep: 3 }), '--start', 'beginning'], ts.env);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/added SIEM sink local-file \(snk_[0-9a-f]{20}\), delivering after seq 0/);
    // The worker writes the trail to the file.
    await until(() => existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 2, 'events in the file');
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!)).toMatchObject({ metadata: { version: '1.3.0' } });

    const list = await trellis(['audit', 'sinks', 'list'], ts.env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/local-file\s+jsonl-file\s+yes/);
    const json = await trellis(['--output', 'json', 'audit', 'sinks', 'list'], ts.env);
    const items = (JSON.parse(json.stdout) as { items: { id: string; name: string }[] }).items;
    expect(items.map((s) => s.name)).toEqual(['local-file']);

    const pause = await trellis(['audit', 'sinks', 'pause', 'local-file'], ts.env);
    expect(pause.stdout).toMatch(/paused SIEM sink local-file at seq \d+/);
    expect((await trellis(['audit', 'sinks', 'list'], ts.env)).stdout).toMatch(/local-file\s+jsonl-file\s+no/);
    expect((await trellis(['audit', 'sinks', 'resume', 'local-file'], ts.env)).code).toBe(0);

    const show = await trellis(['audit', 'sinks', 'show', items[0]!.id], ts.env);
    expect(show.stdout).toMatch(/^type\s+jsonl-file$/m);

    const test = await trellis(['audit', 'sinks', 'test', 'local-file'], ts.env);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/acknowledged test event [0-9a-f-]{36}/);
    expect(readFileSync(file, 'utf8')).toContain('siem.sink.test');

    const remove = await trellis(['audit', 'sinks', 'remove', 'local-file'], ts.env);
    expect(remove.code).toBe(0);
    const gone = await trellis(['audit', 'sinks', 'remove', 'local-file'], ts.env);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain('no SIEM sink named local-file');
  });

  it('says what is wrong with a sink: bad options, a refused config, a failing test, dead letters and replay', async () => {
    const badJson = await trellis(['audit', 'sinks', 'add', 'x', '--type', 'ocsf-http', '--config', '{not json'], ts.env);
    expect(badJson.code).toBe(2);
    const badClass = await trellis(['audit', 'sinks', 'add', 'x', '--type', 'ocsf-http', '--config', '{}', '--class', 'auth'], ts.env);
    expect(badClass.code).toBe(2);
    const refused = await trellis(['audit', 'sinks', 'add', 'x', '--type', 'ocsf-http', '--config', JSON.stringify({ url: 'http://siem.example.com/' })], ts.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('config.url');

    receiver.behave = () => ({ status: 400 });
    const add = await trellis(['audit', 'sinks', 'add', 'picky', '--type', 'ocsf-http', '--config', JSON.stringify({ url: receiver.url, allowPrivateHost: true, batchSize: 1 }), '--start', 'beginning', '--action', 'token.*'], ts.env);
    expect(add.code, add.stderr).toBe(0);
    const test = await trellis(['audit', 'sinks', 'test', 'picky'], ts.env);
    expect(test.code).toBe(1);
    expect(test.stdout).toMatch(/failed \(refused for good\): .*400/);
    // The bootstrap token's creation is refused for good: a dead letter.
    let dead = { items: [] as { seq: number }[] };
    await until(async () => {
      dead = JSON.parse((await trellis(['--output', 'json', 'audit', 'sinks', 'dead-letters', 'picky'], ts.env)).stdout) as typeof dead;
      return dead.items.length > 0;
    }, 'a dead letter');
    receiver.behave = () => 'ok';
    const replay = await trellis(['audit', 'sinks', 'dead-letters', 'picky', '--replay'], ts.env);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/replayed \d+: \d+ delivered, 0 still failing/);
  });
});
