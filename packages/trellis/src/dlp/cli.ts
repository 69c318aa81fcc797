/**
 * `trellis dlp …` commands. `registerDlpCommands(program)` adds them to the main CLI; running
 * this file directly (`npx tsx packages/trellis/src/dlp/cli.ts eval --dataset …`) is for
 * development. Commands never call process.exit: they set `process.exitCode` or throw a
 * DlpCliError carrying the exit code, and only the entry point exits.
 *
 * `dlp scan` streams its input (scan-input.ts): a file or standard input of any size is read in
 * chunks, never whole, except a single JSON document, which is parsed whole up to a size bound.
 * Table and JSONL output print findings as they are found (cli-output.ts).
 *
 * Exit codes of `dlp scan`: 0 no findings, 1 findings, 2 usage or input error.
 */
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { CustomDetectorDefinition, InputFormat, PatternDetector, ScanInputOptions } from '@trellis/dlp';
import { dlpEngine } from './engine.ts';
import type { CliContext } from '../cli/context.ts';
import { createFindingSink, type OutputFormat } from './cli-output.ts';

export class DlpCliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

interface ScanCommandOptions {
  output: OutputFormat;
  format?: InputFormat | 'auto';
  minConfidence?: string;
  entities?: string;
  includeTestValues?: boolean;
  /** The server's active custom detectors, fetched before the scan (`--server-detectors`). */
  extraDetectors?: PatternDetector[];
}

/**
 * The server's active custom detectors, compiled here so a local scan finds what a scan through
 * the server finds. Needs a token with dlp:scan.
 */
export async function fetchServerDetectors(ctx: CliContext): Promise<PatternDetector[]> {
  const r = await ctx.client({ anyOutput: true }).json<{ items: { id: string; version: number; definition: CustomDetectorDefinition }[] }>('GET', '/api/v1/dlp/active-detectors');
  const { compileCustomDetector } = await dlpEngine();
  return r.items.map((d) => {
    try {
      return compileCustomDetector(d.definition);
    } catch (err) {
      throw new DlpCliError(`the server's detector ${d.id} (version ${d.version}) does not compile here: ${err instanceof Error ? err.message : String(err)}; is this CLI older than the server?`, 2);
    }
  });
}

/** Opens the input as a byte stream; nothing is read until the scan pulls. */
async function openInput(file: string): Promise<{ chunks: AsyncIterable<Uint8Array>; size?: number; label: string }> {
  if (file === '-') return { chunks: process.stdin, label: 'standard input' };
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    throw new DlpCliError(`cannot read ${file}: check the path (use - for standard input)`, 2);
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new DlpCliError(`cannot read ${file}: it is a directory`, 2);
  }
  return { chunks: handle.createReadStream(), size: stat.isFile() ? stat.size : undefined, label: file };
}

export async function dlpScanCommand(file: string, options: ScanCommandOptions): Promise<number> {
  const minConfidence = options.minConfidence !== undefined ? Number(options.minConfidence) : undefined;
  if (minConfidence !== undefined && !(minConfidence >= 0 && minConfidence <= 1)) throw new DlpCliError('--min-confidence must be a number between 0 and 1', 2);
  const input = await openInput(file);
  const { scanInput, DlpError } = await dlpEngine();
  const opts: ScanInputOptions = {
    format: options.format ?? 'auto',
    label: input.label,
    onNote: (message) => process.stderr.write(`note: ${message}\n`),
  };
  if (input.size !== undefined) opts.size = input.size;
  if (minConfidence !== undefined) opts.minConfidence = minConfidence;
  if (options.entities) opts.entities = options.entities.split(',').map((s) => s.trim()).filter(Boolean);
  if (options.includeTestValues) opts.includeTestValues = true;
  if (options.extraDetectors && options.extraDetectors.length > 0) opts.extraDetectors = options.extraDetectors;
  let testValuesSuppressed = 0;
  opts.onTestValue = () => void testValuesSuppressed++;
  const sink = createFindingSink(options.output, file);
  try {
    for await (const f of scanInput(input.chunks, opts)) await sink.add(f);
    await sink.end({ testValuesSuppressed });
    // On standard error, like the notes, so the findings on standard output stay a clean document.
    if (testValuesSuppressed > 0) process.stderr.write(`${testValuesSetAside(testValuesSuppressed)}
`);
  } catch (err) {
    // A reader that stopped early (`| head`) got what it wanted; the exit code says what it saw.
    if (sink.closed) return sink.count > 0 ? 1 : 0;
    if (err instanceof DlpError) throw new DlpCliError(err.message, 2);
    // A failing read (EIO, a vanished pipe) surfaces as a system error with a syscall.
    if (err instanceof Error && 'syscall' in err) throw new DlpCliError(`cannot read ${input.label}: ${err.message}`, 2);
    throw err;
  }
  return sink.count > 0 ? 1 : 0;
}

