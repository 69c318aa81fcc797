/**
 * The CLI's saved sign-ins: `trellis login` stores a session credential per server URL in
 * `$XDG_CONFIG_HOME/trellis/credentials.json` (default ~/.config), readable by the user only
 * (0600 in a 0700 directory). The CLI uses it when neither --token nor TRELLIS_TOKEN is given.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface SavedCredential {
  token: string;
  subject?: string;
  role?: string;
  expires_at?: string;
}

interface CredentialsFile {
  servers: Record<string, SavedCredential>;
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'trellis', 'credentials.json');
}

/** One server, one key: scheme, host and path without a trailing slash. */
export function serverKey(server: string): string {
  try {
    const u = new URL(server);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return server.replace(/\/+$/, '');
  }
}

function read(path: string): CredentialsFile {
  if (!existsSync(path)) return { servers: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<CredentialsFile>;
    return { servers: parsed.servers && typeof parsed.servers === 'object' ? parsed.servers : {} };
  } catch {
    return { servers: {} };
  }
}

function write(path: string, file: CredentialsFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** The saved credential for a server, unless it has expired. */
export function savedCredential(server: string, env: NodeJS.ProcessEnv = process.env): SavedCredential | undefined {
  const c = read(credentialsPath(env)).servers[serverKey(server)];
  if (!c || typeof c.token !== 'string') return undefined;
  if (c.expires_at && Date.parse(c.expires_at) <= Date.now()) return undefined;
  return c;
}

export function saveCredential(server: string, credential: SavedCredential, env: NodeJS.ProcessEnv = process.env): string {
  const path = credentialsPath(env);
  const file = read(path);
  file.servers[serverKey(server)] = credential;
  write(path, file);
  return path;
}

/** Forget a server's credential; whether there was one. */
export function removeCredential(server: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = credentialsPath(env);
  const file = read(path);
  const key = serverKey(server);
  if (!file.servers[key]) return false;
  delete file.servers[key];
  write(path, file);
  return true;
}
