/**
 * bench/admission — registration that decides, and impact analysis, on SQLite and PostgreSQL.
 *
 *   npx tsx bench/admission/run.ts [--apps 5000] [--rounds 3] [--concurrency 32]
 *                                  [--impact-apps 100000] [--assessed-apps 5000]
 *                                  [--db sqlite|postgres|both] [--no-profile]
 *
 * Services are built as the server builds them (createServices, then startModules, which
 * stores and activates the built-in policy pack from policies/), with eight connectors whose
 * fields carry realistic tags. Generated app manifests (deterministic PRNG) bind them with a
 * mix of classifications, write access, exports, egress, audiences and runtimes, so decisions
 * spread over approved, pending_review and rejected.
 *
 * - Registration: `--apps` apps per round with `--concurrency` in flight, alternating plain
 *   catalog registration (CatalogService.register: a draft, no decision) and registration that
 *   decides (GovernanceService.register: validate, secret scan, classify, score, admission
 *   policy, write, audit, review, webhook outbox), the same manifests under fresh names each
 *   round; apps/s of each, medians over the rounds, and the ratio decided/plain.
 * - Impact analysis: a fresh database loaded with `--impact-apps` drafts through
 *   CatalogService.registerMany (no stored assessment: impact rebuilds classification and
 *   risk), then GovernanceService.impact with the active bundle plus one module retiring a
 *   connector; target under 10 s for 100,000 apps. Separately, `--assessed-apps` apps
 *   registered through governance (stored assessments) in another fresh database, timed the
 *   same way. Each impact figure comes with its stages timed apart (catalog scan, inputs
 *   rebuilt, decisions under each bundle). One more impact run of the drafts is profiled
 *   (node:inspector) on the first database: the top self-time functions and files are
 *   printed, and the .cpuprofile kept in the system's temporary directory for DevTools.
 *
 * PostgreSQL comes from TRELLIS_BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/test),
 * in scratch schemas dropped afterwards. Prints one JSON document.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onDatabases, openBenchDatabase, type BenchDbKind } from '../support/databases.ts';
import { createServices, startModules, stopModules, type Services } from '../../packages/trellis/src/services.ts';
import type { Asker } from '../../packages/trellis/src/governance/service.ts';
import type { Caller } from '../../packages/trellis/src/catalog/service.ts';
import type { AppStatus, Assessment, Manifest } from '../../packages/trellis/src/catalog/index.ts';
import { storedAppInputs } from '../../packages/trellis/src/governance/stored-inputs.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const APPS = Number(arg('apps', '5000'));
const ROUNDS = Math.max(3, Number(arg('rounds', '3')));
const CONCURRENCY = Number(arg('concurrency', '32'));
const IMPACT_APPS = Number(arg('impact-apps', '100000'));
const ASSESSED_APPS = Number(arg('assessed-apps', '5000'));
const DB = arg('db', 'both');
const PROFILE = !args.includes('--no-profile');
/** The target: impact analysis over 100,000 apps in under 10 s. */
const TARGET_IMPACT_MS_PER_100K = 10_000;
const LOAD_CHUNK = 2000;
const root = new URL('../..', import.meta.url).pathname;

const caller: Caller = { actor: { type: 'token', id: 'tok_bench', name: 'bench', role: 'admin' } };
const asker: Asker = { caller, principal: { kind: 'token', tokenId: 'tok_bench', name: 'bench', role: 'admin', subject: null, permissions: new Set(), attributes: {} } };

// ---- connectors ---------------------------------------------------------------------------

interface FieldDef {
  name: string;
  tags?: string[];
}
interface ResourceDef {
  name: string;
  tiers?: string[];
  fields: FieldDef[];
}
interface ConnectorDef {
  name: string;
  tiers?: string[];
  resources: ResourceDef[];
}

const f = (name: string, ...tags: string[]): FieldDef => (tags.length > 0 ? { name, tags } : { name });

