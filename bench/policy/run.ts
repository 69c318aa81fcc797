/**
 * Policy engine benchmark: (a) RBAC with 100 roles and 1,000 bindings, (b) a catalog-app
 * admission policy — each evaluated by the Rego engine and by a hand-written TypeScript
 * function on the same generated inputs (scenarios.ts). Prints JSON (decisions/s, p50/p99 µs,
 * ratio) and exits non-zero if the two ever disagree.
 */
import { admissionHand, admissionScenario, rbacScenario } from './scenarios.ts';

function measure<I, O>(inputs: I[], f: (i: I) => O): { outputs: O[]; p50: number; p99: number; perSecond: number } {
  for (let i = 0; i < Math.min(2000, inputs.length); i++) f(inputs[i]!); // warm-up
  const times: number[] = new Array(inputs.length);
  const outputs: O[] = new Array(inputs.length);
  const start = performance.now();
  for (let i = 0; i < inputs.length; i++) {
    const t0 = performance.now();
    outputs[i] = f(inputs[i]!);
    times[i] = performance.now() - t0;
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const us = (ms: number): number => Math.round(ms * 1000 * 100) / 100;
  return { outputs, p50: us(times[Math.floor(times.length * 0.5)]!), p99: us(times[Math.floor(times.length * 0.99)]!), perSecond: Math.round(inputs.length / (total / 1000)) };
}

function report<I>(name: string, inputs: I[], engine: (i: I) => unknown, hand: (i: I) => unknown): Record<string, unknown> {
  const e = measure(inputs, engine);
  const h = measure(inputs, hand);
  for (let i = 0; i < inputs.length; i++) {
    if (JSON.stringify(e.outputs[i]) !== JSON.stringify(h.outputs[i])) {
      throw new Error(`${name}: decisions differ for input ${JSON.stringify(inputs[i])}: engine ${JSON.stringify(e.outputs[i])}, hand-written ${JSON.stringify(h.outputs[i])}`);
    }
  }
  const allowed = e.outputs.filter((o) => o === true || (Array.isArray(o) && o.length === 0)).length;
  return {
    name,
    decisions: inputs.length,
    allowed,
    engine: { perSecond: e.perSecond, p50us: e.p50, p99us: e.p99 },
    handWritten: { perSecond: h.perSecond, p50us: h.p50, p99us: h.p99 },
    ratioP50: Math.round((e.p50 / Math.max(h.p50, 0.01)) * 10) / 10,
    ratioThroughput: Math.round((h.perSecond / e.perSecond) * 10) / 10,
  };
}

const N = Number(process.env.BENCH_N ?? 50_000);
const rbac = rbacScenario(N);
const a = report('rbac', rbac.inputs, (i) => rbac.policy.evaluate('data.rbac.allow', { input: i }), rbac.hand);

const adm = admissionScenario(N);
const b = report('admission', adm.inputs, (i) => adm.policy.evaluate('data.admission.deny', { input: i }), admissionHand);

const out = { rbac: a, admission: b, targets: { rbacP50us: 20, ratio: 10 } };
console.log(JSON.stringify(out, null, 2));
if ((a.engine as { p50us: number }).p50us >= 20) console.error('warning: rbac p50 above the 20 µs target');
