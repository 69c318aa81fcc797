/**
 * The policy test runner, like `opa test`: loads every `.rego` file under a directory (or a
 * list of files), compiles them together, discovers the `test_*` rules, evaluates each one
 * (a test passes when its value is `true`, fails when it is false or undefined, and errors
 * when evaluation raises), and reports durations and line coverage per file. The lead wires
 * `runTests` and `formatTestReport` into `trellis policy test DIR`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compile, type Policy } from '../policy.ts';
import type { Expr, Module, Rule } from '../ast/nodes.ts';

export interface TestResult {
  /** `data.pkg.test_name`. */
  name: string;
  file: string;
  status: 'pass' | 'fail' | 'error';
  durationMs: number;
  error?: string;
  /** `print` output of the test. */
  output?: string[];
}

export interface FileCoverage {
  covered: number[];
  notCovered: number[];
  percent: number;
}

export interface TestReport {
  results: TestResult[];
  passed: number;
  failed: number;
  errored: number;
  /** Set when `coverage: true`: per file, which rule/expression lines were evaluated. */
  coverage?: { files: Record<string, FileCoverage>; percent: number };
  /** Compile errors (then no test ran). */
  compileError?: string;
}

export interface RunTestsOptions {
  /** Only tests whose full name matches this regular expression (`--run`). */
  run?: string;
  coverage?: boolean;
  /** Per-test time limit in ms (default 5,000). */
  timeoutMs?: number;
  /** Base data for the tests (merged with `data.json`/`data.yaml` files found in the directory). */
  data?: unknown;
  /** Syntax of the modules: `v1` (default, OPA 1.x) or `v0` (`opa test --v0-compatible`). */
  regoVersion?: 'v0' | 'v1';
}

function collect(path: string, out: string[], dataFiles: string[]): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!name.startsWith('.')) collect(join(path, name), out, dataFiles);
  } else if (path.endsWith('.rego')) out.push(path);
  else if (/(^|[\\/])data\.(json|ya?ml)$/.test(path)) dataFiles.push(path);
}

/** Deep-merge `b` into `a` (objects only), as OPA merges data files. */
function merge(a: Record<string, unknown>, b: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(b)) {
    const x = a[k];
    if (x && typeof x === 'object' && !Array.isArray(x) && v && typeof v === 'object' && !Array.isArray(v)) {
      merge(x as Record<string, unknown>, v as Record<string, unknown>);
    } else a[k] = v;
  }
}

/** `data.json` / `data.yaml` files, each placed under `data` at its directory's path (like `opa test`). */
function loadData(base: string, files: string[], extra: unknown): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (extra && typeof extra === 'object') merge(data, extra as Record<string, unknown>);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const doc = (f.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as unknown;
    const dir = relative(base, dirname(f));
    const segs = dir ? dir.split(sep) : [];
    let wrapped: unknown = doc;
    for (let i = segs.length - 1; i >= 0; i--) wrapped = { [segs[i]!]: wrapped };
    if (wrapped && typeof wrapped === 'object') merge(data, wrapped as Record<string, unknown>);
  }
  return data;
}

/**
 * Run the tests in `target` (a directory or a list of `.rego` files).
 *
 * @example
 * const report = await runTests('policies/', { run: 'authz', coverage: true });
 * console.log(formatTestReport(report));
 */
