/**
 * `trellis policy …`. Locally, with the Rego engine and no server: `test DIR` and
 * `eval -d DIR -i input.json QUERY`. Through the API: `push DIR` (a new bundle version, tested
 * by the server before it is stored), `bundles`, `show`, `diff`, `activate`, `rollback` and
 * `active`.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { formatTable, print } from '../cli/output.ts';
import type { ActiveState, BundleDetail, BundleDiff, BundleList, PushResult } from './schema.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The modules that fail to parse as Rego v1 but parse as v0, named in a compile error so that
 * "unexpected `{`" on an old `allow { … }` rule points at `--v0` instead of at the syntax.
 */
async function v0Hint(modules: Record<string, string>): Promise<string> {
  const { parseModule } = await import('@trellis/rego');
  const parses = (text: string, regoVersion: 'v0' | 'v1') => {
    try {
      parseModule(text, { regoVersion });
      return true;
    } catch {
      return false;
    }
  };
  const old = Object.entries(modules).filter(([, text]) => !parses(text, 'v1') && parses(text, 'v0')).map(([file]) => file);
  if (old.length === 0) return '';
  const [what, it] = old.length === 1 ? [`${old[0]} looks like a v0 module (it parses`, 'it'] : [`these look like v0 modules: ${old.join(', ')} (they parse`, 'them'];
  return `\n${what} as Rego v0, not v1); try --v0, or update ${it} to v1 (\`import rego.v1\`, \`if\` and \`contains\` in rule heads)`;
}

export function registerPolicyCommands(program: Command, ctx: CliContext): void {
  const policy = program.command('policy').description('policy-as-code: test and evaluate Rego policies locally; push, activate and roll back policy bundles on the server');
  registerBundleCommands(policy, ctx);

  policy
    .command('test <paths...>')
    .description('run the test_ rules in *_test.rego files, like `opa test`; exits 1 when any test fails')
    .option('-r, --run <regex>', 'only tests whose name matches')
    .option('-c, --coverage', 'report line coverage per file')
    .option('-v, --verbose', 'list every test, not only failures')
    .option('--v0', 'parse modules with the older v0 syntax (like `opa test --v0-compatible`)')
    .option('--timeout <ms>', 'time limit per test', '5000')
    .addHelpText('after', '\nExamples:\n  trellis policy test policies/\n  trellis policy test -v policies/ --run tier --coverage\n  trellis policy test --v0 legacy-policies/')
    .action(async (paths: string[], opts: { run?: string; coverage?: boolean; verbose?: boolean; v0?: boolean; timeout: string }) => {
      const { runTests, formatTestReport } = await import('@trellis/rego');
      const { loadBundle } = await import('./bundle.ts');
      if (opts.run !== undefined) {
        try {
          new RegExp(opts.run);
        } catch {
          throw new CliError(`--run is not a valid regular expression: ${opts.run}`, exitCodes.usage);
        }
      }
      const { data, modules } = loadBundle(paths);
      const files = Object.keys(modules);
      if (files.length === 0) throw new CliError(`no .rego files under ${paths.join(', ')}`, exitCodes.notFound);
      const report = await runTests(files, { ...(opts.run ? { run: opts.run } : {}), ...(opts.coverage ? { coverage: true } : {}), ...(opts.v0 ? { regoVersion: 'v0' as const } : {}), timeoutMs: Number(opts.timeout), data });
      if (report.compileError && !opts.v0) report.compileError += await v0Hint(modules);
      if (ctx.globals().output === 'json') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else process.stdout.write(formatTestReport(report, { verbose: opts.verbose ?? false }) + '\n');
      if (report.compileError) process.exitCode = exitCodes.failed;
      else if (report.failed + report.errored > 0) process.exitCode = exitCodes.failed;
      else if (report.results.length === 0) {
        process.stderr.write('no tests found (test rules are named test_…)\n');
        process.exitCode = exitCodes.failed;
      }
    });

  policy
    .command('eval <query>')
    .description('evaluate a query against policies and data, like `opa eval`')
    .option('-d, --data <path>', 'policy or data directory/file (repeatable)', collect, [])
    .option('-i, --input <file>', 'input document (JSON or YAML)')
    .option('--fail', 'exit 1 when the result is undefined or empty')
    .option('--strict', 'compile in strict mode')
    .option('--v0', 'parse modules with the older v0 syntax')
    .option('--timeout <ms>', 'evaluation time limit', '5000')
    .addHelpText('after', "\nExamples:\n  trellis policy eval -d policies/ -i input.json 'data.trellis.admission.deny'\n  trellis policy eval -d policies/ 'x := data.trellis.tiers[_]'")
    .action(async (query: string, opts: { data: string[]; input?: string; fail?: boolean; strict?: boolean; v0?: boolean; timeout: string }) => {
      const { compile, RegoError, RegoParseError } = await import('@trellis/rego');
      const { loadBundle, parseDataFile } = await import('./bundle.ts');
      const { readFileSync } = await import('node:fs');
      const { modules, data } = loadBundle(opts.data);
      let input: unknown;
      if (opts.input) {
        let text: string;
        try {
          text = readFileSync(opts.input, 'utf8');
        } catch {
          throw new CliError(`cannot read input file ${opts.input}`, exitCodes.notFound);
        }
        input = parseDataFile(opts.input.endsWith('.json') ? opts.input : opts.input + '.yaml', text);
      }
      try {
        const policy = compile({ modules, data, ...(opts.strict ? { strict: true } : {}), ...(opts.v0 ? { regoVersion: 'v0' as const } : {}) });
        const lines: string[] = [];
        const results = policy.query(query, { ...(input !== undefined ? { input } : {}), limits: { timeoutMs: Number(opts.timeout) }, print: (l) => lines.push(l) });
        for (const l of lines) process.stderr.write(l + '\n');
        // A plain reference prints its value; any other query prints its binding sets.
        const isRef = /^\s*(data|input)(\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]]+\])*\s*$/.test(query);
        let out: unknown;
        if (isRef) {
          const value = policy.evaluate(query, { ...(input !== undefined ? { input } : {}), limits: { timeoutMs: Number(opts.timeout) } });
          out = value === undefined ? { result: null, defined: false } : { result: value, defined: true };
          if (value === undefined && opts.fail) process.exitCode = exitCodes.failed;
        } else {
          out = { result: results, defined: results.length > 0 };
          if (results.length === 0 && opts.fail) process.exitCode = exitCodes.failed;
        }
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } catch (err) {
        if (err instanceof RegoParseError || err instanceof RegoError || (err instanceof Error && /^rego_/.test((err as { code?: string }).code ?? ''))) {
          throw new CliError(err.message + (opts.v0 ? '' : await v0Hint(modules)), exitCodes.failed);
        }
        throw err;
      }
    });
}

