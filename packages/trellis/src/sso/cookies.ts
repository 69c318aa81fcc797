/**
 * The session cookie and the pre-login binding cookie: names, flags and parsing. `Secure`
 * (with the `__Host-` prefix, which also pins Path=/ and no Domain) everywhere except
 * development mode on plain-http loopback, where a browser would drop a Secure cookie.
 */
import type { Config } from '../config.ts';
import { publicUrlOf } from '../config.ts';

export interface CookiePolicy {
  secure: boolean;
  session: string;
  login: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function cookiePolicy(config: Pick<Config, 'dev' | 'publicUrl' | 'host' | 'port'>): CookiePolicy {
  const url = new URL(publicUrlOf(config));
  const secure = !(config.dev && url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  return secure ? { secure, session: '__Host-trellis_session', login: '__Host-trellis_login' } : { secure, session: 'trellis_session', login: 'trellis_login' };
}

/** A Set-Cookie value; maxAgeSeconds 0 clears the cookie. */
export function setCookie(policy: CookiePolicy, name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${policy.secure ? '; Secure' : ''}`;
}

/** One cookie's value from a Cookie header; undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