/** Eight connectors as an organisation has them: HR and CRM full of PII, a ledger with card numbers, a wiki of public pages. */
const connectorDefs: ConnectorDef[] = [
  {
    name: 'hr',
    resources: [
      { name: 'employees', fields: [f('id'), f('name', 'pii.name'), f('email', 'pii.email'), f('phone', 'pii.phone'), f('department', 'internal'), f('title', 'internal'), f('ssn', 'pii.ssn'), f('birth_date', 'pii.dob')] },
      { name: 'leave_requests', fields: [f('id'), f('employee_id', 'internal'), f('start_date', 'internal'), f('end_date', 'internal'), f('reason', 'confidential'), f('status')] },
      { name: 'salaries', tiers: ['confidential', 'restricted'], fields: [f('employee_id', 'internal'), f('amount', 'confidential'), f('currency'), f('bank_account', 'pii.bank')] },
    ],
  },
  {
    name: 'crm',
    resources: [
      { name: 'customers', fields: [f('id'), f('name', 'pii.name'), f('email', 'pii.email'), f('phone', 'pii.phone'), f('segment', 'internal'), f('country', 'public')] },
      { name: 'deals', fields: [f('id'), f('customer_id', 'internal'), f('amount', 'confidential'), f('stage', 'internal'), f('owner', 'internal')] },
    ],
  },
  {
    name: 'finance-ledger',
    tiers: ['internal', 'confidential', 'restricted'],
    resources: [
      { name: 'entries', fields: [f('id'), f('account', 'internal'), f('amount', 'confidential'), f('memo'), f('posted_at', 'internal')] },
      { name: 'cards', tiers: ['restricted'], fields: [f('id'), f('pan', 'pci.pan'), f('holder', 'pii.name'), f('expiry', 'pci.expiry')] },
    ],
  },
  {
    name: 'support-desk',
    resources: [
      { name: 'tickets', fields: [f('id'), f('subject', 'internal'), f('body', 'confidential'), f('requester_email', 'pii.email'), f('priority'), f('status')] },
      { name: 'macros', fields: [f('id'), f('title', 'internal'), f('text', 'internal')] },
    ],
  },
  {
    name: 'warehouse',
    resources: [
      { name: 'inventory', fields: [f('sku', 'public'), f('quantity', 'internal'), f('location', 'internal'), f('updated_at')] },
      { name: 'shipments', fields: [f('id'), f('sku', 'public'), f('carrier', 'internal'), f('address', 'pii.address')] },
    ],
  },
  {
    name: 'wiki',
    tiers: ['public', 'internal'],
    resources: [{ name: 'pages', fields: [f('id'), f('title', 'public'), f('body', 'internal'), f('updated_at', 'public')] }],
  },
  {
    name: 'marketing',
    tiers: ['public', 'internal', 'confidential'],
    resources: [{ name: 'campaigns', fields: [f('id'), f('name', 'public'), f('budget', 'confidential'), f('channel', 'public'), f('starts_at', 'public')] }],
  },
  {
    name: 'legacy-erp',
    resources: [{ name: 'orders', fields: [f('id'), f('customer', 'internal'), f('total', 'confidential'), f('secret_key', 'secret'), f('notes')] }],
  },
];

/** The connector the candidate bundle retires: its apps flip to deny. */
const RETIRED_CONNECTOR = 'legacy-erp';
const retireModule = `package trellis.admission\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.connector == "${RETIRED_CONNECTOR}"\n\tmsg := "connector ${RETIRED_CONNECTOR} is being retired"\n}\n`;

async function defineConnectors(services: Services): Promise<void> {
  for (const c of connectorDefs) {
    await services.connectors.apply(caller, {
      value: {
        apiVersion: 'trellis.dev/v1',
        kind: 'Connector',
        metadata: { name: c.name },
        spec: { type: 'postgres', owner: 'group:platform', ...(c.tiers ? { tiers: c.tiers } : {}), resources: c.resources.map((r) => ({ name: r.name, ...(r.tiers ? { tiers: r.tiers } : {}), fields: r.fields })) },
      },
    });
  }
}

// ---- manifests ----------------------------------------------------------------------------

