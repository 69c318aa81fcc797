/**
 * The secret scan of manifests — apps (governance register and update) and connectors (apply
 * and validate): a manifest must never carry a credential (an API key pasted into a
 * description, a password in a row filter or a connection setting). The DLP engine's secret detectors run over
 * the manifest text as written (so keyword-gated rules see their context) and over every value
 * of the parsed manifest (a JSON body has no text); each finding becomes a located error with
 * the field path and, for text, line and column — never the value. Documented example keys
 * count: a pasted AWS example key is refused like a live one, since nobody can tell them apart
 * at a glance in a console.
 */
import type { Locate } from '../catalog/index.ts';
import { lineColumnAt, type FieldError } from '../errors.ts';
import { dlpEngine } from '../dlp/index.ts';

interface Leaf {
  path: (string | number)[];
  value: string;
}

function leaves(value: unknown, path: (string | number)[] = [], out: Leaf[] = []): Leaf[] {
  if (typeof value === 'string') out.push({ path, value });
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  return out;
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** `$.spec.purpose` / `$.spec.exports[0].target` (the DLP engine's paths) → manifest path segments. */
function parseDlpPath(p: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of p.replace(/^\$/, '').matchAll(/\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return out;
}

function describe(f: { rule?: string; detector: string; entity: string }): string {
  return f.rule ?? f.detector ?? f.entity;
}

/** Located errors for every credential found in the manifest; empty when it carries none. */
export async function findCredentials(manifest: unknown, text: string | undefined, locate: Locate): Promise<FieldError[]> {
  const dlp = await dlpEngine();
  const options = { detectors: dlp.secretDetectors, includeTestValues: true };
  const errors = new Map<string, FieldError>();
  const add = (path: (string | number)[], rule: string, at?: { line: number; column: number }) => {
    const key = `${formatPath(path)}\u0000${rule}`;
    if (errors.has(key)) return;
    const where = at ?? locate(path);
    errors.set(key, {
      path: formatPath(path),
      message: `holds what looks like a credential (${rule}); remove it: a manifest is readable by every reviewer, and connectors get their credentials from the secret store`,
      ...where,
    });
  };
  const values = leaves(manifest);
  if (text !== undefined) {
    for (const f of dlp.scan(text, options)) {
      const found = text.slice(f.start, f.end);
      const leaf = values.find((l) => l.value.includes(found)) ?? values.find((l) => found.includes(l.value) && l.value.length > 0);
      // A finding in a comment or a key has no value to point at: its line still does.
      add(leaf?.path ?? [], describe(f), lineColumnAt(text, f.start));
    }
  }
  for (const f of dlp.scan(manifest, options)) add(f.path ? parseDlpPath(f.path) : [], describe(f));
  return [...errors.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.path.localeCompare(b.path));
}
