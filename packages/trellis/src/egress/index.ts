/**
 * Egress control (see docs/egress.md): the one way Trellis reaches outside — http connectors,
 * exports, webhooks, OAuth token fetches — and the address check for connections that are not
 * HTTP (PostgreSQL). Only allowlisted hosts, one DNS resolution per call with the connection made
 * to the checked address, no private or metadata addresses unless a policy allows private ones
 * (metadata never), redirects re-checked, timeouts and size limits.
 *
 * A library more than a module: it has no routes or tables and offers no service. It is listed in
 * modules.ts for its error codes, which callers may let reach an HTTP answer (the gateway's 502
 * and 504), and to apply the installation's DNS servers for outbound names (egressDnsServers).
 */
import type { TrellisModule } from '../module.ts';
import type { EgressRequest, EgressResponse } from './fetch.ts';
import { egressErrors } from './errors.ts';
import { useDnsServers } from './resolve.ts';

export type { EgressRequest, EgressResponse } from './fetch.ts';
export { resolveChecked, resolveAllChecked, type Resolver } from './resolve.ts';
export { checkUrl, type EgressPolicy } from './policy.ts';
export { pinnedTlsOptions } from './pinned-tls.ts';
export { EgressError } from './errors.ts';

// The HTTP client (node:https and TLS with it) loads on the first call, not with the module list.
let client: Promise<typeof import('./fetch.ts')> | undefined;

/** One outbound HTTP call under an egress policy; throws EgressError (or the caller's abort reason). */
export async function egressFetch(req: EgressRequest): Promise<EgressResponse> {
  client ??= import('./fetch.ts');
  return (await client).egressFetch(req);
}

export const egressModule: TrellisModule = {
  name: 'egress',
  errors: egressErrors.table,
  services: ({ config }) => {
    useDnsServers(config.egressDnsServers);
    return {};
  },
};
