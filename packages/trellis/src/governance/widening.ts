/**
 * Whether an update widens an approved app's data scope, and how, pure. An update that reaches
 * more data or sends it further — a new connector, resource or field, write access, a row
 * filter dropped, a new export or exported field, a new egress host — goes back to review
 * while the approved version stays in force. Each reason names what widened, so the reviewer
 * sees the change that needs a decision and nothing else.
 */
import type { Manifest } from '../catalog/index.ts';

type Access = 'read' | 'write' | 'read-write';

function writes(access: Access): boolean {
  return access !== 'read';
}

export function wideningReasons(approved: Manifest, next: Manifest): string[] {
  const reasons: string[] = [];
  const before = new Map((approved.spec.connectors ?? []).map((c) => [c.name, new Map(c.resources.map((r) => [r.name, r]))]));
  for (const c of next.spec.connectors ?? []) {
    const resources = before.get(c.name);
    if (!resources) {
      reasons.push(`new connector ${c.name}`);
      continue;
    }
    for (const r of c.resources) {
      const old = resources.get(r.name);
      if (!old) {
        reasons.push(`new resource ${c.name}.${r.name}`);
        continue;
      }
      const oldFields = new Set(old.fields);
      const added = r.fields.filter((f) => !oldFields.has(f));
      if (added.length > 0) reasons.push(`new field${added.length > 1 ? 's' : ''} ${added.map((f) => `${c.name}.${r.name}.${f}`).join(', ')}`);
      if (writes(r.access) && !writes(old.access)) reasons.push(`write access to ${c.name}.${r.name}`);
      const filters = (x: typeof r) => new Set((x.rowFilters ?? []).map((f) => JSON.stringify([f.field, f.op, f.value])));
      const kept = filters(r);
      if ([...filters(old)].some((f) => !kept.has(f))) reasons.push(`a row filter on ${c.name}.${r.name} removed or changed`);
    }
  }
  const exportKey = (e: { destination: string; target: string }) => `${e.destination} ${e.target}`;
  const oldExports = new Map((approved.spec.exports ?? []).map((e) => [exportKey(e), e]));
  for (const e of next.spec.exports ?? []) {
    const old = oldExports.get(exportKey(e));
    if (!old) {
      reasons.push(`new export to ${e.destination} ${e.target}`);
      continue;
    }
    const oldFields = new Set(old.fields);
    const added = e.fields.filter((f) => !oldFields.has(f));
    if (added.length > 0) reasons.push(`export to ${e.destination} ${e.target} gains ${added.join(', ')}`);
    if (old.inspect === true && e.inspect !== true) reasons.push(`export to ${e.destination} ${e.target} drops DLP inspection`);
  }
  const oldEgress = new Set(approved.spec.egress ?? []);
  const newHosts = (next.spec.egress ?? []).filter((h) => !oldEgress.has(h));
  if (newHosts.length > 0) reasons.push(`new egress host${newHosts.length > 1 ? 's' : ''} ${newHosts.join(', ')}`);
  if (approved.spec.runtime === 'sandbox' && next.spec.runtime !== 'sandbox') reasons.push('leaves the sandbox (runtime external)');
  return reasons;
}
