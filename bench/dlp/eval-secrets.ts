/**
 * Prints the secret-detection evaluation (recall, fp-flagged rate, per-rule results) for
 * secret-case JSONL files, using the engine's scan():
 *   npx tsx bench/dlp/eval-secrets.ts /work/shared/data/dlp/gitleaks.jsonl [more.jsonl] [--json] [--misses]
 */
import { readFileSync } from 'node:fs';
import { evaluateSecretCases, isSecretCase, scan, type SecretCase } from '@trellis/dlp';

const args = process.argv.slice(2);
const json = args.includes('--json');
const misses = args.includes('--misses');
const out: Record<string, unknown> = {};
for (const file of args.filter((a) => !a.startsWith('--'))) {
  const cases: SecretCase[] = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((l): unknown => JSON.parse(l)).filter(isSecretCase);
  const t0 = performance.now();
  const r = await evaluateSecretCases(cases);
  const ms = Math.round(performance.now() - t0);
  const { byEntity: _b, unsupportedItems: _u, ...report } = r;
  out[file] = report;
  if (!json) {
    console.log(`${file}: ${r.cases} cases in ${ms} ms`);
    console.log(`  recall ${r.total.recall} (tp ${r.total.tp}, fn ${r.total.fn}); fp cases flagged ${r.fp_flagged_rate}; precision ${r.total.precision}`);
    console.log(`  rules supported ${r.supported}, unsupported: ${r.unsupported.join(', ') || 'none'}`);
    const worst = Object.entries(r.by_rule).filter(([, s]) => s.fn > 0 || s.fp_flagged > 0).map(([k, s]) => `${k} fn=${s.fn} fp=${s.fp_flagged}/${s.fp_cases}`);
    console.log(`  rules with misses or flagged fps: ${worst.join('; ')}`);
  }
  if (misses) {
    for (const c of cases) {
      const live = scan(c.text, { entities: ['SECRET'] });
      if ((c.kind === 'tp') === (live.length === 0)) {
        const all = scan(c.text, { entities: ['SECRET'], includeTestValues: true, minConfidence: 0 });
        console.log(c.kind === 'tp' ? 'MISS' : 'FLAG', c.rule, JSON.stringify(c.text.slice(0, 240)), all.map((f) => `${f.rule}${f.testValue ? '(test)' : ''}:${c.text.slice(f.start, f.end).slice(0, 60)}`).join(' '));
      }
    }
  }
}
if (json) console.log(JSON.stringify(out, null, 2));
