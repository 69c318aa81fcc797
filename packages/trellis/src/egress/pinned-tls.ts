/**
 * TLS for a connection made to a checked address rather than to the name (PostgreSQL connector
 * databases: resolveChecked gives the address, the driver dials it). The certificate is checked
 * against the configured host — a name or an IP literal — never against the address dialled;
 * SNI carries the name, never an IP (RFC 6066).
 */
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';

export type TlsMode = 'disable' | 'require' | 'verify-full';

/** `disable`: plain text; `require`: encrypted, not verified; `verify-full`: encrypted and verified against `host`. */
export function pinnedTlsOptions(host: string, mode: TlsMode): false | ConnectionOptions {
  if (mode === 'disable') return false;
  return {
    ...(isIP(host) === 0 ? { servername: host } : {}),
    rejectUnauthorized: mode === 'verify-full',
    checkServerIdentity: (_address, cert) => checkServerIdentity(host, cert),
  };
}
