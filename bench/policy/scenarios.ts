/**
 * The benchmark scenarios, shared by run.ts and the equivalence test: generated RBAC data
 * (100 roles, 1,000 user→role bindings) and admission inputs, the two Rego policies, and the
 * hand-written TypeScript functions that make the same decisions.
 */
import { readFileSync } from 'node:fs';
import { compile, type Policy } from '../../packages/rego/src/index.ts';

const here = new URL('.', import.meta.url);
export const read = (f: string): string => readFileSync(new URL(f, here), 'utf8');

// Deterministic PRNG so runs are comparable.
let seed = 42;
/** Restart the generator (tests and runs see the same sequence). */
export function reseed(s = 42): void {
  seed = s;
}
export const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
export const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;

export const actions = ['read', 'write', 'delete', 'approve', 'export'];
export const resources = Array.from({ length: 20 }, (_, i) => `resource-${i}`);

export function rbacData(): { roles: Record<string, { action: string; resource: string }[]>; bindings: Record<string, string[]> } {
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

export function rbacHand(data: ReturnType<typeof rbacData>): (input: { user: string; action: string; resource: string }) => boolean {
  return (input) => {
    const roles = data.bindings[input.user];
    if (!roles) return false;
    for (const role of roles) {
      for (const g of data.roles[role] ?? []) if (g.action === input.action && g.resource === input.resource) return true;
    }
    return false;
  };
}

export interface AdmissionInput {
  connector: { name: string };
  dataset: { classification: string; pii: boolean; owner?: string };
  token: { lifetime_seconds: number };
  export: boolean;
  dlp: boolean;
}

export const allowlist: Record<string, string[]> = {
  public: ['s3', 'gcs', 'postgres', 'snowflake', 'http'],
  internal: ['s3', 'postgres', 'snowflake'],
  confidential: ['postgres', 'snowflake'],
  restricted: ['snowflake'],
};

export function admissionHand(input: AdmissionInput): string[] {
  const deny = new Set<string>();
  if (!(allowlist[input.dataset.classification] ?? []).includes(input.connector.name)) deny.add('connector not allowed for classification');
  if (input.token.lifetime_seconds > 3600) deny.add('token lifetime exceeds cap');
  if (input.dataset.pii && input.export && !input.dlp) deny.add('PII export requires DLP');
  if (input.dataset.owner === undefined || input.dataset.owner === '') deny.add('owner required');
  return [...deny].sort();
}

export function admissionInput(): AdmissionInput {
  const owner = rand() < 0.8 ? pick(['ann', 'bob', 'cy']) : rand() < 0.5 ? '' : undefined;
  return {
    connector: { name: pick(['s3', 'gcs', 'postgres', 'snowflake', 'http', 'ftp']) },
    dataset: { classification: pick(Object.keys(allowlist)), pii: rand() < 0.3, ...(owner === undefined ? {} : { owner }) },
    token: { lifetime_seconds: pick([600, 1800, 3600, 7200]) },
    export: rand() < 0.4,
    dlp: rand() < 0.5,
  };
}


/** Compile the RBAC policy over generated data; returns the policy, the data and `n` inputs. */
export function rbacScenario(n: number): { policy: Policy; hand: (i: RbacInput) => boolean; inputs: RbacInput[] } {
  const data = rbacData();
  const policy = compile({ modules: { 'rbac.rego': read('rbac.rego') }, data });
  const inputs = Array.from({ length: n }, () => ({ user: `user-${Math.floor(rand() * 450)}`, action: pick(actions), resource: pick(resources) }));
  return { policy, hand: rbacHand(data), inputs };
}

export interface RbacInput {
  user: string;
  action: string;
  resource: string;
}

export function admissionScenario(n: number): { policy: Policy; inputs: AdmissionInput[] } {
  const policy = compile({ modules: { 'admission.rego': read('admission.rego') }, data: { allowlist } });
  return { policy, inputs: Array.from({ length: n }, admissionInput) };
}