function versionArg(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a version number (1, 2, 3 …), not ${JSON.stringify(value)}`, exitCodes.usage);
  return n;
}

function activeText(state: ActiveState, verb: string): string {
  const a = state.active;
  if (!a) return 'no policy bundle is active: every decision is deny';
  return `${verb} version ${a.version} (digest ${a.digest.slice(0, 12)})${a.previous_version !== null ? `; before it: version ${a.previous_version}` : ''}`;
}

/** The commands that go through the API: bundles on the server. */
function registerBundleCommands(policy: Command, ctx: CliContext): void {
  policy
    .command('push <dir>')
    .description('store the .rego modules and data.json files under DIR as a new bundle version; the server compiles it and runs its tests first')
    .option('--activate', 'activate the new version at once (needs policy:activate)')
    .option('-m, --message <text>', 'what changed, shown in `trellis policy bundles`')
    .option('--v0', 'every module is Rego v0 (without it, a module that only parses as v0 is still accepted as v0)')
    .addHelpText('after', '\nExamples:\n  trellis policy push policies/ --message "block unapproved connectors"\n  trellis policy push policies/ --activate')
    .action(async (dir: string, opts: { activate?: boolean; message?: string; v0?: boolean }) => {
      const { readBundleDirectory } = await import('./bundle.ts');
      const { modules, data } = readBundleDirectory(dir);
      if (Object.keys(modules).length === 0) throw new CliError(`no .rego files under ${dir}`, exitCodes.notFound);
      const body = { modules, data, ...(opts.message ? { message: opts.message } : {}), ...(opts.v0 ? { regoVersion: 'v0' as const } : {}), ...(opts.activate ? { activate: true } : {}) };
      const r = await ctx.client().json<PushResult>('POST', '/api/v1/policy/bundles', { body });
      print(ctx.globals().output, r, () => {
        const b = r.bundle;
        const lines = [`stored policy bundle version ${b.version} (digest ${b.digest.slice(0, 12)}, ${b.module_count} modules, ${r.tests.passed} tests passed)`];
        if (b.v0_modules.length > 0) lines.push(`accepted as Rego v0: ${b.v0_modules.join(', ')}`);
        lines.push(r.activated ? `version ${b.version} is now active` : `activate it with:\n  trellis policy activate ${b.version}`);
        return lines.join('\n');
      });
    });

  policy
    .command('bundles')
    .description('list the stored bundle versions, newest first (* marks the active one)')
    .option('--limit <n>', 'versions to show (1-200)', '50')
    .option('--before <version>', 'versions older than this one')
    .action(async (opts: { limit: string; before?: string }) => {
      const limit = versionArg(opts.limit, '--limit');
      const r = await ctx.client().json<BundleList>('GET', '/api/v1/policy/bundles', { query: { limit: Math.min(limit, 200), before: opts.before === undefined ? undefined : versionArg(opts.before, '--before') } });
      print(ctx.globals().output, r, () => {
        const rows = r.items.map((b) => ({ version: `${b.version}${b.version === r.active_version ? ' *' : ''}`, created_at: b.created_at, created_by: b.created_by.name ?? b.created_by.id, modules: b.module_count, tests: b.test_count, digest: b.digest.slice(0, 12), message: b.message ?? '' }));
        return formatTable(rows, ['version', 'created_at', 'created_by', 'modules', 'tests', 'digest', 'message']) + (r.next_before ? `\n(more: --before ${r.next_before})` : '');
      });
    });

  policy
    .command('show <version>')
    .description("show a bundle version's files, or one file's text with --file")
    .option('-f, --file <path>', 'print this module or data file')
    .addHelpText('after', '\nExamples:\n  trellis policy show 3\n  trellis policy show 3 --file admission.rego')
    .action(async (version: string, opts: { file?: string }) => {
      const b = await ctx.client().json<BundleDetail>('GET', `/api/v1/policy/bundles/${versionArg(version, 'version')}`);
      if (opts.file !== undefined) {
        const text = b.modules[opts.file] ?? (opts.file in b.data ? JSON.stringify(b.data[opts.file], null, 2) + '\n' : undefined);
        if (text === undefined) throw new CliError(`version ${b.version} has no file ${opts.file}; it has: ${[...Object.keys(b.modules), ...Object.keys(b.data)].join(', ')}`, exitCodes.notFound);
        process.stdout.write(text.endsWith('\n') ? text : text + '\n');
        return;
      }
      print(ctx.globals().output, b, () =>
        [
          `version ${b.version}  digest ${b.digest}`,
          `stored ${b.created_at} by ${b.created_by.name ?? b.created_by.id}${b.message ? `: ${b.message}` : ''}`,
          `rego ${b.rego_version}${b.v0_modules.length ? ` (v0: ${b.v0_modules.join(', ')})` : ''}; ${b.test_count} tests passed`,
          ...Object.entries(b.modules).map(([path, text]) => `  ${path}  (${text.split('\n').length} lines)`),
          ...Object.keys(b.data).map((path) => `  ${path}`),
        ].join('\n'),
      );
    });

  policy
    .command('diff <version>')
    .description('what changed in VERSION, against the version before it or --against N, as unified diffs')
    .option('--against <version>', 'the version to compare with')
    .addHelpText('after', '\nExamples:\n  trellis policy diff 4\n  trellis policy diff 4 --against 1')
    .action(async (version: string, opts: { against?: string }) => {
      const to = versionArg(version, 'version');
      const against = opts.against === undefined ? to - 1 : versionArg(opts.against, '--against');
      if (against < 1) throw new CliError('version 1 has no version before it; pass --against N', exitCodes.usage);
      const d = await ctx.client().json<BundleDiff>('GET', `/api/v1/policy/bundles/${to}/diff`, { query: { against } });
      print(ctx.globals().output, d, () => {
        if (d.files.length === 0 && !d.rego_version) return `versions ${d.from} and ${d.to} have the same files`;
        const head = d.rego_version ? [`rego version: ${d.rego_version.from} → ${d.rego_version.to}`] : [];
        return [...head, ...d.files.map((f) => `${f.status} ${f.path}\n${f.diff}`.trimEnd())].join('\n');
      });
    });

  policy
    .command('activate <version>')
    .description('make VERSION the bundle every decision uses (on every server within a second)')
    .action(async (version: string) => {
      const r = await ctx.client().json<ActiveState>('POST', `/api/v1/policy/bundles/${versionArg(version, 'version')}/activate`);
      print(ctx.globals().output, r, () => activeText(r, 'active:'));
    });

  policy
    .command('rollback')
    .description('re-activate the bundle that was active before the current one')
    .action(async () => {
      const r = await ctx.client().json<ActiveState>('POST', '/api/v1/policy/rollback');
      print(ctx.globals().output, r, () => activeText(r, 'rolled back; active:'));
    });

  policy
    .command('active')
    .description('the active bundle and the recent activations')
    .action(async () => {
      const r = await ctx.client().json<ActiveState>('GET', '/api/v1/policy/active');
      print(ctx.globals().output, r, () =>
        [activeText(r, 'active:'), formatTable(r.history.map((h) => ({ version: h.version, action: h.action, at: h.activated_at, by: h.activated_by.name ?? h.activated_by.id })), ['version', 'action', 'at', 'by'])].join('\n'),
      );
    });
}
