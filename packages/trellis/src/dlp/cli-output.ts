/**
 * Where `trellis dlp scan` puts its findings. `table` and `jsonl` print each finding as it
 * arrives, so a scan of a huge input keeps neither the input nor its findings; `json` and
 * `sarif` are one document each and collect every finding first. Writes wait for the stream to
 * drain, so a slow reader (a pipe into `less`) slows the scan rather than growing a buffer.
 *
 * Findings carry offsets, never the matched values, so the output is safe to keep in CI logs.
 */
import { once } from 'node:events';
import type { Finding } from '@trellis/dlp';

export type OutputFormat = 'table' | 'jsonl' | 'json' | 'sarif';

export interface FindingSink {
  add(finding: Finding): Promise<void>;
  /** Prints what is still due (the document, or `no findings`). `json` also carries the count of
   *  documented test values the scan set aside. */
  end(summary?: { testValuesSuppressed: number }): Promise<void>;
  readonly count: number;
  /** The reader went away (`trellis dlp scan … | head`): nothing more can be printed. */
  readonly closed: boolean;
}

export function toSarif(findings: Finding[], file: string): unknown {
  const rules = [...new Set(findings.map((f) => f.entity))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'trellis-dlp', informationUri: 'https://github.com/trellis', rules: rules.map((id) => ({ id, shortDescription: { text: `Sensitive data: ${id}` } })) } },
      results: findings.map((f) => ({
        ruleId: f.entity,
        level: f.confidence >= 0.8 ? 'error' : 'warning',
        message: { text: `${f.entity} found by ${f.detector} (confidence ${f.confidence})${f.path ? ` at ${f.path}` : ''}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: file === '-' ? 'stdin' : file }, region: { charOffset: f.start, charLength: f.end - f.start } } }],
        properties: { confidence: f.confidence, detector: f.detector, ...(f.path ? { path: f.path } : {}) },
      })),
    }],
  };
}

/**
 * Rows print as they come, so column widths cannot be fitted to the findings: these fit the
 * common entities and detectors, a longer cell just pushes its row out, and the path, whose
 * length has no bound, is the last column.
 */
const WIDTHS = [18, 24, 4, 15]; // entity, detector, conf, span

export function tableRow(cells: string[]): string {
  return cells.map((c, i) => c.padEnd(WIDTHS[i] ?? 0)).join('  ').trimEnd();
}

export function createFindingSink(format: OutputFormat, file: string, out: NodeJS.WritableStream = process.stdout): FindingSink {
  let closed = false;
  // Without a listener, a closed pipe (EPIPE) would crash the process from an 'error' event.
  const onError = () => {
    closed = true;
  };
  out.on('error', onError);
  const write = async (text: string): Promise<void> => {
    if (closed) throw new Error('output closed');
    if (!out.write(text)) await once(out, 'drain');
  };
  const held: Finding[] = [];
  let count = 0;
  return {
    get count() {
      return count;
    },
    get closed() {
      return closed;
    },
    async add(f) {
      count++;
      if (format === 'jsonl') await write(`${JSON.stringify(f)}\n`);
      else if (format === 'table') {
        const header = count === 1 ? `${tableRow(['entity', 'detector', 'conf', 'span', 'path'])}\n` : '';
        await write(`${header}${tableRow([f.entity, f.detector, f.confidence.toFixed(2), `${f.start}-${f.end}`, f.path ?? ''])}\n`);
      } else held.push(f);
    },
    async end(summary) {
      if (format === 'json') await write(`${JSON.stringify({ findings: held, test_values_suppressed: summary?.testValuesSuppressed ?? 0 }, null, 2)}\n`);
      else if (format === 'sarif') await write(`${JSON.stringify(toSarif(held, file), null, 2)}\n`);
      else if (format === 'table' && count === 0) await write('no findings\n');
      // After a failure the listener stays, to absorb the broken stream's late errors.
      out.off('error', onError);
    },
  };
}