/** "3 documented test values set aside (--include-test-values to show them)". */
export function testValuesSetAside(n: number): string {
  return `${n} documented test value${n === 1 ? '' : 's'} set aside (--include-test-values to show ${n === 1 ? 'it' : 'them'})`;
}

export async function dlpEvalCommand(options: { dataset: string; json?: boolean; minConfidence?: string }): Promise<void> {
  const evalOpts: { minConfidence?: number } = {};
  if (options.minConfidence !== undefined) {
    const v = Number(options.minConfidence);
    if (!(v >= 0 && v <= 1)) throw new DlpCliError('--min-confidence must be a number between 0 and 1', 2);
    evalOpts.minConfidence = v;
  }
  const { evaluateDataset, formatEvalReport, DlpError } = await dlpEngine();
  let report;
  try {
    report = await evaluateDataset(options.dataset, evalOpts);
  } catch (err) {
    if (err instanceof DlpError) throw new DlpCliError(err.message, 2);
    throw err;
  }
  console.log(options.json ? JSON.stringify(report) : formatEvalReport(report));
}

/** Adds `dlp scan` and `dlp eval` to a commander program; `ctx` (the trellis CLI's) lets scan fetch the server's detectors. */
export function registerDlpCommands(program: Command, ctx?: CliContext): Command {
  const dlp = program.command('dlp').description('find and measure sensitive data (PII, financial data, secrets)');
  dlp.command('scan')
    .description('scan a file (text, JSON or JSONL; any size, streamed) or standard input for sensitive data')
    .argument('<file>', 'file to scan, or - for standard input')
    .addOption(new Option('-o, --output <format>', 'output format; table and jsonl print findings as they are found, json and sarif hold them all in memory to print one document').choices(['table', 'jsonl', 'json', 'sarif']).default('table'))
    .addOption(new Option('--format <format>', 'input format; auto decides from the first 64 KiB').choices(['auto', 'text', 'json', 'jsonl']).default('auto'))
    .option('--min-confidence <n>', 'drop findings below this confidence (0..1, default 0.5)')
    .option('--entities <list>', 'comma-separated entity types to look for (default: all)')
    .option('--include-test-values', 'also report documented test values (e.g. 4111 1111 1111 1111)')
    .option('--server-detectors', 'also run the server\'s active custom detectors, fetched first (needs --server and a token with dlp:scan)')
    .addHelpText('after', [
      '',
      'Text is scanned in a stream: spans are offsets into the whole input (UTF-16 code units).',
      'JSONL is read a line at a time (lines up to 64 MiB); paths read "line N: $.field".',
      'A single JSON document is parsed whole, up to 256 MiB; write larger ones as JSONL.',
      'Binary or invalid UTF-8 input is scanned too, with invalid bytes replaced (a note says so).',
      '',
      'The scan runs here: the input never leaves this machine. Without --server-detectors it uses',
      'the built-in detectors only; with it, the server\'s active custom detectors too (their',
      'definitions are fetched from GET /api/v1/dlp/active-detectors), so it finds what a scan',
      'through the server finds.',
      '',
      'Exit codes: 0 no findings, 1 findings, 2 usage or input error (and 4 or 5 when',
      '--server-detectors cannot reach the server or the token lacks dlp:scan).',
      'Examples:',
      '  trellis dlp scan export.jsonl --output sarif > dlp.sarif',
      '  TRELLIS_TOKEN=trl_… trellis dlp scan --server-detectors export.jsonl',
    ].join('\n'))
    .action(async (file: string, options: ScanCommandOptions, command: Command) => {
      // The trellis program has its own -o (table|json), which takes the flag wherever it
      // stands on the command line, so this command's value is only ever its default there.
      let root = command;
      while (root.parent) root = root.parent;
      const given = root !== command && command.getOptionValueSource('output') === 'default' && ['cli', 'env'].includes(root.getOptionValueSource('output') ?? '');
      const output = given ? (root.opts() as { output: OutputFormat }).output : options.output;
      const { serverDetectors, ...rest } = options as ScanCommandOptions & { serverDetectors?: boolean };
      let extraDetectors: PatternDetector[] | undefined;
      if (serverDetectors) {
        if (!ctx) throw new DlpCliError('--server-detectors needs the trellis CLI (npx trellis dlp scan …)', 2);
        extraDetectors = await fetchServerDetectors(ctx);
        process.stderr.write(`note: ${extraDetectors.length} active custom detector${extraDetectors.length === 1 ? '' : 's'} from ${ctx.client({ anyOutput: true }).server} included\n`);
      }
      process.exitCode = await dlpScanCommand(file, { ...rest, output, ...(extraDetectors ? { extraDetectors } : {}) });
    });
  dlp.command('eval')
    .description('measure detector precision and recall on a labelled JSONL dataset')
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
