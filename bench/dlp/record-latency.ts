/**
 * DLP latency on gateway-sized responses: how long `scan` takes on one JSON record of a few
 * kilobytes (the shape a connector returns: rows of ids, names, e-mails, phones, notes), field by
 * field with field names as context, beside the same bytes scanned as one flat text (the
 * baseline: no structure, no per-field calls). Prints JSON with p50/p99 in µs and the ratio.
 *
 *   npx tsx bench/dlp/record-latency.ts [--rows N] [--runs N]
 */
import { scan } from '@trellis/dlp';
import { prng } from './corpus.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const rows = arg('rows', 10);
const runs = arg('runs', 5000);
const rnd = prng(7);
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');

const record = {
  employees: Array.from({ length: rows }, (_, i) => ({
    id: 100_000 + i,
    name: `Employee ${i}`,
    email: `person${i}.${digits(3)}@northwindtraders.com`,
    phone: `+44 20 7946 ${digits(4)}`,
    leave_balance: 10 + (i % 15),
    manager_id: 200_000 + (i % 4),
    notes: 'requested leave for the second week of March, approved by the line manager',
  })),
};
const text = JSON.stringify(record);

function measure(input: unknown): { p50_us: number; p99_us: number; findings: number } {
  for (let i = 0; i < Math.min(2000, runs); i++) scan(input); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    scan(input);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 1000 * 10) / 10;
  return { p50_us: at(0.5), p99_us: at(0.99), findings: scan(input).length };
}

// Alternate the two so load on the machine falls on both alike.
const recordRuns: ReturnType<typeof measure>[] = [];
const textRuns: ReturnType<typeof measure>[] = [];
for (let round = 0; round < 3; round++) {
  recordRuns.push(measure(record));
  textRuns.push(measure(text));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rec = { p50_us: median(recordRuns.map((r) => r.p50_us)), p99_us: median(recordRuns.map((r) => r.p99_us)), findings: recordRuns[0]!.findings };
const flat = { p50_us: median(textRuns.map((r) => r.p50_us)), p99_us: median(textRuns.map((r) => r.p99_us)), findings: textRuns[0]!.findings };
console.log(JSON.stringify({
  bytes: text.length,
  rows,
  record_field_by_field: rec,
  baseline_flat_text: flat,
  ratio_p50_record_over_text: Math.round((rec.p50_us / flat.p50_us) * 100) / 100,
}, null, 2));
