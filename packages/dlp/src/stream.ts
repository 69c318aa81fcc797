/**
 * Streaming scan for inputs too large to hold (a 1 GB export): bytes are decoded leniently in
 * chunks, each window is the new chunk plus an overlap carried from the previous one, and a
 * finding is emitted once — by the window where it starts before the overlap zone, or by the
 * last window. Each window also starts with the 40 characters before it, used only as context
 * words, so confidence does not depend on where a window starts. Memory stays at about
 * chunkSize + overlap characters. Offsets are global, in
 * UTF-16 code units of the decoded text (the same unit as `scan`).
 *
 * A finding longer than the overlap can be cut at a window edge, so the overlap (default 4096)
 * must exceed the longest entity you care about; secrets such as PEM keys are the long ones.
 */
import type { Readable } from 'node:stream';
import type { Finding, ScanOptions } from './types.ts';
import { scan } from './scan.ts';
import { CONTEXT_BEFORE } from './context.ts';

export interface StreamScanOptions extends ScanOptions {
  /** Characters scanned per window besides the overlap (default 1 MiB). */
  chunkSize?: number;
  /** Characters carried into the next window (default 4096). */
  overlap?: number;
}

async function* decodedChunks(source: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    if (typeof chunk === 'string') yield chunk;
    else if (chunk instanceof Uint8Array) yield decoder.decode(chunk, { stream: true });
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Scans a readable stream, yielding findings with global offsets in increasing order of start.
 * @example
 *   for await (const f of scanStream(createReadStream('dump.txt'))) console.log(f.entity, f.start);
 */
export async function* scanStream(source: Readable | AsyncIterable<Uint8Array | string>, options: StreamScanOptions = {}): AsyncGenerator<Finding> {
  const chunkSize = Math.max(1024, options.chunkSize ?? 1 << 20);
  const overlap = Math.max(0, Math.min(options.overlap ?? 4096, chunkSize));
  let window = '';
  let base = 0; // global offset of window[0]
  let lead = 0; // leading characters kept only as context for the detectors
  let emittedEnd = 0; // global end of the last emitted finding
  const flush = function* (final: boolean): Generator<Finding> {
    const safe = final ? window.length : window.length - overlap;
    // A test value in the overlap is counted by the window that emits findings there.
    const onTestValue = options.onTestValue;
    const windowOptions = onTestValue ? { ...options, onTestValue: (f: Finding) => f.start >= lead && f.start < safe && onTestValue({ ...f, start: f.start + base, end: f.end + base }) } : options;
    for (const f of scan(window, windowOptions)) {
      if (f.start < lead || f.start >= safe) continue;
      const g = { ...f, start: f.start + base, end: f.end + base };
      if (g.start < emittedEnd) continue;
      emittedEnd = g.end;
      yield g;
    }
    if (!final) {
      const keepFrom = Math.max(0, safe - CONTEXT_BEFORE);
      lead = safe - keepFrom;
      base += keepFrom;
      window = window.slice(keepFrom);
    }
  };
  for await (const text of decodedChunks(source as AsyncIterable<unknown>)) {
    window += text;
    while (window.length >= chunkSize + overlap) {
      const rest = window.slice(chunkSize + overlap);
      window = window.slice(0, chunkSize + overlap);
      yield* flush(false);
      window += rest;
    }
  }
  if (window.length > 0) yield* flush(true);
}

/** Collects a stream scan into an array (convenience for small inputs and tests). */
export async function scanStreamToArray(source: Readable | AsyncIterable<Uint8Array | string>, options: StreamScanOptions = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const f of scanStream(source, options)) out.push(f);
  return out;
}
