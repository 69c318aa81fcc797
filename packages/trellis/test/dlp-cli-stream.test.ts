/**
 * `trellis dlp scan FILE|-` as a separate process on inputs it must not hold whole: a ~96 MiB
 * text file under a V8 heap cap that the same input, held as one string and scanned, does not
 * survive; standard input that reports findings before it ends; JSONL line by line; JSON
 * documents up to the size bound and a clear error above it; binary and invalid UTF-8 input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trellis, trellisBin, type CliRun } from './run-cli.ts';
import { generateCorpus, prng } from '../../../bench/dlp/corpus.ts';

const CARD = '4532015112830366'; // Luhn-valid, not a documented test number
const rnd = prng(2024);
const AWS_KEY = `AKIA${Array.from({ length: 16 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(rnd() * 32)]).join('')}`;
/** Heap for the streamed scan of the large file; holding that file as one string needs more. */
const HEAP_CAP_MB = 64;

interface Row {
  entity: string;
  detector: string;
  start: number;
  end: number;
  path: string;
}

/** Rows of the table output (entity, detector, conf, span, path). */
function rows(stdout: string): Row[] {
  return stdout.split('\n').slice(1).flatMap((line) => {
    const m = /^(\S+)\s+(\S+)\s+[\d.]+\s+(\d+)-(\d+)\s*(.*)$/.exec(line);
    return m ? [{ entity: m[1]!, detector: m[2]!, start: Number(m[3]), end: Number(m[4]), path: m[5]! }] : [];
  });
}

/**
 * Runs the CLI with `input` written to its standard input a piece at a time; after a piece, it
 * waits until standard output matches `until` (or the process ends), which shows findings come
 * out while the input is still open.
 */
