/**
 * A worker thread of impact analysis (impact.ts): compiles the candidate and active bundles
 * once from their portable form, then decides the pages of stored app rows it is sent with
 * decidePage — the same function the main thread runs on a small catalog.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ConnectorCatalog } from '../connectors/index.ts';
import { loadStandaloneDecider, type PortableBundle } from '../policy/index.ts';
import { decidePage, type StoredRow } from './impact-page.ts';
import type { GovernanceSettings } from './schema.ts';

export interface ImpactWorkerInit {
  candidate: PortableBundle;
  active: PortableBundle | null;
  catalogs: [string, ConnectorCatalog][];
  settings: GovernanceSettings;
  now: string;
}

const init = workerData as ImpactWorkerInit;
const { compilePortable, decideDocuments } = await loadStandaloneDecider();
const candidate = compilePortable(init.candidate);
const active = init.active ? compilePortable(init.active) : null;
const env = { candidate, active, ctx: { catalogs: new Map(init.catalogs), settings: init.settings, now: init.now } };

parentPort!.on('message', (msg: { id: number; rows: StoredRow[] }) => {
  const result = decidePage(msg.rows, env, (bundle, documents) => {
    const d = decideDocuments('admission', bundle === null ? null : bundle === candidate ? candidate : active, documents);
    return { result: d.result, deny: d.deny, warn: d.warn };
  });
  parentPort!.postMessage({ id: msg.id, result });
});
parentPort!.postMessage({ ready: true });
