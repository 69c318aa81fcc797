/**
 * The CLI's HTTP client for the Trellis API: adds the bearer token, turns problem documents
 * into CliErrors with the right exit code, and never prints the token.
 */
import { CliError, exitCodeForStatus, exitCodes } from './errors.ts';

export interface GlobalOptions {
  server: string;
  token?: string;
  output: 'table' | 'json';
}

interface ProblemBody {
  title?: string;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string; line?: number; column?: number }[];
}

export class ApiClient {
  constructor(private readonly opts: { server: string; token?: string | undefined }) {}

  /** The server's URL, for messages. */
  get server(): string {
    return this.opts.server;
  }

  private url(path: string, query?: Record<string, string | number | boolean | undefined>): string {
    const u = new URL(path.replace(/^\//, ''), this.opts.server.endsWith('/') ? this.opts.server : this.opts.server + '/');
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u.toString();
  }

  async request(method: string, path: string, opts: { query?: Record<string, string | number | boolean | undefined>; body?: unknown; contentType?: string } = {}): Promise<Response> {
    if (!this.opts.token) throw new CliError('no API token given', exitCodes.auth, 'run `trellis login`, set TRELLIS_TOKEN or pass --token (in development mode the server prints a bootstrap token on first start)');
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.token}`, accept: 'application/json, application/problem+json, application/x-ndjson' };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      body = typeof opts.body === 'string' && opts.contentType ? opts.body : JSON.stringify(opts.body);
    }
    let res: Response;
    try {
      res = await fetch(this.url(path, opts.query), { method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (err) {
      throw new CliError(`cannot reach the Trellis server at ${this.opts.server}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, exitCodes.server, 'start it with `npm start` or pass --server URL');
    }
    if (!res.ok) {
      let problem: ProblemBody = {};
      try {
        problem = (await res.json()) as ProblemBody;
      } catch {
        // a non-JSON error body: fall back to the status line
      }
      const lines = (problem.errors ?? []).map((e) => `  ${e.path || '(root)'}${e.line ? ` (line ${e.line}${e.column ? `:${e.column}` : ''})` : ''}: ${e.message}`);
      const msg = `${problem.detail ?? problem.title ?? res.statusText} [${problem.code ?? res.status}]` + (lines.length ? '\n' + lines.join('\n') : '');
      const hint = res.status === 401 ? 'check TRELLIS_TOKEN (it may be mistyped, expired or revoked), or sign in again with `trellis login`' : res.status === 403 ? 'ask an admin for a token with a role that has this permission' : undefined;
      throw new CliError(msg, exitCodeForStatus(res.status), hint, problem);
    }
    return res;
  }

  async json<T>(method: string, path: string, opts: { query?: Record<string, string | number | boolean | undefined>; body?: unknown; contentType?: string } = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}
