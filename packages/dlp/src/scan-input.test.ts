import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { Finding } from './types.ts';
import { detectInput, jsonPrefix, peekInput, scanInput, type ScanInputOptions } from './scan-input.ts';
import { scan } from './scan.ts';
import { scanRecord } from './structured.ts';

const CARD = '4532015112830366'; // Luhn-valid, not a documented test number

function chunked(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function run(input: string | Buffer, options: ScanInputOptions = {}, chunk = 4096): Promise<{ findings: Finding[]; notes: string[] }> {
  const notes: string[] = [];
  const findings: Finding[] = [];
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  for await (const f of scanInput(chunked(bytes, chunk), { label: 'in.txt', onNote: (m) => notes.push(m), ...options })) findings.push(f);
  return { findings, notes };
}

const records = (n: number, at: number, value: string) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, note: i === at ? `card on file ${value}` : `order ${i} shipped to the depot` })).join('\n');

describe('jsonPrefix', () => {
  it('tells a truncated JSON value from text that only starts with a bracket', () => {
    expect(jsonPrefix('{"a": [1, -2.5e3, true, null, "x\\u00e9"], "b": {')).toMatchObject({ state: 'partial' });
    expect(jsonPrefix('{"a": "unterminated \\u00')).toMatchObject({ state: 'partial' });
    expect(jsonPrefix('[1, 2, 3')).toMatchObject({ state: 'partial' });
    expect(jsonPrefix('[1, tr')).toMatchObject({ state: 'partial' });
    expect(jsonPrefix('{"a":1}\n{"b"')).toEqual({ state: 'complete', end: 7 });
    expect(jsonPrefix('[2024-01-01 12:00:00] INFO started')).toMatchObject({ state: 'invalid' });
    expect(jsonPrefix('[section]\nkey = value')).toMatchObject({ state: 'invalid' });
    expect(jsonPrefix('{{ template }}')).toMatchObject({ state: 'invalid' });
    expect(jsonPrefix('{"a" 1}')).toMatchObject({ state: 'invalid' });
    expect(jsonPrefix('["a\\q"]')).toMatchObject({ state: 'invalid' });
    expect(jsonPrefix('[01]')).toMatchObject({ state: 'invalid' });
  });
});

describe('detectInput', () => {
  const partial = (s: string) => detectInput(Buffer.from(s), false);
  const whole = (s: string) => detectInput(Buffer.from(s), true);

  it('reads a whole small input exactly as before: one JSON value, else JSON lines, else text', () => {
    expect(whole(' {"a": 1}\n')).toEqual({ format: 'json', binary: false });
    expect(whole('{"a": 1}\n\n[2]\n')).toEqual({ format: 'jsonl', binary: false });
    expect(whole('{"a": 1}\nnot json\n')).toEqual({ format: 'text', binary: false });
    expect(whole('card 4532015112830366')).toEqual({ format: 'text', binary: false });
    expect(whole('')).toEqual({ format: 'text', binary: false });
  });

  it('decides from a prefix of a larger input', () => {
    expect(partial('{\n  "employees": [\n    {"name": "a", "email": "a@b.io"},\n    {"na')).toMatchObject({ format: 'json' });
    expect(partial('{"id":1}\r\n{"id":2}\n{"id":3,"no')).toMatchObject({ format: 'jsonl' });
    expect(partial('{"id":1}\n{"id":2} trailing\n{"id":3}')).toMatchObject({ format: 'text' });
    expect(partial('{"id":1} {"id":2}\n')).toMatchObject({ format: 'text' });
    expect(partial('[2024-01-01T00:00:00Z] INFO api started\n[2024-01-01T00:00:01Z] INFO')).toMatchObject({ format: 'text' });
    expect(partial('[database]\nhost = "db"\n')).toMatchObject({ format: 'text' });
  });

  it('calls input binary when it has NUL bytes or is mostly not text, and then scans it as text', () => {
    expect(detectInput(Buffer.from('{"a": "x\u0000"}'), true)).toEqual({ format: 'text', binary: true });
    expect(detectInput(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x03, 0x04, 0xff, 0xfe, 0x90]), false)).toMatchObject({ binary: true });
    // Latin-1 prose: a few invalid bytes do not make it binary.
    expect(detectInput(Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e and more words here', 'latin1'), true)).toEqual({ format: 'text', binary: false });
    expect(detectInput(Buffer.from('\u001b[32mok\u001b[0m\tdone\r\n'), true)).toMatchObject({ binary: false });
  });
});

describe('peekInput', () => {
  it('replays the peeked chunks before the rest, so nothing is lost or read twice', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(''));
    const peeked = await peekInput(chunked(bytes, 1000), 2500);
    expect(peeked.head.length).toBe(3000);
    expect(peeked.complete).toBe(false);
    const all: Buffer[] = [];
    for await (const c of peeked.source) all.push(c);
    expect(Buffer.concat(all).equals(bytes)).toBe(true);
    const small = await peekInput(chunked(Buffer.from('short'), 2), 100);
    expect(small).toMatchObject({ complete: true });
    expect(small.head.toString()).toBe('short');
  });
});

