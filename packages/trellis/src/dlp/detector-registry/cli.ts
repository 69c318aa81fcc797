/**
 * `trellis dlp detectors …`: manage the installation's custom detectors through the REST API.
 * A definition file (YAML or JSON) holds the detector and its samples:
 *
 *   detector:
 *     id: employee-id
 *     entity: EMPLOYEE_ID
 *     pattern: '\bEMP-[0-9]{6}\b'
 *     keywords: [emp-]
 *   positive: ['badge EMP-204518']
 *   negative: ['TEMP-123456']
 *
 * `test` tries a file without storing anything; `add` stores a draft (`--activate` goes on to
 * activate it); `update` needs the version it replaces (`--if-version`), so two admins cannot overwrite each
 * other's edits unseen.
 */
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { CliContext } from '../../cli/context.ts';
import { CliError, exitCodes } from '../../cli/errors.ts';
import { readTextInput } from '../../cli/input.ts';
import { formatTable, print } from '../../cli/output.ts';
import type { CustomDetectorTestReport } from '@trellis/dlp';
import type { DetectorInfo } from './service.ts';

interface DefinitionFile {
  detector: unknown;
  positive?: string[];
  negative?: string[];
}

async function readDefinition(file: string): Promise<DefinitionFile> {
  const text = await readTextInput(file, 'pass a detector file (YAML or JSON with detector, positive, negative), or - for standard input');
  let doc: unknown;
  try {
    doc = parseYaml(text) as unknown; // YAML is a superset of JSON
  } catch (err) {
    throw new CliError(`${file}: not valid YAML or JSON: ${(err as Error).message}`, exitCodes.usage);
  }
  if (doc === null || typeof doc !== 'object' || !('detector' in doc)) {
    throw new CliError(`${file}: expected a mapping with a detector (and optional positive and negative sample lists)`, exitCodes.usage);
  }
  const d = doc as Record<string, unknown>;
  for (const key of ['positive', 'negative'] as const) {
    if (d[key] !== undefined && !(Array.isArray(d[key]) && d[key].every((s) => typeof s === 'string'))) throw new CliError(`${file}: ${key} must be a list of strings`, exitCodes.usage);
  }
  return { detector: d.detector, ...(d.positive ? { positive: d.positive as string[] } : {}), ...(d.negative ? { negative: d.negative as string[] } : {}) };
}

function reportText(r: CustomDetectorTestReport): string {
  const lines = [`samples: ${r.positives.length} positive, ${r.negatives.length} negative — ${r.ok ? 'all pass' : 'FAIL'}`];
  for (const i of r.missed) lines.push(`  positive[${i}]: not matched`);
  for (const i of r.falseMatches) lines.push(`  negative[${i}]: matched`);
  return lines.join('\n');
}

function detectorText(d: DetectorInfo): string {
  return [
    `id: ${d.id} (findings report ${d.detector})`,
    `status: ${d.status}`,
    `version: ${d.version}`,
    `entity: ${(d.definition as { entity?: string }).entity ?? ''}`,
    `updated: ${d.updated_at} by ${d.updated_by.name ?? d.updated_by.id}`,
    `definition sha256: ${d.definition_sha256}`,
    reportText(d.last_test),
  ].join('\n');
}

function versionFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError('--if-version must be a whole number from 1', exitCodes.usage);
  return n;
}

