/**
 * Scans an input of unknown size and kind (a file or standard input, as a stream of bytes) the
 * way `trellis dlp scan` needs: the format is decided from a bounded prefix, and no format holds
 * the whole input unless it must.
 *
 * - text: streamed through `scanStream`, so memory stays at a few windows however large the
 *   input; offsets are global, in UTF-16 code units of the decoded text.
 * - JSONL: split into lines over bytes; each line is parsed and scanned as a record, and its
 *   findings' paths are prefixed `line N: `. A line that is not JSON (the prefix only showed the
 *   first lines) is scanned as text, path `line N`. A line longer than `maxLineBytes` is an error,
 *   not a silent skip: the record would have to be held whole to be parsed.
 * - JSON document: parsing needs the whole value, so it is held, up to `maxJsonBytes`; a bigger
 *   one is an error that names JSONL (or `--format text`) as the way to stream it.
 *
 * Binary-looking and invalid UTF-8 input is still scanned (secrets sit in binaries too), decoded
 * leniently with U+FFFD replacing bad bytes; the caller is told through `onNote`.
 */
import { isUtf8 } from 'node:buffer';
import type { Finding, ScanOptions } from './types.ts';
import { scan } from './scan.ts';
import { scanStream } from './stream.ts';
import { scanRecord } from './structured.ts';
import { DlpTooDeepError, DlpUnsupportedInputError } from './errors.ts';

export type InputFormat = 'text' | 'json' | 'jsonl';

