/**
 * Loads a policy directory the way OPA loads a bundle: every `.rego` file is a module, and every
 * `data.json` / `data.yaml` file is base data placed at the path of its folder (so
 * `roles/data.json` becomes `data.roles`). Errors name the file, and for YAML the line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { AppError } from '../errors.ts';

export interface LoadedBundle {
  modules: Record<string, string>;
  data: Record<string, unknown>;
}

const DATA_FILES = new Set(['data.json', 'data.yaml', 'data.yml']);
const MAX_FILE_BYTES = 8 * 1024 * 1024;

function walk(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!name.startsWith('.') && name !== 'node_modules') walk(join(path, name), out);
  } else out.push(path);
}

export function mergeAt(root: Record<string, unknown>, path: string[], value: unknown, file: string): void {
  let node = root;
  for (const seg of path) {
    const next = node[seg];
    if (next === undefined) node = node[seg] = {} as Record<string, unknown>;
    else if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
    else throw new AppError('validation_failed', `${file}: data at ${path.join('.')} conflicts with another data file`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (path.length === 0) throw new AppError('validation_failed', `${file}: data at the root must be an object`);
    const parent = path.slice(0, -1).reduce<Record<string, unknown>>((n, s) => n[s] as Record<string, unknown>, root);
    parent[path[path.length - 1]!] = value;
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k in node && typeof node[k] === 'object' && node[k] !== null && typeof v === 'object' && v !== null && !Array.isArray(v)) mergeAt(node, [k], v, file);
    else if (k in node) throw new AppError('validation_failed', `${file}: data key ${[...path, k].join('.')} is defined twice`);
    else node[k] = v;
  }
}

export function parseDataFile(file: string, text: string): unknown {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new AppError('validation_failed', `${file}: not valid JSON (${(err as Error).message.replace(/, ".*$/, '')})`);
    }
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new AppError('validation_failed', `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`, pos ? { errors: [{ path: file, message: e.message.split('\n')[0]!, line: pos.line, column: pos.col }] } : undefined);
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

export function loadBundle(paths: string[]): LoadedBundle {
  const modules: Record<string, string> = {};
  const data: Record<string, unknown> = {};
  for (const root of paths) {
    const files: string[] = [];
    try {
      walk(root, files);
    } catch {
      throw new AppError('not_found', `no such file or directory: ${root}`);
    }
    const base = statSync(root).isDirectory() ? root : dirname(root);
    for (const file of files) {
      if (statSync(file).size > MAX_FILE_BYTES) throw new AppError('payload_too_large', `${file} is larger than ${MAX_FILE_BYTES} bytes`);
      if (file.endsWith('.rego')) modules[file] = readFileSync(file, 'utf8');
      else if (DATA_FILES.has(basename(file))) {
        const rel = relative(base, dirname(file));
        mergeAt(data, rel === '' ? [] : rel.split(sep), parseDataFile(file, readFileSync(file, 'utf8')), file);
      }
    }
  }
  return { modules, data };
}

/**
 * A directory as a bundle to push: modules by path relative to `dir` (forward slashes) and data
 * files by path, unmerged, so the server stores and diffs them file by file.
 */
export function readBundleDirectory(dir: string): { modules: Record<string, string>; data: Record<string, unknown> } {
  const files: string[] = [];
  try {
    walk(dir, files);
  } catch {
    throw new AppError('not_found', `no such file or directory: ${dir}`);
  }
  const base = statSync(dir).isDirectory() ? dir : dirname(dir);
  const modules: Record<string, string> = {};
  const data: Record<string, unknown> = {};
  for (const file of files) {
    const rel = relative(base, file).split(sep).join('/');
    if (statSync(file).size > MAX_FILE_BYTES) throw new AppError('payload_too_large', `${file} is larger than ${MAX_FILE_BYTES} bytes`);
    if (file.endsWith('.rego')) modules[rel] = readFileSync(file, 'utf8');
    else if (DATA_FILES.has(basename(file))) data[rel] = parseDataFile(file, readFileSync(file, 'utf8'));
  }
  return { modules, data };
}
