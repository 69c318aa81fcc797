/**
 * The console's built files (packages/console/dist, Vite's output), found once at start: every
 * file under the folder is listed with its type, so a request can only ever name a listed file
 * (no path from the URL reaches the file system). Hashed files under assets/ never change and
 * are cached for a year; index.html is templated per request with a fresh CSP nonce.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ConsoleFile {
  type: string;
  body: Buffer;
  /** Content-hashed (assets/…): safe to cache for good. */
  immutable: boolean;
}

export interface ConsoleAssets {
  dir: string;
  /** index.html with its nonce placeholder, or null when the console is not built. */
  index: string | null;
  files: Map<string, ConsoleFile>;
}

/** The default folder: packages/console/dist, the same from src/console/ and from dist/console/. */
export const defaultConsoleDir = (): string => fileURLToPath(new URL('../../../console/dist/', import.meta.url));

export function loadConsoleAssets(dir: string): ConsoleAssets {
  const files = new Map<string, ConsoleFile>();
  const index = existsSync(join(dir, 'index.html')) ? readFileSync(join(dir, 'index.html'), 'utf8') : null;
  if (index === null) return { dir, index, files };
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && path !== 'index.html' && types[extname(entry.name)] && statSync(join(dir, path)).size < 16 * 1024 * 1024) {
        files.set(path, { type: types[extname(entry.name)]!, body: readFileSync(join(dir, path)), immutable: path.startsWith('assets/') });
      }
    }
  };
  walk('');
  return { dir, index, files };
}
