/**
 * The register form's values, the templates that fill them, and the YAML they make. The form
 * only ever writes the editor (form → YAML), so this is a one-way generator for the subset of
 * the manifest the form offers; the server remains the judge of the result.
 */
import type { AccessMode, Classification, Runtime } from './types.ts';

export interface DataSource {
  connector: string;
  resource: string;
  fields: string[];
  access: AccessMode;
}

export interface ManifestForm {
  template: string;
  name: string;
  title: string;
  description: string;
  owner: string;
  team: string;
  purpose: string;
  classification: Classification | '';
  runtime: Runtime;
  sources: DataSource[];
  retentionDays: number | '';
}

export interface Template {
  id: string;
  label: string;
  /** What the template sets; the app's own name, owner and purpose stay as typed. */
  preset: Pick<ManifestForm, 'classification' | 'runtime' | 'sources' | 'retentionDays'>;
}

export const templates: readonly Template[] = [
  { id: '', label: 'No template (start blank)', preset: { classification: '', runtime: 'sandbox', sources: [], retentionDays: '' } },
  {
    id: 'hr-readonly',
    label: 'Read-only HR report',
    preset: { classification: 'confidential', runtime: 'sandbox', sources: [{ connector: 'hr', resource: 'employees', fields: ['id', 'name'], access: 'read' }], retentionDays: 365 },
  },
  { id: 'internal-tool', label: 'Internal tool, no personal data', preset: { classification: 'internal', runtime: 'sandbox', sources: [], retentionDays: 90 } },
];

export function emptyForm(owner: string): ManifestForm {
  return { template: '', name: '', title: '', description: '', owner, team: '', purpose: '', classification: '', runtime: 'sandbox', sources: [], retentionDays: '' };
}

export function applyTemplate(form: ManifestForm, id: string): ManifestForm {
  const t = templates.find((x) => x.id === id) ?? templates[0]!;
  return { ...form, ...t.preset, sources: t.preset.sources.map((s) => ({ ...s, fields: [...s.fields] })), template: t.id };
}

/** The owner a signed-in person starts with: their own subject as a user reference. */
export function ownerOf(subject: string | null | undefined): string {
  if (!subject) return '';
  return /^user:/i.test(subject) ? subject : `user:${subject}`;
}

// Words YAML 1.1 readers turn into booleans or null, and anything that starts like a number.
const reserved = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;
const numberLike = /^[-+.]?\d/;
const safePlain = /^[A-Za-z0-9_][A-Za-z0-9 _.@/+:-]*$/;

/** A string as a YAML scalar: plain when that reads back as the same string, else JSON-quoted
 *  (a JSON string is a valid YAML double-quoted scalar, escapes and all). */
export function scalar(s: string): string {
  const plain = safePlain.test(s) && !reserved.test(s) && !numberLike.test(s) && !s.endsWith(' ') && !/: |:$/.test(s);
  return plain ? s : JSON.stringify(s);
}

const flowList = (items: readonly string[]) => `[${items.map(scalar).join(', ')}]`;

/** The manifest the form describes, as trellis.yaml text. Empty optional fields are left out;
 *  an empty name is kept so the check names it. */
export function manifestYaml(f: ManifestForm): string {
  const out = ['apiVersion: trellis.dev/v1', 'kind: MicroApp', 'metadata:', `  name: ${scalar(f.name.trim())}`];
  if (f.title.trim()) out.push(`  title: ${scalar(f.title.trim())}`);
  if (f.description.trim()) out.push(`  description: ${scalar(f.description.trim())}`);
  out.push('spec:', `  owner: ${scalar(f.owner.trim())}`);
  if (f.team.trim()) out.push(`  team: ${scalar(f.team.trim())}`);
  if (f.purpose.trim()) out.push(`  purpose: ${scalar(f.purpose.trim())}`);
  if (f.classification) out.push(`  classification: ${f.classification}`);
  if (f.template) out.push(`  template: ${scalar(f.template)}`);
  out.push(`  runtime: ${f.runtime}`);
  // Rows naming the same connector become one connector entry with several resources.
  const byConnector = new Map<string, DataSource[]>();
  for (const s of f.sources) {
    const key = s.connector.trim();
    if (!key && !s.resource.trim()) continue;
    byConnector.set(key, [...(byConnector.get(key) ?? []), s]);
  }
  if (byConnector.size > 0) {
    out.push('  connectors:');
    for (const [name, rows] of byConnector) {
      out.push(`    - name: ${scalar(name)}`, '      resources:');
      for (const r of rows) out.push(`        - name: ${scalar(r.resource.trim())}`, `          fields: ${flowList(r.fields)}`, `          access: ${r.access}`);
    }
  }
  if (f.retentionDays !== '') out.push('  retention:', `    days: ${f.retentionDays}`);
  return out.join('\n') + '\n';
}