export interface InputLimits {
  /** Bytes read before the format is decided (default 64 KiB). */
  peekBytes: number;
  /** Largest JSON document parsed whole (default 256 MiB). */
  maxJsonBytes: number;
  /** Longest JSONL line (default 64 MiB). */
  maxLineBytes: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { peekBytes: 64 * 1024, maxJsonBytes: 256 * 1024 * 1024, maxLineBytes: 64 * 1024 * 1024 };

export interface ScanInputOptions extends ScanOptions {
  /** `auto` (default) decides from the first `peekBytes`. */
  format?: InputFormat | 'auto';
  /** Names the input in notes and errors (a path, or `standard input`). */
  label?: string;
  /** Input size in bytes when known up front (a file), so an oversize JSON document fails before it is read. */
  size?: number;
  limits?: Partial<InputLimits>;
  /** One-line remarks for the user about how the input was read. */
  onNote?: (message: string) => void;
}

export interface Detection {
  format: InputFormat;
  /** The prefix has NUL bytes or is mostly control characters and invalid UTF-8. */
  binary: boolean;
}

type Chunks = AsyncIterable<Uint8Array>;

const MiB = 1024 * 1024;
const sizeText = (bytes: number): string => (bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`);

/**
 * Reads up to `bytes` (more if a chunk overshoots) and hands back the prefix plus a stream that
 * replays it before the rest, so detection costs no second read and works on standard input.
 */
export async function peekInput(source: Chunks, bytes: number): Promise<{ head: Buffer; complete: boolean; source: AsyncGenerator<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let n = 0;
  let complete = false;
  while (n < bytes) {
    const r = await it.next();
    if (r.done) {
      complete = true;
      break;
    }
    const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    seen.push(b);
    n += b.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    let finished = complete;
    try {
      while (seen.length > 0) yield seen.shift()!;
      while (!finished) {
        const r = await it.next();
        if (r.done) finished = true;
        else yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      }
    } finally {
      // A consumer that stops early (an error in a later line) must still release the file.
      if (!finished) await it.return?.();
    }
  }
  return { head: Buffer.concat(seen), complete, source: replay() };
}

/**
 * Whether `text` starts like a JSON value: `invalid` at a character no JSON value could have
 * there, `partial` when the text ends inside the first value, `complete` with `end` just past it.
 * Only the syntax is checked, in one linear pass, so it runs on a truncated prefix.
 */
export function jsonPrefix(text: string, from = 0): { state: 'invalid' | 'partial' | 'complete'; end: number } {
  const stack: Array<'{' | '['> = [];
  let i = from;
  let expect: 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' = 'value';
  const invalid = () => ({ state: 'invalid' as const, end: i });
  const partial = () => ({ state: 'partial' as const, end: text.length });
  for (;;) {
    WHITESPACE.lastIndex = i;
    WHITESPACE.test(text);
    i = WHITESPACE.lastIndex;
    if (i >= text.length) return partial();
    const c = text[i]!;
    const closer = stack.at(-1) === '{' ? '}' : ']';
    if ((expect === 'key-or-close' || expect === 'value-or-close' || expect === 'comma-or-close') && c === closer) {
      i++;
      stack.pop();
      if (stack.length === 0) return { state: 'complete', end: i };
      expect = 'comma-or-close';
      continue;
    }
    if (expect === 'comma-or-close') {
      if (c !== ',') return invalid();
      i++;
      expect = stack.at(-1) === '{' ? 'key' : 'value';
      continue;
    }
    if (expect === 'colon') {
      if (c !== ':') return invalid();
      i++;
      expect = 'value';
      continue;
    }
    if (expect === 'key' || expect === 'key-or-close') {
      if (c !== '"') return invalid();
      const end = stringEnd(text, i);
      if (end === 'partial') return partial();
      if (end === 'invalid') return invalid();
      i = end;
      expect = 'colon';
      continue;
    }
    // a value
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      expect = c === '{' ? 'key-or-close' : 'value-or-close';
      continue;
    }
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end === 'partial') return partial();
      if (end === 'invalid') return invalid();
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_TAIL.lastIndex = i;
      if (NUMBER_TAIL.test(text)) return partial(); // the number may go on past the prefix
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return invalid();
      i = NUMBER.lastIndex;
    } else {
      const literal = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : '';
      if (!literal) return invalid();
      const got = text.slice(i, i + literal.length);
      if (got !== literal) return literal.startsWith(got) && i + got.length === text.length ? partial() : invalid();
      i += literal.length;
    }
    if (stack.length === 0) return { state: 'complete', end: i };
    expect = 'comma-or-close';
  }
}

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const NUMBER_TAIL = /[-+.0-9eE]*$/y;
// JSON strings may not hold raw control characters, so the character class must name them.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
// eslint-disable-next-line no-control-regex
const STRING_TAIL = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*(?:\\|\\u[0-9a-fA-F]{0,3})?$/y;

function stringEnd(text: string, at: number): number | 'partial' | 'invalid' {
  STRING.lastIndex = at;
  if (STRING.test(text)) return STRING.lastIndex;
  STRING_TAIL.lastIndex = at;
  return STRING_TAIL.test(text) ? 'partial' : 'invalid';
}

function everyLineJson(lines: Iterable<string>): boolean {
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      JSON.parse(line);
    } catch {
      return false;
    }
  }
  return true;
}

/** Characters text does not have: controls other than tab, line breaks, form feed and ESC (which
 *  coloured logs use), and U+FFFD, which stands for invalid UTF-8. */
function oddCharacters(text: string): number {
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && (c < 0x09 || c > 0x0d) && c !== 0x1b) || c === 0x7f || c === 0xfffd) odd++;
  }
  return odd;
}

/**
 * Decides the format from the first bytes. `complete` says the prefix is the whole input; then
 * the answer is exact (one JSON value, else every non-empty line a JSON value, else text).
 * Otherwise a prefix that is a valid start of one JSON value is a JSON document, one whose
 * complete lines are each a JSON value is JSONL, and anything else is text.
 */
export function detectInput(head: Uint8Array, complete: boolean): Detection {
  const text = new TextDecoder('utf-8').decode(head, { stream: !complete });
  if (head.includes(0) || oddCharacters(text) > text.length * 0.3) return { format: 'text', binary: true };
  const start = text.search(/[^ \t\n\r]/);
  if (start < 0 || (text[start] !== '{' && text[start] !== '[')) return { format: 'text', binary: false };
  if (complete) {
    try {
      JSON.parse(text);
      return { format: 'json', binary: false };
    } catch {
      return { format: everyLineJson(text.split('\n')) ? 'jsonl' : 'text', binary: false };
    }
  }
  const first = jsonPrefix(text, start);
  if (first.state === 'invalid') return { format: 'text', binary: false };
  if (first.state === 'partial') return { format: 'json', binary: false };
  const next = text.slice(first.end).search(/[^ \t\n\r]/);
  if (next < 0) return { format: 'json', binary: false };
  // Another value follows: JSONL only if values are one per line, judged on the complete lines.
  if (!text.slice(first.end, first.end + next).includes('\n')) return { format: 'text', binary: false };
  const lines = text.slice(0, text.lastIndexOf('\n')).split('\n');
  return { format: everyLineJson(lines) ? 'jsonl' : 'text', binary: false };
}

/**
 * Watches a byte stream for invalid UTF-8 without holding it: each chunk is checked whole except
 * a trailing incomplete sequence, which is carried into the next check.
 */
async function* watchUtf8(source: Chunks, onInvalid: () => void): AsyncGenerator<Uint8Array> {
  let carry: Uint8Array = new Uint8Array(0);
  let valid = true;
  for await (const chunk of source) {
    if (valid) {
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const keep = incompleteTail(bytes);
      carry = bytes.subarray(bytes.length - keep);
      if (!isUtf8(bytes.subarray(0, bytes.length - keep))) {
        valid = false;
        onInvalid();
      }
    }
    yield chunk;
  }
  if (valid && carry.length > 0) onInvalid();
}

/** Length of a multi-byte sequence cut off at the end of `bytes` (0..3). */
function incompleteTail(bytes: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: the lead is further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

/** Splits a byte stream at `\n` without decoding the whole; lines keep a trailing `\r`. */
async function* byteLines(source: Chunks, maxLineBytes: number, tooLong: (line: number) => Error): AsyncGenerator<{ line: number; bytes: Uint8Array }> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let line = 0;
  for await (const chunk of source) {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
      line++;
      if (pendingBytes + nl - from > maxLineBytes) throw tooLong(line);
      const part = chunk.subarray(from, nl);
      yield { line, bytes: pending.length > 0 ? Buffer.concat([...pending, part]) : part };
      pending = [];
      pendingBytes = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      pending.push(chunk.subarray(from));
      pendingBytes += chunk.length - from;
      if (pendingBytes > maxLineBytes) throw tooLong(line + 1);
    }
  }
  if (pendingBytes > 0) yield { line: line + 1, bytes: Buffer.concat(pending) };
}

async function* scanJsonl(source: Chunks, opts: ScanInputOptions, limits: InputLimits, label: string): AsyncGenerator<Finding> {
  const decoder = new TextDecoder('utf-8');
  const tooLong = (n: number) =>
    new DlpUnsupportedInputError(`${label} line ${n} is longer than ${sizeText(limits.maxLineBytes)}; a JSONL line is parsed whole, so split that record, or pass --format text to scan the input as plain text`);
  let notJson = 0;
  let firstNotJson = 0;
  let tooDeep = 0;
  let firstTooDeep = 0;
  for await (const { line, bytes } of byteLines(source, limits.maxLineBytes, tooLong)) {
    const text = decoder.decode(bytes);
    if (text.trim() === '') continue;
    const onTestValue = opts.onTestValue;
    // Test values set aside are named like findings: by line, and by field within a record.
    const asText = onTestValue ? { ...opts, onTestValue: (f: Finding) => onTestValue({ ...f, path: `line ${line}` }) } : opts;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      if (notJson++ === 0) firstNotJson = line;
      for (const f of scan(text, asText)) yield { ...f, path: `line ${line}` };
      continue;
    }
    const found = recordOrText(record, onTestValue ? { ...opts, onTestValue: (f: Finding) => onTestValue({ ...f, path: `line ${line}: ${f.path ?? '$'}` }) } : opts);
    if (found === null) {
      if (tooDeep++ === 0) firstTooDeep = line;
      for (const f of scan(text, asText)) yield { ...f, path: `line ${line}` };
      continue;
    }
    for (const f of found) yield { ...f, path: `line ${line}: ${f.path ?? '$'}` };
  }
  if (tooDeep > 0) opts.onNote?.(`${label}: ${tooDeep === 1 ? `line ${firstTooDeep} nests` : `${tooDeep} lines (the first is line ${firstTooDeep}) nest`} too deep to read as records; scanned as text`);
  if (notJson > 0) opts.onNote?.(`${label}: ${notJson === 1 ? `line ${firstNotJson} is` : `${notJson} lines (the first is line ${firstNotJson}) are`} not JSON; scanned as text`);
}

async function* scanJsonDocument(source: Chunks, opts: ScanInputOptions, limits: InputLimits, label: string, strict: boolean): AsyncGenerator<Finding> {
  const tooBig = () =>
    new DlpUnsupportedInputError(`${label} looks like one JSON document larger than ${sizeText(limits.maxJsonBytes)}, which would have to be parsed whole; write it as JSONL (one record per line) to stream it, or pass --format text to scan it as plain text`);
  if (opts.size !== undefined && opts.size > limits.maxJsonBytes) throw tooBig();
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > limits.maxJsonBytes) throw tooBig();
    parts.push(decoder.decode(chunk, { stream: true }));
  }
  parts.push(decoder.decode());
  const text = parts.join('');
  parts.length = 0;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    // The parser's message quotes the input, which may be the very data being looked for.
    if (strict) throw new DlpUnsupportedInputError(`${label} is not a JSON document (pass --format text or --format jsonl)`);
    // Only the prefix looked like JSON: read it the way a whole small input would be read.
    if (everyLineJson(text.split('\n'))) {
      // The document already passed the size bound, so no line of it can be too long.
      yield* scanJsonl((async function* () {
        yield Buffer.from(text);
      })(), opts, { ...limits, maxLineBytes: limits.maxJsonBytes }, label);
    } else {
      yield* scanStream(once(text), opts);
    }
    return;
  }
  const found = recordOrText(record, opts);
  if (found !== null) {
    yield* found;
    return;
  }
  opts.onNote?.(`${label} nests too deep to read as a record; scanned as text`);
  yield* scanStream(once(text), opts);
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

/** The record's findings, or null when it nests too deep to walk: the caller then scans its text,
 *  so nothing in it goes unscanned. */
function recordOrText(record: unknown, opts: ScanInputOptions): Finding[] | null {
  try {
    return scanRecord(record, opts);
  } catch (err) {
    if (err instanceof DlpTooDeepError) return null;
    throw err;
  }
}

/**
 * Scans a byte stream, yielding findings as they are found (in input order), with the format
 * chosen by `options.format` or detected from the first bytes.
 * @example
 *   for await (const f of scanInput(createReadStream('export.jsonl'), { label: 'export.jsonl' })) console.log(f.path, f.entity);
 */
export async function* scanInput(source: Chunks, options: ScanInputOptions = {}): AsyncGenerator<Finding> {
  const limits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
  const label = options.label ?? 'input';
  const peeked = await peekInput(source, limits.peekBytes);
  const detected = detectInput(peeked.head, peeked.complete);
  const format = options.format && options.format !== 'auto' ? options.format : detected.format;
  const binaryNote = detected.binary && format === 'text';
  if (binaryNote) options.onNote?.(`${label} looks binary; scanned as text with invalid UTF-8 replaced`);
  const bytes = watchUtf8(peeked.source, () => {
    if (!binaryNote) options.onNote?.(`${label} is not valid UTF-8; invalid bytes were replaced with U+FFFD, and offsets count each replacement as one character`);
  });
  if (format === 'jsonl') yield* scanJsonl(bytes, options, limits, label);
  else if (format === 'json') yield* scanJsonDocument(bytes, options, limits, label, options.format === 'json');
  else yield* scanStream(bytes, options);
}
