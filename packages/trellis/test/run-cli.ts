/** Runs the real `trellis` binary as a separate process, as a user would, and collects its output. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const trellisBin = fileURLToPath(new URL('../bin/trellis.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** TRELLIS_TOKEN is cleared unless `env` sets it, so a developer's own token never leaks in. */
export function trellis(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [trellisBin, ...args], { env: { ...process.env, TRELLIS_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