// A small deterministic PRNG (mulberry32) so every run generates the same apps.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const domains = ['leave', 'expense', 'invoice', 'payroll', 'onboarding', 'inventory', 'ticket', 'timesheet', 'budget', 'forecast', 'lead', 'contract', 'survey', 'shift', 'travel', 'asset', 'vendor', 'claim'];
const nouns = ['tracker', 'dashboard', 'bot', 'report', 'approver', 'sync', 'notifier', 'form', 'exporter', 'planner', 'viewer'];
const teams = Array.from({ length: 60 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
const classifications = ['public', 'internal', 'confidential', 'restricted'] as const;
const hosts = ['api.slack.com', 'hooks.zapier.com', 'api.openai.com', 'sheets.googleapis.com', 'api.stripe.com', 'graph.microsoft.com'];
const exportDestinations = ['slack', 'email', 'webhook', 'file', 'teams'] as const;

/**
 * The shape of app `i` (its name without the round's prefix). About a third are small
 * read-only sandbox apps on the wiki or warehouse (approved when their risk is low); the rest
 * bind HR, CRM, the ledger and the others with the mix that sends them to review or rejects
 * them: restricted data written without a purpose, PII exported to chat, card numbers, a
 * classification lower than the connector allows, no classification at all.
 */
function appShape(i: number, rand: () => number): { suffix: string; spec: Record<string, unknown>; title: string } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const domain = pick(domains);
  const noun = pick(nouns);
  const simple = rand() < 0.35;
  const pool = simple ? connectorDefs.filter((c) => c.name === 'wiki' || c.name === 'warehouse') : connectorDefs;
  const count = simple ? 1 : 1 + Math.floor(rand() ** 1.5 * 3);
  const chosen = new Map<string, ConnectorDef>();
  while (chosen.size < Math.min(count, pool.length)) {
    const c = pick(pool);
    chosen.set(c.name, c);
  }
  const uses = [...chosen.values()].map((c) => {
    const resources = c.resources.filter((_, k) => k === 0 || rand() < 0.3);
    return {
      name: c.name,
      resources: resources.map((r) => {
        // Fields: the first (usually the key) and a random subset of the others.
        const fields = r.fields.filter((_, k) => k === 0 || rand() < (simple ? 0.4 : 0.5)).map((x) => x.name);
        const access = simple ? 'read' : rand() < 0.75 ? 'read' : rand() < 0.5 ? 'read-write' : 'write';
        return { name: r.name, fields, access };
      }),
    };
  });
  const allFields = [...new Set(uses.flatMap((u) => u.resources.flatMap((r) => r.fields)))];
  const spec: Record<string, unknown> = {
    owner: rand() < 0.9 ? `user:user${Math.floor(rand() * 2000)}@example.com` : `group:${pick(teams)}`,
    team: pick(teams),
    runtime: simple ? 'sandbox' : rand() < 0.5 ? 'sandbox' : 'external',
    connectors: uses,
  };
  // Declared classification: usually stated, sometimes lower than the data (detection wins),
  // sometimes missing (denied when nothing bound is tagged either).
  const declared = rand();
  if (declared < 0.9) spec.classification = simple ? pick(['public', 'internal'] as const) : pick(classifications);
  if (!simple && rand() < 0.5) spec.purpose = `Helps the ${domain} team with ${noun} work.`;
  if (!simple && rand() < 0.25) {
    const n = 1 + Math.floor(rand() * 2);
    spec.exports = Array.from({ length: n }, (_, k) => ({
      destination: pick(exportDestinations),
      target: k === 0 ? `#${domain}-${noun}` : `reports-${domain}@example.com`,
      fields: allFields.filter(() => rand() < 0.5).slice(0, 4),
      ...(rand() < 0.4 ? { inspect: true } : {}),
    }));
  }
  if (!simple && rand() < 0.3) spec.egress = Array.from(new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(hosts))));
  if (rand() < 0.7) {
    const users = Math.floor(10 ** (rand() * (simple ? 1.5 : 4)));
    spec.users = { count: users, ...(rand() < 0.5 ? { groups: [pick(teams)] } : {}), ...(!simple && rand() < 0.1 ? { external: true } : {}) };
  }
  return { suffix: `${domain}-${noun}-${i.toString(36)}`, spec, title: `${domain} ${noun}` };
}

/** N app shapes, generated once: every round registers the same manifests under fresh names. */
function shapes(n: number, seed: number): ReturnType<typeof appShape>[] {
  const rand = rng(seed);
  return Array.from({ length: n }, (_, i) => appShape(i, rand));
}