describe('scanInput', () => {
  it('streams text with global offsets, agreeing with a whole-text scan', async () => {
    const text = Array.from({ length: 3000 }, (_, i) => (i % 700 === 5 ? `paid by card ${CARD} today` : `row ${i} nothing to see`)).join('\n');
    const { findings, notes } = await run(text, {}, 777);
    expect(findings).toEqual(scan(text));
    expect(findings.filter((f) => f.entity === 'CREDIT_CARD')).toHaveLength(5);
    expect(notes).toEqual([]);
  });

  it('scans JSONL a line at a time, with paths prefixed by the line number', async () => {
    const input = `${records(4000, 3210, CARD)}\n`;
    expect(input.length).toBeGreaterThan(64 * 1024); // detected from a prefix, not the whole
    const { findings } = await run(input, {}, 1000);
    expect(findings).toEqual([expect.objectContaining({ entity: 'CREDIT_CARD', path: 'line 3211: $.note', start: 13, end: 29 })]);
  });

  it('scans a JSONL line that is not JSON as text, and says so', async () => {
    const input = `${records(3000, -1, '')}\nloose text with card ${CARD}\n${records(2, 1, CARD)}`;
    const { findings, notes } = await run(input);
    expect(findings.map((f) => f.path)).toEqual(['line 3001', 'line 3003: $.note']);
    expect(findings[0]).toMatchObject({ start: 21, end: 37 });
    expect(notes).toEqual(['in.txt: line 3001 is not JSON; scanned as text']);
  });

  it('scans a record too deep to walk as text, so nothing in it goes unscanned, and says so', async () => {
    const deep = `${'{"a":'.repeat(100)}"card ${CARD}"${'}'.repeat(100)}`;
    const lines = await run(`{"ok": 1}\n${deep}\n`, { format: 'jsonl' });
    expect(lines.findings).toEqual([expect.objectContaining({ entity: 'CREDIT_CARD', path: 'line 2' })]);
    expect(lines.notes).toEqual([expect.stringMatching(/line 2 nests too deep to read as records; scanned as text/)]);
    const doc = await run(deep, { format: 'json' });
    expect(doc.findings).toEqual([expect.objectContaining({ entity: 'CREDIT_CARD', start: deep.indexOf(CARD) })]);
    expect(doc.notes).toEqual([expect.stringMatching(/nests too deep to read as a record; scanned as text/)]);
  });
  it('stops at a JSONL line over the bound, naming the line', async () => {
    const input = `${records(3000, -1, '')}\n{"blob": "${'x'.repeat(5000)}"}\n`;
    await expect(run(input, { limits: { maxLineBytes: 4096 } })).rejects.toThrow(/line 3001 is longer than 4096 bytes.*--format text/);
  });

  it('scans a JSON document field by field, and refuses one over the bound', async () => {
    const doc = { employees: Array.from({ length: 3000 }, (_, i) => ({ id: i, card: i === 2500 ? CARD : `n/a ${i}` })) };
    const text = JSON.stringify(doc, null, 2);
    const { findings } = await run(text, {}, 1000);
    expect(findings).toEqual(scanRecord(doc));
    expect(findings.map((f) => f.path)).toEqual(['$.employees[2500].card']);
    const limits = { maxJsonBytes: 64 * 1024 };
    await expect(run(text, { limits })).rejects.toThrow(/one JSON document larger than 65536 bytes.*JSONL/);
    // A known size fails before the input is read.
    await expect(run(text, { limits, size: text.length })).rejects.toThrow(/larger than 65536 bytes/);
  });

  it('falls back as a whole small input would when only the prefix looked like JSON', async () => {
    const text = `{"header": "${'h'.repeat(70_000)}"}\nnot json, card ${CARD}\n`;
    const { findings } = await run(text);
    expect(findings).toEqual(scan(text));
    await expect(run(text, { format: 'json' })).rejects.toThrow(/is not a JSON document/);
  });

  it('reads it as JSON lines when the prefix looked like one document and every line is JSON', async () => {
    const text = `{"header": "${'h'.repeat(70_000)}"}\n{"card": "${CARD}"}\n`;
    const { findings } = await run(text);
    expect(findings).toEqual([expect.objectContaining({ entity: 'CREDIT_CARD', path: 'line 2: $.card', start: 0, end: CARD.length })]);
  });

  it('honours a forced format', async () => {
    const text = JSON.stringify({ card: CARD });
    expect((await run(text, { format: 'text' })).findings).toEqual(scan(text));
    expect((await run(text, { format: 'jsonl' })).findings.map((f) => f.path)).toEqual(['line 1: $.card']);
  });

  it('scans binary input as text and notes it once', async () => {
    const bytes = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 0xff, 0xfe]), Buffer.from(` card ${CARD} `), Buffer.alloc(100)]);
    const { findings, notes } = await run(bytes);
    expect(findings.map((f) => f.entity)).toEqual(['CREDIT_CARD']);
    expect(notes).toEqual(['in.txt looks binary; scanned as text with invalid UTF-8 replaced']);
  });

  it('notes invalid UTF-8 anywhere in a stream, not a character split across chunks', async () => {
    const clean = Buffer.from(`${'é€😀'.repeat(20_000)} card ${CARD}`);
    expect((await run(clean, {}, 1001)).notes).toEqual([]);
    const late = Buffer.concat([clean, Buffer.from([0xc3]), Buffer.from(' tail')]);
    const { findings, notes } = await run(late, {}, 1001);
    expect(notes).toEqual(['in.txt is not valid UTF-8; invalid bytes were replaced with U+FFFD, and offsets count each replacement as one character']);
    expect(findings).toEqual(scan(late));
    // A truncated sequence at the very end is invalid too.
    expect((await run(Buffer.concat([Buffer.from('ok '), Buffer.from('€').subarray(0, 2)]))).notes).toHaveLength(1);
  });
});