function trellisFed(args: string[], pieces: Array<{ data: Buffer | string; until?: RegExp }>): Promise<CliRun & { seenBeforeEnd: boolean[] }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [trellisBin, ...args], { env: { ...process.env, TRELLIS_TOKEN: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let exited = false;
    let wake: () => void = () => {};
    const seenBeforeEnd: boolean[] = [];
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      wake();
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => {
      exited = true;
      wake();
      resolve({ code: code ?? -1, stdout, stderr, seenBeforeEnd });
    });
    void (async () => {
      for (const piece of pieces) {
        p.stdin.write(piece.data);
        if (piece.until) {
          const until = piece.until;
          await new Promise<void>((r) => {
            wake = () => {
              if (until.test(stdout) || exited) r();
            };
            wake();
          });
          seenBeforeEnd.push(until.test(stdout) && !exited);
        }
      }
      p.stdin.end();
    })();
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trellis-dlp-stream-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trellis dlp scan on a large text file', () => {
  let big: string;
  let planted: Array<{ start: number; end: number; entity: string }>;

  beforeAll(() => {
    // One 1 MiB block of log lines with planted cards and secrets (bench corpus), repeated
    // so the file is large while the values to find stay known.
    const corpus = generateCorpus({ dir: join(dir, 'corpus'), sizeBytes: 4 * 1024 * 1024, seed: 11 });
    const block = readFileSync(join(dir, 'corpus', 'logs.log'));
    const inBlock = corpus.planted.filter((p) => p.file === 'logs.log' && (p.entity === 'SECRET' || p.entity === 'CREDIT_CARD'));
    big = join(dir, 'big.log');
    planted = [];
    const fd = openSync(big, 'w');
    for (let i = 0; i < 96; i++) {
      writeSync(fd, block);
      for (const p of inBlock) planted.push({ start: p.start + i * block.length, end: p.end + i * block.length, entity: p.entity });
    }
    closeSync(fd);
  });

  it(`is scanned under a ${HEAP_CAP_MB} MB heap cap, every planted value reported at its offset`, { timeout: 180_000 }, async () => {
    const run = await trellis(['dlp', 'scan', big, '--entities', 'SECRET,CREDIT_CARD'], { NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}` });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const found = new Set(rows(run.stdout).map((r) => `${r.entity} ${r.start}-${r.end}`));
    const missing = planted.filter((p) => !found.has(`${p.entity} ${p.start}-${p.end}`));
    expect(planted.length).toBeGreaterThan(2000);
    expect(missing).toEqual([]);
  });

  it('stops quietly when the reader goes away (`| head`), exit 1 for the findings it printed', { timeout: 60_000 }, async () => {
    const run = await new Promise<CliRun>((resolve) => {
      const p = spawn(process.execPath, [trellisBin, 'dlp', 'scan', big], { env: { ...process.env, TRELLIS_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.once('data', (d: Buffer) => {
        stdout += d.toString();
        p.stdout.destroy();
      });
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    expect(run.stdout).toMatch(/^entity\s+detector/);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
  });

  it('needs more than that cap when held as one string (so the cap proves the streaming)', { timeout: 180_000 }, async () => {
    const code = `import { readFileSync } from 'node:fs'; import { scan } from '@trellis/dlp';
      const text = readFileSync(process.env.BIG_FILE, 'utf8'); console.log(scan(text, { entities: ['SECRET', 'CREDIT_CARD'] }).length);`;
    const run = await new Promise<CliRun>((resolve) => {
      const p = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx/esm', '--input-type=module', '-e', code], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, BIG_FILE: big },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (c, signal) => resolve({ code: c ?? (signal ? 128 : -1), stdout, stderr }));
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/heap out of memory|heap limit/i);
  });
});

describe('trellis dlp scan -', () => {
  it('reports text findings while standard input is still open, at global offsets', { timeout: 60_000 }, async () => {
    const filler = 'GET /api/v1/items?page=3 200 0.004s user=svc-reporting region=eu-west status=ok\n';
    const first = `${filler.repeat(10)}paid with card ${CARD} today\n${filler.repeat(20_000)}`; // > 1 MiB window
    const second = `aws_access_key_id = ${AWS_KEY}\n`;
    const run = await trellisFed(['dlp', 'scan', '-'], [{ data: first, until: /CREDIT_CARD/ }, { data: second }]);
    expect(run.seenBeforeEnd).toEqual([true]);
    expect(run.code).toBe(1);
    const text = first + second;
    expect(rows(run.stdout).map((r) => [r.entity, text.slice(r.start, r.end)])).toEqual([['CREDIT_CARD', CARD], ['SECRET', AWS_KEY]]);
  });

  it('reads JSONL a line at a time: "line N:" paths, a non-JSON line scanned as text', { timeout: 60_000 }, async () => {
    const line = (i: number, note: string) => `${JSON.stringify({ id: i, note })}\n`;
    let head = '';
    for (let i = 1; i <= 3000; i++) head += line(i, i === 100 ? `card on file ${CARD}` : `order ${i} shipped`);
    const tail = `${line(3001, 'nothing here')}free text, key ${AWS_KEY}\n${line(3003, `refund to ${CARD}`)}`;
    const run = await trellisFed(['dlp', 'scan', '-'], [{ data: head, until: /line 100: \$\.note/ }, { data: tail }]);
    expect(run.seenBeforeEnd).toEqual([true]);
    expect(run.code).toBe(1);
    expect(rows(run.stdout).map((r) => [r.entity, r.path, r.start])).toEqual([
      ['CREDIT_CARD', 'line 100: $.note', 13],
      ['SECRET', 'line 3002', 15],
      ['CREDIT_CARD', 'line 3003: $.note', 10],
    ]);
    expect(run.stderr).toBe('note: standard input: line 3002 is not JSON; scanned as text\n');
  });
});

describe('trellis dlp scan FILE by kind', () => {
  it('scans a JSON document field by field', { timeout: 60_000 }, async () => {
    const doc = { employees: Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `employee ${i}`, card: i === 2500 ? CARD : 'n/a' })) };
    const file = join(dir, 'doc.json');
    writeFileSync(file, JSON.stringify(doc, null, 2)); // larger than the 64 KiB prefix
    const run = await trellis(['dlp', 'scan', file, '--output', 'json']);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { findings: unknown[] }).findings).toEqual([expect.objectContaining({ entity: 'CREDIT_CARD', path: '$.employees[2500].card', start: 0, end: 16 })]);
  });

  it('refuses a JSON document over 256 MiB with exit 2, pointing to JSONL', { timeout: 60_000 }, async () => {
    const file = join(dir, 'huge.json');
    const records = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: i, note: 'ok' })).join(',\n');
    writeFileSync(file, `{"records": [\n${records}`); // more than the 64 KiB prefix
    truncateSync(file, 300 * 1024 * 1024); // sparse: only the size is checked, before reading on
    const run = await trellis(['dlp', 'scan', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/looks like one JSON document larger than 256 MiB.*JSONL \(one record per line\)/);
  });

  it('stops at a JSONL line over 64 MiB with exit 2, naming the line', { timeout: 60_000 }, async () => {
    const file = join(dir, 'long-line.jsonl');
    const fd = openSync(file, 'w');
    for (let i = 1; i <= 2000; i++) writeSync(fd, `${JSON.stringify({ id: i, note: i === 7 ? `card ${CARD}` : 'ok' })}\n`);
    writeSync(fd, '{"blob": "');
    writeSync(fd, Buffer.alloc(64 * 1024 * 1024 + 1, 'x'));
    writeSync(fd, '"}\n');
    closeSync(fd);
    const run = await trellis(['dlp', 'scan', file]);
    expect(run.code).toBe(2);
    expect(rows(run.stdout).map((r) => r.path)).toEqual(['line 7: $.note']); // found before the error
    expect(run.stderr).toMatch(/line 2001 is longer than 64 MiB.*--format text/);
  });

  it('scans binary input as text, says so on stderr, and still reports what it finds', { timeout: 60_000 }, async () => {
    const file = join(dir, 'app.bin');
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    writeFileSync(file, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), junk, Buffer.from(`\0aws_access_key_id = ${AWS_KEY}\0card ${CARD}\0`), junk]));
    const run = await trellis(['dlp', 'scan', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`note: ${file} looks binary; scanned as text with invalid UTF-8 replaced\n`);
    expect(rows(run.stdout).map((r) => r.entity).sort()).toEqual(['CREDIT_CARD', 'SECRET']);
  });

  it('decodes invalid UTF-8 leniently: offsets count each replacement as one character', { timeout: 60_000 }, async () => {
    const file = join(dir, 'latin1.txt');
    // Latin-1 é (one invalid byte), a valid è (two bytes), a cut-off € (two bytes, one U+FFFD).
    const bytes = Buffer.concat([Buffer.from('Caf'), Buffer.from([0xe9]), Buffer.from(' crème '), Buffer.from([0xe2, 0x82]), Buffer.from(`: card ${CARD}\n`)]);
    writeFileSync(file, bytes);
    const text = new TextDecoder().decode(bytes); // what the offsets are into
    const run = await trellis(['dlp', 'scan', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^note: .*latin1\.txt is not valid UTF-8; invalid bytes were replaced with U\+FFFD/);
    const [row] = rows(run.stdout);
    expect(text.slice(row!.start, row!.end)).toBe(CARD);
    expect(row!.start).toBe(bytes.indexOf(CARD) - 2);
  });

  it('writes SARIF and JSONL through the real binary; other commands refuse those formats', { timeout: 60_000 }, async () => {
    const file = join(dir, 'card.txt');
    writeFileSync(file, `card number ${CARD}\n`);
    const sarif = await trellis(['dlp', 'scan', file, '-o', 'sarif']);
    expect(sarif.code).toBe(1);
    expect((JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] })).toMatchObject({ version: '2.1.0', runs: [{ results: [{ ruleId: 'CREDIT_CARD' }] }] });
    const jsonl = await trellis(['--output', 'jsonl', 'dlp', 'scan', file]);
    expect(jsonl.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { entity: string }).entity)).toEqual(['CREDIT_CARD']);
    const other = await trellis(['whoami', '-o', 'sarif'], { TRELLIS_TOKEN: 'trl_0000000000000000_' + 'A'.repeat(43) });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--output must be table or json');
  });

  it('exits 0 with "no findings", and 2 for a missing file', async () => {
    const file = join(dir, 'clean.txt');
    writeFileSync(file, 'nothing sensitive in here\n');
    expect(await trellis(['dlp', 'scan', file])).toMatchObject({ code: 0, stdout: 'no findings\n' });
    const missing = await trellis(['dlp', 'scan', join(dir, 'absent.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*absent\.txt/);
  });

  it('says how many documented test values it set aside, and shows them on request', async () => {
    const file = join(dir, 'examples.txt');
    writeFileSync(file, 'contact: test@example.com\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\ncard 4111 1111 1111 1111\n');
    const run = await trellis(['dlp', 'scan', file]);
    expect(run).toMatchObject({ code: 0, stdout: 'no findings\n' });
    expect(run.stderr).toBe('3 documented test values set aside (--include-test-values to show them)\n');
    const json = await trellis(['--output', 'json', 'dlp', 'scan', file]);
    expect(JSON.parse(json.stdout)).toEqual({ findings: [], test_values_suppressed: 3 });
    const shown = await trellis(['--output', 'jsonl', 'dlp', 'scan', '--include-test-values', file]);
    expect(shown.code).toBe(1);
    expect(shown.stdout.trim().split('\n')).toHaveLength(3);
    expect(shown.stderr).toBe('');
  });
});