function manifest(prefix: string, s: ReturnType<typeof appShape>): Record<string, unknown> {
  return { apiVersion: 'trellis.dev/v1', kind: 'MicroApp', metadata: { name: `${prefix}-${s.suffix}`, title: s.title, tags: ['bench'] }, spec: s.spec };
}

// ---- measuring ----------------------------------------------------------------------------

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits = 0): number => Number(x.toFixed(digits));

/** Run `work` over 0…n-1 with `concurrency` calls in flight. */
async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

type Spread = Record<string, number>;

/** One round: every manifest registered; apps/s counts the audit events sealed too (as the server pays for them). */
async function registrationRound(services: Services, mode: 'plain' | 'decided', prefix: string, appShapes: ReturnType<typeof appShape>[]): Promise<{ apps_per_s: number; seconds: number; spread: Spread }> {
  const values = appShapes.map((s) => ({ value: manifest(prefix, s) }));
  const spread: Spread = {};
  const t0 = performance.now();
  await pool(values.length, CONCURRENCY, async (i) => {
    const app = mode === 'plain' ? await services.catalog.register(caller, values[i]!) : await services.governance.register(asker, { manifest: values[i]! });
    spread[app.status] = (spread[app.status] ?? 0) + 1;
  });
  await services.audit.seal();
  const seconds = (performance.now() - t0) / 1000;
  return { apps_per_s: round(values.length / seconds), seconds: round(seconds, 2), spread };
}

/** The candidate: the active bundle as stored, plus the module that retires a connector. */
async function candidateBundle(services: Services): Promise<{ modules: Record<string, string>; data: Record<string, unknown>; activeVersion: number }> {
  const active = services.policy.active();
  if (!active || active.version === null) throw new Error('no active policy bundle: startModules should have activated the built-in pack');
  const stored = await services.policy.get(active.version);
  return { modules: { ...stored.modules, 'bench/retire_connector.rego': retireModule }, data: stored.data, activeVersion: active.version };
}

async function timeImpact(services: Services, target: number): Promise<Record<string, unknown>> {
  const bundle = await candidateBundle(services);
  const t0 = performance.now();
  const r = await services.governance.impact({ bundle: { modules: bundle.modules, data: bundle.data }, limit: 10 });
  const ms = performance.now() - t0;
  // The target is for 100,000 apps; a smaller run is scaled to it linearly.
  const per100k = (ms * 100_000) / Math.max(1, r.apps);
  return {
    apps: r.apps,
    changed: r.changed,
    flips: r.flips,
    bundle: r.bundle,
    duration_ms: round(ms),
    reported_duration_ms: r.duration_ms,
    apps_per_s: round((r.apps * 1000) / ms),
    ms_per_100k_apps: round(per100k),
    target_ms_per_100k: TARGET_IMPACT_MS_PER_100K,
    target_met: per100k < TARGET_IMPACT_MS_PER_100K,
    ...(r.apps !== target ? { note: `${r.apps} apps analysed, ${target} loaded` } : {}),
  };
}

/**
 * Where impact analysis spends its time, stage by stage, with the calls analyseImpact makes
 * (governance/impact.ts): reading the catalog a page at a time, rebuilding each app's
 * admission inputs, deciding them under the active bundle and under the candidate. The sum
 * is near the impact figure; the difference is the comparison of decisions and the yields.
 */