export function registerDetectorCommands(dlp: Command, ctx: CliContext): void {
  const detectors = dlp.command('detectors').description('custom detectors: add, test, activate and retire your own patterns and term lists');

  detectors.command('list')
    .description('list custom detectors with their status and sample test')
    .action(async () => {
      const r = await ctx.client().json<{ items: DetectorInfo[]; load_errors?: { id: string; message: string }[] }>('GET', '/api/v1/dlp/detectors');
      const rows = r.items.map((d) => ({ id: d.id, status: d.status, version: d.version, entity: (d.definition as { entity?: string }).entity, samples: `${d.sample_counts.positive}+/${d.sample_counts.negative}-`, test: d.last_test.ok ? 'pass' : 'fail', updated: d.updated_at }));
      print(ctx.globals().output, r, () => formatTable(rows, ['id', 'status', 'version', 'entity', 'samples', 'test', 'updated']) + (r.load_errors?.length ? `\nnot loaded: ${r.load_errors.map((e) => `${e.id} (${e.message})`).join('; ')}` : ''));
    });

  detectors.command('show')
    .description('show one custom detector')
    .argument('<id>', 'detector id')
    .action(async (id: string) => {
      const d = await ctx.client().json<DetectorInfo>('GET', `/api/v1/dlp/detectors/${encodeURIComponent(id)}`);
      print(ctx.globals().output, d, () => detectorText(d));
    });

  detectors.command('test')
    .description('try a detector file on its samples without storing anything (exit 1 when a sample fails)')
    .argument('<file>', 'detector file (YAML or JSON), or - for standard input')
    .action(async (file: string) => {
      const body = await readDefinition(file);
      const r = await ctx.client().json<CustomDetectorTestReport>('POST', '/api/v1/dlp/detectors/test', { body });
      print(ctx.globals().output, r, () => reportText(r));
      if (!r.ok) process.exitCode = exitCodes.failed;
    });

  detectors.command('add')
    .description('store a detector as a draft (it runs in scans only once activated)')
    .argument('<file>', 'detector file (YAML or JSON), or - for standard input')
    .option('--activate', 'activate it straight away if its samples pass')
    .addHelpText('after', '\nExample:\n  trellis dlp detectors add employee-id.yaml --activate')
    .action(async (file: string, opts: { activate?: boolean }) => {
      const client = ctx.client();
      let d = await client.json<DetectorInfo>('POST', '/api/v1/dlp/detectors', { body: await readDefinition(file) });
      if (opts.activate) d = await client.json<DetectorInfo>('POST', `/api/v1/dlp/detectors/${encodeURIComponent(d.id)}/activate`, { body: { version: d.version } });
      print(ctx.globals().output, d, () => detectorText(d));
    });

  detectors.command('update')
    .description('replace a detector\'s definition and samples (an active detector must still pass them)')
    .argument('<file>', 'detector file (YAML or JSON), or - for standard input')
    .requiredOption('--if-version <n>', 'the version you are replacing (see `show`); a newer one means someone else edited it')
    .action(async (file: string, opts: { ifVersion: string }) => {
      const def = await readDefinition(file);
      const id = (def.detector as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') throw new CliError(`${file}: detector.id is required`, exitCodes.usage);
      const d = await ctx.client().json<DetectorInfo>('PUT', `/api/v1/dlp/detectors/${encodeURIComponent(id)}`, { body: { ...def, version: versionFlag(opts.ifVersion) } });
      print(ctx.globals().output, d, () => detectorText(d));
    });

  for (const action of ['activate', 'deactivate'] as const) {
    detectors.command(action)
      .description(action === 'activate' ? 'test a detector on its samples again and run it in every scan if it passes' : 'stop running a detector in scans (it is kept)')
      .argument('<id>', 'detector id')
      .option('--if-version <n>', 'only if the detector is still at this version')
      .action(async (id: string, opts: { ifVersion?: string }) => {
        const version = versionFlag(opts.ifVersion);
        const d = await ctx.client().json<DetectorInfo>('POST', `/api/v1/dlp/detectors/${encodeURIComponent(id)}/${action}`, { body: version !== undefined ? { version } : {} });
        print(ctx.globals().output, d, () => `${d.id}: ${d.status} (version ${d.version})`);
      });
  }

  detectors.command('delete')
    .description('delete a custom detector')
    .argument('<id>', 'detector id')
    .option('--if-version <n>', 'only if the detector is still at this version')
    .action(async (id: string, opts: { ifVersion?: string }) => {
      const version = versionFlag(opts.ifVersion);
      await ctx.client().json<undefined>('DELETE', `/api/v1/dlp/detectors/${encodeURIComponent(id)}`, { query: { version } });
      print(ctx.globals().output, { id, deleted: true }, () => `${id}: deleted`);
    });
}
