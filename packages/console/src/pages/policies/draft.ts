/**
 * The bundle being edited: the files of the version it started from as text (Rego modules as
 * they are, data files as indented JSON), turned back into the API's bundle shape when it is
 * tested, tried or saved. A data file that is not valid JSON is caught here, at its line, before
 * anything is sent. Server errors are sorted to the file they name, so each file's editor shows
 * its own.
 */
import type { FieldError } from '../../api/problem.ts';
import type { EditorLanguage } from '../../components/editor/code-editor.tsx';
import type { BundleDetail, BundleInput, RegoVersion } from './types.ts';

export interface DraftFile {
  path: string;
  kind: 'module' | 'data';
  text: string;
}

export interface Draft {
  /** The version the draft started from; null for one started from nothing. */
  base: number | null;
  regoVersion: RegoVersion;
  files: DraftFile[];
}

const dataText = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

export function draftOf(bundle: BundleDetail): Draft {
  return {
    base: bundle.version,
    regoVersion: bundle.rego_version,
    files: [
      ...Object.entries(bundle.modules).map(([path, text]) => ({ path, kind: 'module' as const, text })),
      ...Object.entries(bundle.data).map(([path, value]) => ({ path, kind: 'data' as const, text: dataText(value) })),
    ].sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/** Whether the draft differs from the version it started from. */
export function isChanged(draft: Draft, base: BundleDetail | undefined): boolean {
  if (!base) return draft.files.length > 0;
  const original = draftOf(base);
  if (original.files.length !== draft.files.length || original.regoVersion !== draft.regoVersion) return true;
  return draft.files.some((f, i) => original.files[i]?.path !== f.path || original.files[i]?.text !== f.text);
}

export function languageOf(path: string): EditorLanguage {
  if (path.endsWith('.rego')) return 'rego';
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'yaml';
  if (path.endsWith('.json')) return 'json';
  return 'text';
}

/** A data file's path as the server expects it (`tiers/data.json`), or why not. */
export function newFileProblem(path: string, existing: readonly string[]): string | null {
  if (path === '') return 'Give the file a path, such as trellis/admission/extra.rego or tiers/data.json.';
  if (existing.includes(path)) return 'A file with this path is already in the bundle; choose another path.';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    return 'Use letters, digits, _ . - separated by / (no leading /, no ..).';
  }
  if (!path.endsWith('.rego') && !/(^|\/)data\.json$/.test(path)) return 'A module ends in .rego; a data file is named data.json (its folder is its place in data).';
  return null;
}

/** Where in a text a JSON parse error falls, from the engine's message (line/column or position). */
function jsonErrorPlace(message: string, text: string): { line: number; column: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return { line: 1, column: 1 };
  const before = text.slice(0, Number(pos[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** The draft as the API's bundle, or the data files that are not valid JSON, each at its place. */
export function toBundleInput(draft: Draft): { input: BundleInput; errors: [] } | { input: null; errors: FieldError[] } {
  const modules: Record<string, string> = {};
  const data: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const f of draft.files) {
    if (f.kind === 'module') {
      modules[f.path] = f.text;
      continue;
    }
    try {
      data[f.path] = JSON.parse(f.text) as unknown;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.push({ path: f.path, message: `not valid JSON: ${message}`, ...jsonErrorPlace(message, f.text) });
    }
  }
  if (errors.length > 0) return { input: null, errors };
  return { input: { modules, data, regoVersion: draft.regoVersion }, errors: [] };
}

/**
 * The file a server error is about: its path is the file (`rules/x.rego`) for compile errors
 * and failing tests, or a field (`modules["rules/x.rego"]`) for shape errors.
 */
export function fileOfError(e: FieldError, paths: readonly string[]): string | null {
  if (paths.includes(e.path)) return e.path;
  const field = /^(?:modules|data)\[(".*")\]$/.exec(e.path);
  if (field) {
    try {
      const name = JSON.parse(field[1]!) as unknown;
      if (typeof name === 'string' && paths.includes(name)) return name;
    } catch {
      // Not a quoted path after all: the error stays unplaced.
    }
  }
  return null;
}
