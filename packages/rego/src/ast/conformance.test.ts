/**
 * Parses every module, query and input_term of the OPA conformance cases
 * (TRELLIS_CONFORMANCE_DIR, default ../shared/conformance/opa beside the repository): nothing may crash, and every
 * module of a case must parse (no public case expects a parse error). Printed modules must
 * parse again (printer round trip).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseModule, parseQuery, parseTerm, RegoParseError, printModule } from './index.ts';
import { defaultSuiteDir } from '../conformance/suite-dir.ts';

const dir = defaultSuiteDir();

interface Case {
  note?: string;
  modules?: string[];
  query?: string;
  input_term?: string;
  want_error?: string;
}

function loadCases(): Array<{ file: string; c: Case }> {
  const out: Array<{ file: string; c: Case }> = [];
  for (const cat of readdirSync(dir, { withFileTypes: true })) {
    if (!cat.isDirectory()) continue;
    for (const f of readdirSync(join(dir, cat.name))) {
      if (!f.endsWith('.yaml') && !f.endsWith('.yml')) continue;
      const doc = parse(readFileSync(join(dir, cat.name, f), 'utf8')) as { cases?: Case[] } | null;
      for (const c of doc?.cases ?? []) out.push({ file: `${cat.name}/${f}`, c });
    }
  }
  return out;
}

describe.skipIf(!existsSync(dir) && !process.env.CI)('conformance modules parse', () => {
  const cases = existsSync(dir) ? loadCases() : [];

  it('parses every module, query and input_term', () => {
    let modules = 0;
    const failures: string[] = [];
    for (const { file, c } of cases) {
      for (const [i, m] of (c.modules ?? []).entries()) {
        modules++;
        try {
          parseModule(m, { file: `mod${i}.rego` });
        } catch (e) {
          expect(e).toBeInstanceOf(RegoParseError);
          failures.push(`${file} ${c.note ?? ''}: ${(e as Error).message}`);
        }
      }
      if (c.query !== undefined) expect(() => parseQuery(c.query as string), `${file} ${c.note ?? ''}`).not.toThrow();
      if (c.input_term !== undefined) expect(() => parseTerm(c.input_term as string), `${file} ${c.note ?? ''}`).not.toThrow();
    }
    console.log(`conformance: ${modules} modules, ${failures.length} parse failures`);
    expect(failures).toEqual([]);
    expect(modules).toBeGreaterThan(1000);
  });

  it('printed modules parse again to the same rule count', () => {
    let checked = 0;
    for (const { c } of cases) {
      for (const m of c.modules ?? []) {
        if (m.includes('future.keywords.and') || m.includes('future.keywords.or') || m.includes('future.keywords.not')) continue;
        const mod = parseModule(m);
        const printed = printModule(mod);
        let again;
        try {
          again = parseModule(printed, { regoVersion: 'v1' });
        } catch (e) {
          throw new Error(`${(e as Error).message}\n--- printed:\n${printed}\n--- original:\n${m}`, { cause: e });
        }
        expect(again.rules.length).toBe(mod.rules.length);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
