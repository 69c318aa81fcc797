/**
 * Loading OPA conformance cases: every `*.yaml` under a directory, grouped by category (the
 * first directory level), in the format of OPA's `v1/test/cases/testdata` (see the suite's
 * README). Integers are read as bigints where they exceed float precision, as OPA reads them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';

export interface ConformanceCase {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Record<string, unknown>[];
  want_error?: string;
  want_error_code?: string;
  sort_bindings?: boolean;
  strict_error?: boolean;
  experimental_keywords?: boolean;
}

export interface LoadedCase {
  category: string;
  file: string;
  index: number;
  case: ConformanceCase;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) out.push(p);
  }
}

/** Read every case under `dir`. */
export function loadCases(dir: string): LoadedCase[] {
  const files: string[] = [];
  walk(dir, files);
  const out: LoadedCase[] = [];
  for (const f of files) {
    const rel = relative(dir, f);
    const category = rel.includes(sep) ? rel.split(sep)[0]! : '(root)';
    const doc = parse(readFileSync(f, 'utf8'), { intAsBigInt: true }) as { cases?: ConformanceCase[] } | null;
    (doc?.cases ?? []).forEach((c, index) => out.push({ category, file: rel, index, case: c }));
  }
  return out;
}