export async function runTests(target: string | string[], opts: RunTestsOptions = {}): Promise<TestReport> {
  const files: string[] = [];
  const dataFiles: string[] = [];
  for (const t of Array.isArray(target) ? target : [target]) collect(t, files, dataFiles);
  const base = Array.isArray(target) ? process.cwd() : target;
  const modules: Record<string, string> = {};
  for (const f of files) modules[relative(base, f) || f] = readFileSync(f, 'utf8');
  let policy: Policy;
  try {
    policy = compile({ modules, data: loadData(base, dataFiles, opts.data), ...(opts.regoVersion ? { regoVersion: opts.regoVersion } : {}) });
  } catch (e) {
    return { results: [], passed: 0, failed: 0, errored: 1, compileError: e instanceof Error ? e.message : String(e) };
  }
  const filter = opts.run ? new RegExp(opts.run) : undefined;
  const covered = opts.coverage ? new Set<string>() : undefined;
  const results: TestResult[] = [];
  for (const g of policy.compiled.tree.groups) {
    const last = g.path[g.path.length - 1] ?? '';
    if (!last.startsWith('test_') || g.kind === 'function') continue;
    if (filter && !filter.test(g.name)) continue;
    const output: string[] = [];
    const start = performance.now();
    let status: TestResult['status'];
    let error: string | undefined;
    try {
      const v = policy.evaluateValue(g.name, {
        limits: { timeoutMs: opts.timeoutMs ?? 5000 },
        coverage: covered,
        print: (l) => output.push(l),
        strictBuiltinErrors: true,
      });
      status = v === true ? 'pass' : 'fail';
    } catch (e) {
      status = 'error';
      error = e instanceof Error ? e.message : String(e);
    }
    const file = (g.defs[0] ?? g.defaultRule)?.loc.file ?? '';
    results.push({ name: g.name, file, status, durationMs: performance.now() - start, ...(error ? { error } : {}), ...(output.length ? { output } : {}) });
    await Promise.resolve();
  }
  const report: TestReport = {
    results,
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    errored: results.filter((r) => r.status === 'error').length,
  };
  if (covered) report.coverage = coverageReport(policy.compiled.modules, covered);
  return report;
}

/** Lines that can be covered: rule heads and every body expression. */
function coverableLines(m: Module): Set<number> {
  const lines = new Set<number>();
  const body = (exprs: Expr[]): void => {
    for (const e of exprs) lines.add(e.loc.row);
  };
  const rule = (r: Rule | undefined): void => {
    for (; r; r = r.else) body(r.body);
  };
  m.rules.forEach(rule);
  return lines;
}

function coverageReport(modules: Module[], covered: Set<string>): { files: Record<string, FileCoverage>; percent: number } {
  const files: Record<string, FileCoverage> = {};
  let total = 0;
  let hit = 0;
  for (const m of modules) {
    const lines = [...coverableLines(m)].sort((a, b) => a - b);
    const c = lines.filter((l) => covered.has(`${m.file}:${l}`));
    const n = lines.filter((l) => !covered.has(`${m.file}:${l}`));
    total += lines.length;
    hit += c.length;
    files[m.file] = { covered: c, notCovered: n, percent: lines.length ? (100 * c.length) / lines.length : 100 };
  }
  return { files, percent: total ? (100 * hit) / total : 100 };
}

/**
 * Human-readable report in the style of `opa test -v`.
 *
 * @example
 * formatTestReport(await runTests('policies/'));
 * // data.authz.test_allow: PASS (0.1ms)
 * // PASS: 1/1
 */
export function formatTestReport(r: TestReport, opts: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  if (r.compileError) return `compile error:\n${r.compileError}\n`;
  for (const t of r.results) {
    if (t.status === 'pass' && !opts.verbose) continue;
    const status = t.status === 'pass' ? 'PASS' : t.status === 'fail' ? 'FAIL' : 'ERROR';
    lines.push(`${t.file}: ${t.name}: ${status} (${t.durationMs.toFixed(1)}ms)${t.error ? `\n  ${t.error}` : ''}`);
    for (const o of t.output ?? []) lines.push(`  ${o}`);
  }
  if (lines.length) lines.push('-'.repeat(80));
  const total = r.results.length;
  if (r.passed) lines.push(`PASS: ${r.passed}/${total}`);
  if (r.failed) lines.push(`FAIL: ${r.failed}/${total}`);
  if (r.errored) lines.push(`ERROR: ${r.errored}/${total}`);
  if (r.coverage) {
    for (const [f, c] of Object.entries(r.coverage.files)) lines.push(`coverage ${f}: ${c.percent.toFixed(1)}%`);
    lines.push(`coverage: ${r.coverage.percent.toFixed(1)}%`);
  }
  return lines.join('\n') + '\n';
}
