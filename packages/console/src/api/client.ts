/**
 * The one way the console talks to Trellis: JSON over the public REST API, authenticated by an
 * API token kept for this tab (sessionStorage) or by the single-sign-on session cookie, whose
 * unsafe requests carry the session's CSRF token. Every failure becomes an ApiError; a 401
 * tells the session layer to show sign-in again.
 */
import { ApiError } from './problem.ts';

const tokenKey = 'trellis.token';

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

export const credentials = {
  token: (): string | null => sessionStorage.getItem(tokenKey),
  setToken(token: string | null): void {
    if (token) sessionStorage.setItem(tokenKey, token);
    else sessionStorage.removeItem(tokenKey);
  },
  setCsrf(token: string | null): void {
    csrfToken = token;
  },
  onUnauthorized(fn: () => void): void {
    onUnauthorized = fn;
  },
};

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** A JSON body, or a string sent with `contentType` (a YAML manifest). */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** `/api/v1/apps` with the query's set values, arrays repeated (`?class=1&class=2`). */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = credentials.token();
  if (token) headers.authorization = `Bearer ${token}`;
  else if (csrfToken && method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' && opts.contentType) {
      headers['content-type'] = opts.contentType;
      body = opts.body;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
  }
  const res = await fetch(apiUrl(path, opts.query), { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { title: text.slice(0, 200) };
  }
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after'));
    const problem = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const error = new ApiError(res.status, problem, Number.isFinite(retry) && retry > 0 ? retry : undefined);
    if (res.status === 401) onUnauthorized();
    throw error;
  }
  return parsed as T;
}

/** The text of a response that is not JSON (an audit export, a manifest as YAML). */
/**
 * A download as a Blob, never a string: an export can outgrow the longest string a browser
 * allows, while the browser keeps a large Blob on disk.
 */
export async function apiBlob(path: string, query?: Query): Promise<Blob> {
  const headers: Record<string, string> = {};
  const token = credentials.token();
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(apiUrl(path, query), { headers, credentials: 'same-origin' });
  if (!res.ok) {
    const text = await res.text();
    let problem: Record<string, unknown>;
    try {
      problem = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problem = { title: text.slice(0, 200) };
    }
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, problem);
  }
  return res.blob();
}

export const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });
export const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
export const del = <T>(path: string) => api<T>(path, { method: 'DELETE' });
/** One path segment from a value a person typed or the server named: never a second segment. */
export const seg = (s: string | number) => encodeURIComponent(String(s));
