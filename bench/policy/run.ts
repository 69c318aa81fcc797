/**
 * Policy engine benchmark: (a) RBAC with 100 roles and 1,000 bindings, (b) a catalog-app
 * admission policy — each evaluated by the Rego engine and by a hand-written TypeScript
 * function on the same generated inputs. Prints JSON (decisions/s, p50/p99 µs, ratio) and
 * exits non-zero if the two ever disagree.
 */
import { readFileSync } from 'node:fs';
import { compile } from '../../packages/rego/src/index.ts';

const here = new URL('.', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, here), 'utf8');

// Deterministic PRNG so runs are comparable.
let seed = 42;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;

const actions = ['read', 'write', 'delete', 'approve', 'export'];
const resources = Array.from({ length: 20 }, (_, i) => `resource-${i}`);

function rbacData(): { roles: Record<string, { action: string; resource: string }[]>; bindings: Record<string, string[]> } {
  const roles: Record<string, { action: string; resource: string }[]> = {};
  for (let r = 0; r < 100; r++) {
    roles[`role-${r}`] = Array.from({ length: 5 }, () => ({ action: pick(actions), resource: pick(resources) }));
  }
  const bindings: Record<string, string[]> = {};
  for (let b = 0; b < 1000; b++) {
    const user = `user-${b % 400}`;
    (bindings[user] ??= []).push(`role-${Math.floor(rand() * 100)}`);
  }
  return { roles, bindings };
}

function rbacHand(data: ReturnType<typeof rbacData>): (input: { user: string; action: string; resource: string }) => boolean {
  return (input) => {
    const roles = data.bindings[input.user];
    if (!roles) return false;
    for (const role of roles) {
      for (const g of data.roles[role] ?? []) if (g.action === input.action && g.resource === input.resource) return true;
    }
    return false;
  };
}

interface AdmissionInput {
  connector: { name: string };
  dataset: { classification: string; pii: boolean; owner?: string };
  token: { lifetime_seconds: number };
  export: boolean;
  dlp: boolean;
}

const allowlist: Record<string, string[]> = {
  public: ['s3', 'gcs', 'postgres', 'snowflake', 'http'],
  internal: ['s3', 'postgres', 'snowflake'],
  confidential: ['postgres', 'snowflake'],
  restricted: ['snowflake'],
};

function admissionHand(input: AdmissionInput): string[] {
  const deny = new Set<string>();
  if (!(allowlist[input.dataset.classification] ?? []).includes(input.connector.name)) deny.add('connector not allowed for classification');
  if (input.token.lifetime_seconds > 3600) deny.add('token lifetime exceeds cap');
  if (input.dataset.pii && input.export && !input.dlp) deny.add('PII export requires DLP');
  if (input.dataset.owner === undefined || input.dataset.owner === '') deny.add('owner required');
  return [...deny].sort();
}

function admissionInput(): AdmissionInput {
  const owner = rand() < 0.8 ? pick(['ann', 'bob', 'cy']) : rand() < 0.5 ? '' : undefined;
  return {
    connector: { name: pick(['s3', 'gcs', 'postgres', 'snowflake', 'http', 'ftp']) },
    dataset: { classification: pick(Object.keys(allowlist)), pii: rand() < 0.3, ...(owner === undefined ? {} : { owner }) },
    token: { lifetime_seconds: pick([600, 1800, 3600, 7200]) },
    export: rand() < 0.4,
    dlp: rand() < 0.5,
  };
}

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
const data = rbacData();
const rbacPolicy = compile({ modules: { 'rbac.rego': read('rbac.rego') }, data });
const rbacInputs = Array.from({ length: N }, () => ({ user: `user-${Math.floor(rand() * 450)}`, action: pick(actions), resource: pick(resources) }));
const hand = rbacHand(data);
const a = report('rbac', rbacInputs, (i) => rbacPolicy.evaluate('data.rbac.allow', { input: i }), hand);

const admPolicy = compile({ modules: { 'admission.rego': read('admission.rego') }, data: { allowlist } });
const admInputs = Array.from({ length: N }, admissionInput);
const b = report('admission', admInputs, (i) => admPolicy.evaluate('data.admission.deny', { input: i }), admissionHand);

const out = { rbac: a, admission: b, targets: { rbacP50us: 20, ratio: 10 } };
console.log(JSON.stringify(out, null, 2));
if ((a.engine as { p50us: number }).p50us >= 20) console.error('warning: rbac p50 above the 20 µs target');
