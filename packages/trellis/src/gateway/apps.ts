/**
 * What the gateway knows of each calling app, in memory: its approved manifest's connector
 * grants, status, owner and classification. Loaded on an app's first call; dropped on every
 * replica when any app changes (the catalog's stamp, polled about once a second — the version
 * in force can change without a status change), and at once on this replica by a status change.
 */
import type { CatalogService } from '../catalog/index.ts';
import type { QueryGrant, RowFilter } from './query/index.ts';

export interface ResourceGrant extends QueryGrant {
  name: string;
}

export interface AppState {
  name: string;
  owner: string;
  status: string;
  classification: string | null;
  /** The version in force (approved_version); null: nothing approved. */
  version: number | null;
  /** connector → resource → the approved grant. */
  grants: Map<string, Map<string, ResourceGrant>>;
}

interface ManifestConnectors {
  spec?: { connectors?: { name: string; resources?: { name: string; fields?: string[]; access?: QueryGrant['access']; rowFilters?: RowFilter[] }[] }[] };
}

/** The connector grants of an approved manifest. */
export function grantsOf(manifest: unknown): AppState['grants'] {
  const out: AppState['grants'] = new Map();
  for (const c of (manifest as ManifestConnectors).spec?.connectors ?? []) {
    const byResource = new Map<string, ResourceGrant>();
    for (const r of c.resources ?? []) byResource.set(r.name, { name: r.name, fields: r.fields ?? [], access: r.access ?? 'read', ...(r.rowFilters ? { rowFilters: r.rowFilters } : {}) });
    out.set(c.name, byResource);
  }
  return out;
}

export class AppCache {
  private readonly apps = new Map<string, Promise<AppState | null>>();
  private stamp: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly catalog: CatalogService,
    private readonly opts: { pollIntervalMs: number; warn: (m: string) => void },
  ) {}

  async start(): Promise<void> {
    this.stamp = await this.catalog.appsStamp();
    this.catalog.onStatusChange(async (_tx, change) => {
      this.apps.delete(change.name);
    });
    this.timer = setInterval(() => void this.poll().catch((e: unknown) => this.opts.warn(`gateway: reading the apps' stamp failed: ${(e as Error).message}`)), this.opts.pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reload everything when any app changed (changes are rare; calls reload lazily). */
  async poll(): Promise<void> {
    const now = await this.catalog.appsStamp();
    if (now !== this.stamp) {
      this.stamp = now;
      this.apps.clear();
    }
  }

  /** The app's state, or null when there is no such app. */
  get(name: string): Promise<AppState | null> {
    let hit = this.apps.get(name);
    if (!hit) {
      hit = this.load(name);
      // A failed load is not remembered: the next call tries again.
      hit.catch(() => this.apps.delete(name));
      if (this.apps.size >= 10_000) this.apps.clear();
      this.apps.set(name, hit);
    }
    return hit;
  }

  private async load(name: string): Promise<AppState | null> {
    const app = await this.catalog.get(name).catch((e: unknown) => {
      if ((e as { code?: string }).code === 'not_found') return null;
      throw e;
    });
    if (!app) return null;
    const approved = app.approved_version === null ? null : app.approved_version === app.version ? app.manifest : (await this.catalog.version(name, app.approved_version)).manifest;
    return {
      name: app.name,
      owner: app.owner,
      status: app.status,
      classification: app.classification.effective ?? null,
      version: app.approved_version,
      grants: approved ? grantsOf(approved) : new Map(),
    };
  }
}
