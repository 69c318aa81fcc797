/**
 * Whether a listen address is loopback-only, decided on addresses rather than text: the server
 * refuses other addresses in development mode and without a TLS-terminating proxy.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** True for 127.0.0.0/8 and ::1 (also written as IPv4-mapped ::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return isIP(address) === 6 && /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(address);
}

/**
 * Whether `host` binds only loopback addresses, decided on what it resolves to: a name such as
 * `127.attacker.invalid` looks like loopback as text but resolves (or fails) elsewhere.
 */
export async function bindsOnlyLoopback(host: string): Promise<boolean> {
  if (isIP(host)) return isLoopbackAddress(host);
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
  } catch {
    return false;
  }
}
