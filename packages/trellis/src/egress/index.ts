/**
 * Egress control (see docs/egress.md): the one way Trellis reaches outside — http connectors,
 * exports, webhooks, OAuth token fetches — and the address check for connections that are not
 * HTTP (PostgreSQL). Only allowlisted hosts, one DNS resolution per call with the connection made
 * to the checked address, no private or metadata addresses unless a policy allows private ones
 * (metadata never), redirects re-checked, timeouts and size limits. A library, not a module:
 * callers that turn its errors into problem documents list `egressErrors.table` in their errors.
 */
export { egressFetch, type EgressRequest, type EgressResponse } from './fetch.ts';
export { resolveChecked, resolveAllChecked, type Resolver, type ResolvedAddress } from './resolve.ts';
export { checkUrl, isValidHostPattern, hostAllowed, originOf, maxUrlLength, type EgressPolicy, type CheckedUrl } from './policy.ts';
export { isPublicAddress, classifyAddress } from './address.ts';
export { EgressError, egressErrors, type EgressErrorCode } from './errors.ts';
