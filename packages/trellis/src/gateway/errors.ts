/**
 * The gateway's own error codes. Every refusal leaves as a problem document naming what was
 * refused (a field, a quota, the upstream), never a token, a credential or a row's value.
 */
import { defineErrors } from '../errors.ts';

export const gatewayErrors = defineErrors({
  gateway_token_invalid: { status: 401, title: 'The access token is missing or not valid here' },
  gateway_scope_insufficient: { status: 403, title: 'The access token lacks the scope this operation needs' },
  gateway_app_inactive: { status: 403, title: 'The app has no approved version in force' },
  gateway_policy_denied: { status: 403, title: 'Policy refused the call' },
  gateway_connector_unknown: { status: 404, title: 'No such connector for this app' },
  gateway_resource_unknown: { status: 404, title: 'No such resource for this app' },
  gateway_method_not_allowed: { status: 405, title: 'The resource does not answer this method' },
  connector_not_connected: { status: 409, title: 'The connector has no connection settings' },
  gateway_quota_exceeded: { status: 429, title: 'A quota of the app is used up' },
  gateway_upstream_failed: { status: 502, title: 'The upstream failed' },
  gateway_upstream_timeout: { status: 504, title: 'The upstream did not answer in time' },
  gateway_unavailable: { status: 503, title: 'A part the gateway needs is not available' },
});
