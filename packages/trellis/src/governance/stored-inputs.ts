/**
 * An app's admission documents rebuilt from what is stored (its manifest and assessment), pure:
 * the playground's `app` form and impact analysis (100,000 apps, in worker threads too) use it.
 * Also the risk score of a manifest, shared with the pipeline.
 */
import { canonicalPersonRef as canonicalOwner } from '../auth/index.ts';
import type { AppStatus, Assessment, Classification, Manifest, RiskResult } from '../catalog/index.ts';
import type { ConnectorCatalog } from '../connectors/index.ts';
import { admissionInputs, exportsWithTags, isPersonalTag, ownerKind } from './admission-input.ts';
import { bindFields, classify, type BoundField } from './classify.ts';
import type { GovernanceRiskOverrideRow } from './rows.ts';
import { scoreRisk, type OwnerStatus, type RiskSettings } from './risk.ts';
import type { GovernanceSettings } from './schema.ts';
import { wideningReasons } from './widening.ts';

export interface StoredApp {
  name: string;
  manifest: Manifest;
  status: AppStatus;
  version: number;
  approvedAt: string | null;
  assessment: Assessment | null;
  approvedManifest?: Manifest | null;
}

export interface InputContext {
  catalogs: ReadonlyMap<string, ConnectorCatalog>;
  settings: GovernanceSettings;
  now: string;
}

/** A manifest's risk from its bound fields; `override` is an admin's, kept as the tier in force. */
export function scoreApp(manifest: Manifest, effective: Classification | null, fields: readonly BoundField[], openFindings: number, settings: RiskSettings, override: GovernanceRiskOverrideRow | undefined, ownerStatus: OwnerStatus = 'unknown'): RiskResult {
  const piiExports = exportsWithTags(manifest, fields).filter((e) => e.fields.some((f) => f.tags.some(isPersonalTag)));
  const owner = canonicalOwner(manifest.spec.owner);
  const o = override ? { tier: override.tier as RiskResult['tier'], reason: override.reason, by: { id: override.by_id, name: override.by_name }, at: override.at } : null;
  return scoreRisk({ manifest, effectiveTier: effective, fields, piiExports, ownerKind: ownerKind(owner), ownerStatus, openFindings }, settings, o);
}

/**
 * The admission documents of an app as stored, without a database round trip. `ownerStatus`
 * comes from the directory where there is one at hand (the playground); impact analysis runs
 * in worker threads without it, so there the owner's status is `unknown` (the cascade has
 * suspended a departed owner's apps already).
 */
export function storedAppInputs(app: StoredApp, ctx: InputContext, ownerStatus: OwnerStatus = 'unknown'): Record<string, unknown>[] {
  const bound = bindFields(app.manifest, ctx.catalogs, ctx.settings.tag_tiers, () => ({}));
  const classification = app.assessment?.classification ?? classify(app.manifest, bound.fields, [], ctx.settings.tag_tiers).classification;
  const risk = app.assessment?.risk ?? scoreApp(app.manifest, classification.effective, bound.fields, 0, ctx.settings.risk, undefined, ownerStatus);
  return admissionInputs({
    kind: 'update',
    manifest: app.manifest,
    version: app.version,
    status: app.status,
    approvedAt: app.approvedAt,
    owner: canonicalOwner(app.manifest.spec.owner),
    ownerStatus,
    classification,
    risk,
    fields: bound.fields,
    catalogs: ctx.catalogs,
    widening: app.approvedManifest ? wideningReasons(app.approvedManifest, app.manifest) : [],
    openFindings: 0,
    subject: { id: 'system', name: 'impact analysis', role: null, subject: null },
    now: ctx.now,
  });
}