async function impactStages(services: Services): Promise<Record<string, number>> {
  const bundle = await candidateBundle(services);
  const c0 = performance.now();
  const candidate = await services.policy.compile({ modules: bundle.modules, data: bundle.data });
  const compileMs = performance.now() - c0;
  const active = services.policy.active()!;
  const context = { catalogs: await services.connectors.allCatalogs(), settings: await services.governance.settings() };
  const ms = { scan: 0, inputs: 0, decide_active: 0, decide_candidate: 0 };
  let apps = 0;
  let evaluations = 0;
  let after: string | null = null;
  for (;;) {
    let t = performance.now();
    const page = await services.catalog.scanForImpact(after, 1000);
    ms.scan += performance.now() - t;
    if (page.length === 0) break;
    after = page[page.length - 1]!.name;
    for (const app of page) {
      if (app.status === 'retired') continue;
      apps++;
      t = performance.now();
      const inputs = storedAppInputs({ name: app.name, manifest: JSON.parse(app.manifest) as Manifest, status: app.status as AppStatus, version: app.version, approvedAt: app.approvedAt, assessment: app.assessment ? (JSON.parse(app.assessment) as Assessment) : null }, { ...context, now: new Date().toISOString() });
      const t1 = performance.now();
      services.policy.decideAll('admission', inputs, active);
      const t2 = performance.now();
      services.policy.decideAll('admission', inputs, candidate);
      const t3 = performance.now();
      ms.inputs += t1 - t;
      ms.decide_active += t2 - t1;
      ms.decide_candidate += t3 - t2;
      evaluations += 2 * inputs.length;
    }
  }
  const evalMs = ms.decide_active + ms.decide_candidate;
  return {
    apps,
    compile_candidate_ms: round(compileMs),
    scan_ms: round(ms.scan),
    inputs_ms: round(ms.inputs),
    decide_active_ms: round(ms.decide_active),
    decide_candidate_ms: round(ms.decide_candidate),
    rego_evaluations: evaluations,
    us_per_evaluation: round((evalMs * 1000) / Math.max(1, evaluations), 1),
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Self time per function and per file (milliseconds, highest first) from a V8 CPU profile.
 * Functions are told apart by name and file: tsx hands V8 each file's code on one line, so
 * positions say little. An anonymous function (a closure the Rego planner builds, a callback)
 * is named after the nearest named function above it in the same file.
 */
function selfTime(profile: CpuProfile, top: number): { functions: { function: string; self_ms: number; share: number }[]; files: { file: string; self_ms: number; share: number }[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const fileOf = (n: ProfileNode) => n.callFrame.url.replace(/^file:\/\//, '').replace(root, '');
  const labels = new Map<number, string>();
  const labelOf = (n: ProfileNode): string => {
    const known = labels.get(n.id);
    if (known !== undefined) return known;
    let name = n.callFrame.functionName;
    if (!name) {
      let up = parent.get(n.id);
      while (up && !(up.callFrame.url === n.callFrame.url && up.callFrame.functionName)) up = parent.get(up.id);
      name = up ? `(anonymous in ${up.callFrame.functionName})` : '(anonymous)';
    }
    const file = fileOf(n);
    const label = file ? `${name} ${file}` : name;
    labels.set(n.id, label);
    return label;
  };
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  (profile.samples ?? []).forEach((id, k) => {
    const node = byId.get(id);
    if (!node) return;
    const us = profile.timeDeltas?.[k + 1] ?? 0; // a sample's time runs until the next one
    functions.set(labelOf(node), (functions.get(labelOf(node)) ?? 0) + us);
    const file = fileOf(node) || `(${node.callFrame.functionName || 'native'})`;
    files.set(file, (files.get(file) ?? 0) + us);
    total += us;
  });
  const ranked = <K extends string>(m: Map<string, number>, key: K) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ [key]: name, self_ms: round(us / 1000), share: round(us / Math.max(1, total), 3) }) as Record<K, string> & { self_ms: number; share: number });
  return { functions: ranked(functions, 'function'), files: ranked(files, 'file') };
}

async function profileImpact(services: Services, kind: BenchDbKind): Promise<Record<string, unknown>> {
  const bundle = await candidateBundle(services);
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const t0 = performance.now();
    await services.governance.impact({ bundle: { modules: bundle.modules, data: bundle.data }, limit: 10 });
    const ms = performance.now() - t0;
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    const file = join(tmpdir(), `bench-admission-impact-${kind}-${process.pid}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const self = selfTime(profile, 25);
    return { duration_ms_profiled: round(ms), file, top_self_time: self.functions, self_time_by_file: self.files };
  } finally {
    session.disconnect();
  }
}

// ---- the phases ---------------------------------------------------------------------------

/** Services as the server builds them, on a scratch database, with the bench's connectors. */
async function withServices<T>(kind: BenchDbKind, name: string, run: (services: Services) => Promise<T>): Promise<T> {
  const scratch = await openBenchDatabase(kind, name);
  const services = await createServices(scratch.database);
  try {
    await startModules(services);
    await defineConnectors(services);
    return await run(services);
  } finally {
    await stopModules(services);
    await scratch.dispose();
  }
}

async function registration(kind: BenchDbKind): Promise<Record<string, unknown>> {
  const appShapes = shapes(APPS, 42);
  return withServices(kind, 'admission', async (services) => {
    // Warm-up: the policy engine, validators and prepared paths, on a few apps of each kind.
    const warm = appShapes.slice(0, Math.min(200, appShapes.length));
    await registrationRound(services, 'plain', 'wp', warm);
    await registrationRound(services, 'decided', 'wd', warm);
    const plain: Awaited<ReturnType<typeof registrationRound>>[] = [];
    const decided: Awaited<ReturnType<typeof registrationRound>>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      plain.push(await registrationRound(services, 'plain', `p${r}`, appShapes));
      decided.push(await registrationRound(services, 'decided', `d${r}`, appShapes));
    }
    const plainMedian = median(plain.map((x) => x.apps_per_s));
    const decidedMedian = median(decided.map((x) => x.apps_per_s));
    return {
      apps_per_round: APPS,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      plain: { apps_per_s: plainMedian, rounds: plain.map((x) => x.apps_per_s) },
      decided: { apps_per_s: decidedMedian, rounds: decided.map((x) => x.apps_per_s), spread: decided[0]!.spread },
      ratio_decided_over_plain: round(decidedMedian / plainMedian, 3),
    };
  });
}

async function impactOfDrafts(kind: BenchDbKind, profile: boolean): Promise<Record<string, unknown>> {
  return withServices(kind, 'admission_impact', async (services) => {
    const rand = rng(7);
    const t0 = performance.now();
    for (let start = 0; start < IMPACT_APPS; start += LOAD_CHUNK) {
      const n = Math.min(LOAD_CHUNK, IMPACT_APPS - start);
      const inputs = Array.from({ length: n }, (_, k) => ({ value: manifest('i', appShape(start + k, rand)) }));
      await services.catalog.registerMany(caller, inputs);
    }
    await services.audit.seal();
    const loadSeconds = (performance.now() - t0) / 1000;
    const timed = await timeImpact(services, IMPACT_APPS);
    return {
      load: { apps: IMPACT_APPS, via: 'CatalogService.registerMany (drafts, no stored assessment)', seconds: round(loadSeconds, 1), apps_per_s: round(IMPACT_APPS / loadSeconds) },
      impact: timed,
      stages: await impactStages(services),
      ...(profile ? { profile: await profileImpact(services, kind) } : {}),
    };
  });
}

async function impactOfAssessed(kind: BenchDbKind): Promise<Record<string, unknown>> {
  return withServices(kind, 'admission_assessed', async (services) => {
    const loaded = await registrationRound(services, 'decided', 'a', shapes(ASSESSED_APPS, 11));
    return {
      load: { apps: ASSESSED_APPS, via: 'GovernanceService.register (stored assessments)', seconds: loaded.seconds, apps_per_s: loaded.apps_per_s, spread: loaded.spread },
      impact: await timeImpact(services, ASSESSED_APPS),
      stages: await impactStages(services),
    };
  });
}

let profiled = false;

async function benchOne(kind: BenchDbKind): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { database: kind };
  result.registration = await registration(kind);
  process.stderr.write(`${kind}: registration done\n`);
  if (IMPACT_APPS > 0) {
    const profile = PROFILE && !profiled;
    profiled ||= profile;
    result.impact_drafts = await impactOfDrafts(kind, profile);
    process.stderr.write(`${kind}: impact over drafts done\n`);
  }
  if (ASSESSED_APPS > 0) {
    result.impact_assessed = await impactOfAssessed(kind);
    process.stderr.write(`${kind}: impact over assessed apps done\n`);
  }
  return result;
}

const results = await onDatabases(DB, benchOne);
process.stdout.write(
  JSON.stringify(
    {
      bench: 'admission',
      node: process.version,
      connectors: connectorDefs.map((c) => c.name),
      candidate: `active bundle + deny for apps binding ${RETIRED_CONNECTOR}`,
      targets: { impact_ms_per_100k_apps_max: TARGET_IMPACT_MS_PER_100K },
      results,
    },
    null,
    2,
  ) + '\n',
);
