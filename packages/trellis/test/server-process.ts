/**
 * `trellis serve` as a child process, for tests that need several real servers (replicas on
 * one database): started on a free port, ready once it prints its banner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/trellis.js', import.meta.url));

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  /** The bootstrap admin token, when this server printed one (the first on a new database). */
  token?: string;
  output: string;
  exited: Promise<number | null>;
}

export function serveProcess(env: Record<string, string>): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, TRELLIS_LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /ready at (http:\/\/\S+)/.exec(output);
      if (m && (/TRELLIS_TOKEN=/.test(output) || /API:/.test(output))) {
        clearTimeout(timer);
        // Give the bootstrap-token lines a moment to arrive with the banner.
        setTimeout(() => resolve({ proc, url: m[1]!, token: /TRELLIS_TOKEN=(trl_\S+)/.exec(output)?.[1], output, exited }), 200);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
  });
}

/** A server that must refuse to start: its exit code and everything it printed. */
export function serveRefused(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, TRELLIS_LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not refuse to start:\n${output}`));
    }, 60_000);
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
