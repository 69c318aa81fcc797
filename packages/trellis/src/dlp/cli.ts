/**
 * `trellis dlp …` commands. `registerDlpCommands(program)` adds them to the main CLI; running
 * this file directly (`npx tsx packages/trellis/src/dlp/cli.ts eval --dataset …`) is for
 * development. Commands never call process.exit: they set `process.exitCode` or throw a
 * DlpCliError carrying the exit code, and only the entry point exits.
 *
 * Exit codes of `dlp scan`: 0 no findings, 1 findings, 2 usage or input error.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { Finding } from './types.ts';
import { scan } from './scan.ts';
import { scanRecord } from './structured.ts';
import { evaluateDataset } from './eval/evaluate.ts';
import { formatEvalReport } from './eval/report.ts';
import { DlpError } from './errors.ts';

export class DlpCliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

interface ScanCommandOptions {
  output: 'json' | 'sarif' | 'table';
  minConfidence?: string;
  entities?: string;
  includeTestValues?: boolean;
}

async function readInput(file: string): Promise<Buffer> {
  if (file === '-') {
    const parts: Buffer[] = [];
    for await (const chunk of process.stdin) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(parts);
  }
  try {
    return await readFile(file);
  } catch {
    throw new DlpCliError(`cannot read ${file}: check the path (use - for standard input)`, 2);
  }
}

/** JSON → field-by-field; JSONL → each line as a record (path prefixed by the line); else text. */
function scanInput(bytes: Buffer, opts: Parameters<typeof scan>[1]): Finding[] {
  const text = new TextDecoder('utf-8').decode(bytes);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return scanRecord(JSON.parse(text) as unknown, opts);
    } catch {
      const lines = text.split('\n');
      const parsed: unknown[] = [];
      let ok = true;
      for (const l of lines) {
        if (l.trim() === '') {
          parsed.push(undefined);
          continue;
        }
        try {
          parsed.push(JSON.parse(l) as unknown);
        } catch {
          ok = false;
          break;
        }
      }
      if (ok) {
        const out: Finding[] = [];
        parsed.forEach((rec, i) => {
          if (rec === undefined) return;
          for (const f of scanRecord(rec, opts)) out.push({ ...f, path: `line ${i + 1}: ${f.path ?? '$'}` });
        });
        return out;
      }
    }
  }
  return scan(text, opts);
}

function toSarif(findings: Finding[], file: string): unknown {
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

function toTable(findings: Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const rows = findings.map((f) => [f.entity, f.detector, f.confidence.toFixed(2), f.path ?? '', `${f.start}-${f.end}`]);
  const head = ['entity', 'detector', 'conf', 'path', 'span'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n');
}

export async function dlpScanCommand(file: string, options: ScanCommandOptions): Promise<number> {
  const minConfidence = options.minConfidence !== undefined ? Number(options.minConfidence) : undefined;
  if (minConfidence !== undefined && !(minConfidence >= 0 && minConfidence <= 1)) throw new DlpCliError('--min-confidence must be a number between 0 and 1', 2);
  const opts: Parameters<typeof scan>[1] = {};
  if (minConfidence !== undefined) opts.minConfidence = minConfidence;
  if (options.entities) opts.entities = options.entities.split(',').map((s) => s.trim()).filter(Boolean);
  if (options.includeTestValues) opts.includeTestValues = true;
  const findings = scanInput(await readInput(file), opts);
  // findings carry offsets, never the matched values, so output is safe to store in CI logs
  if (options.output === 'json') console.log(JSON.stringify({ findings }, null, 2));
  else if (options.output === 'sarif') console.log(JSON.stringify(toSarif(findings, file), null, 2));
  else console.log(toTable(findings));
  return findings.length > 0 ? 1 : 0;
}

export async function dlpEvalCommand(options: { dataset: string; json?: boolean; minConfidence?: string }): Promise<void> {
  const evalOpts: { minConfidence?: number } = {};
  if (options.minConfidence !== undefined) {
    const v = Number(options.minConfidence);
    if (!(v >= 0 && v <= 1)) throw new DlpCliError('--min-confidence must be a number between 0 and 1', 2);
    evalOpts.minConfidence = v;
  }
  let report;
  try {
    report = await evaluateDataset(options.dataset, evalOpts);
  } catch (err) {
    if (err instanceof DlpError) throw new DlpCliError(err.message, 2);
    throw err;
  }
  console.log(options.json ? JSON.stringify(report) : formatEvalReport(report));
}

/** Adds `dlp scan` and `dlp eval` to a commander program. */
export function registerDlpCommands(program: Command): Command {
  const dlp = program.command('dlp').description('Find and measure sensitive data (PII, financial data, secrets)');
  dlp.command('scan')
    .description('Scan a file (text, JSON or JSONL) or standard input for sensitive data')
    .argument('<file>', 'file to scan, or - for standard input')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json', 'sarif', 'table']).default('table'))
    .option('--min-confidence <n>', 'drop findings below this confidence (0..1, default 0.5)')
    .option('--entities <list>', 'comma-separated entity types to look for (default: all)')
    .option('--include-test-values', 'also report documented test values (e.g. 4111 1111 1111 1111)')
    .addHelpText('after', '\nExit codes: 0 no findings, 1 findings, 2 usage or input error.\nExample: trellis dlp scan export.jsonl --output sarif > dlp.sarif')
    .action(async (file: string, options: ScanCommandOptions) => {
      process.exitCode = await dlpScanCommand(file, options);
    });
  dlp.command('eval')
    .description('Measure detector precision and recall on a labelled JSONL dataset')
    .requiredOption('--dataset <file>', 'JSONL file (Presidio, presidio-research or secret-case format)')
    .option('--json', 'print one JSON object instead of a table')
    .option('--min-confidence <n>', 'override the per-format confidence threshold')
    .addHelpText('after', '\nExample: trellis dlp eval --dataset data/dlp/presidio.jsonl --json')
    .action(async (options: { dataset: string; json?: boolean; minConfidence?: string }) => {
      await dlpEvalCommand(options);
    });
  return dlp;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const program = new Command('trellis');
  program.exitOverride();
  registerDlpCommands(program);
  // dev entry: `cli.ts eval …` is accepted as well as `cli.ts dlp eval …`
  const args = process.argv.slice(2);
  const argv = args[0] === 'dlp' ? args : ['dlp', ...args];
  program.parseAsync(argv, { from: 'user' }).catch((err: unknown) => {
    const code = err instanceof DlpCliError ? err.exitCode : typeof (err as { exitCode?: unknown }).exitCode === 'number' ? (err as { exitCode: number }).exitCode : 2;
    if (err instanceof Error && !('exitCode' in err && (err as { code?: string }).code?.startsWith('commander.'))) console.error(err.message);
    process.exit(code === 0 ? 0 : code === 1 ? 2 : code);
  });
}
