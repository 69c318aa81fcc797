/**
 * A real Trellis server for tests that go over HTTP (the CLI, the browser): a fresh data
 * directory, port 0 on loopback, and the bootstrap admin token it prints on first start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/server.ts';
import { loadConfig } from '../src/config.ts';

export interface TestServer {
  server: RunningServer;
  /** The bootstrap admin token. */
  token: string;
  /** Environment for the CLI: TRELLIS_SERVER and TRELLIS_TOKEN. */
  env: Record<string, string>;
  /** Everything the server printed at start. */
  lines: string[];
  dataDir: string;
}

export async function startTestServer(name: string, settings: { databaseUrl?: string; consoleDir?: string } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `trellis-${name}-`));
  const lines: string[] = [];
  const server = await startServer(loadConfig({ port: 0, dataDir, logLevel: 'silent', ...settings }, { env: {} }), { out: (l) => lines.push(l) });
  const token = /TRELLIS_TOKEN=(trl_\S+)/.exec(lines.join('\n'))?.[1];
  if (!token) throw new Error('the server printed no bootstrap token');
  return { server, token, env: { TRELLIS_SERVER: server.url, TRELLIS_TOKEN: token }, lines, dataDir };
}
