# Tests of data.trellis.token: the golden path's 15-minute client-credentials token, then one
# change per test.
package trellis.token_test

import rego.v1
import data.trellis.token

request := {
	"app": {"name": "leave-requests", "owner": "user:ana.hr@example.com", "classification": "restricted", "status": "approved"},
	"client": {"type": "confidential"},
	"grant_type": "client_credentials",
	"requested_lifetime_seconds": 900,
	"scopes": ["hr:read"],
	"audience": ["hr"],
}

with_change(patch) := object.union(request, patch)

public_exchange := with_change({"client": {"type": "public"}, "grant_type": "token_exchange"})

test_golden_path_token_is_issued if {
	count(token.deny) == 0 with input as request
	token.max_lifetime_seconds == 3600 with input as request
}

test_lifetime_at_the_cap_is_allowed if {
	count(token.deny) == 0 with input as with_change({"requested_lifetime_seconds": 3600})
	count(token.deny) == 0 with input as object.union(public_exchange, {"requested_lifetime_seconds": 3600})
}

test_lifetime_above_the_cap_is_denied_for_confidential_clients if {
	token.deny == {"requested token lifetime of 86400 seconds exceeds the maximum of 3600 seconds for confidential clients"} with input as with_change({"requested_lifetime_seconds": 86400})
}

test_lifetime_above_the_cap_is_denied_for_public_clients if {
	doc := object.union(public_exchange, {"requested_lifetime_seconds": 3601})
	token.deny == {"requested token lifetime of 3601 seconds exceeds the maximum of 3600 seconds for public clients"} with input as doc
	token.max_lifetime_seconds == 3600 with input as doc
}

test_caps_come_from_the_settings if {
	settings := object.union(data.config, {"token": {"max_lifetime_seconds": {"confidential": 28800, "public": 900}}})
	count(token.deny) == 0 with input as with_change({"requested_lifetime_seconds": 28800}) with data.config as settings
	token.max_lifetime_seconds == 900 with input as public_exchange with data.config as settings
	token.deny == {"requested token lifetime of 1800 seconds exceeds the maximum of 900 seconds for public clients"} with input as object.union(public_exchange, {"requested_lifetime_seconds": 1800}) with data.config as settings
}

test_request_without_a_lifetime_gets_the_cap_to_apply if {
	doc := object.remove(request, ["requested_lifetime_seconds"])
	count(token.deny) == 0 with input as doc
	token.max_lifetime_seconds == 3600 with input as doc
}

test_client_type_without_a_cap_is_denied if {
	doc := with_change({"client": {"type": "device"}})
	token.deny == {"no token lifetime cap is set for device clients (data.config.token.max_lifetime_seconds), so no token is issued"} with input as doc
	not token.max_lifetime_seconds with input as doc
}

test_request_without_a_client_is_denied if {
	doc := object.remove(request, ["client"])
	token.deny == {"no token lifetime cap is set for unknown clients (data.config.token.max_lifetime_seconds), so no token is issued"} with input as doc
}

test_public_client_credentials_grant_is_denied if {
	doc := with_change({"client": {"type": "public"}})
	token.deny == {"public clients cannot use the client_credentials grant (they cannot keep a secret); use token_exchange or register a confidential client"} with input as doc
}

test_suspended_app_gets_no_token if {
	token.deny == {"app leave-requests is suspended; no tokens are issued to it"} with input as with_change({"app": {"status": "suspended"}})
}

test_retired_app_without_a_name_gets_no_token if {
	doc := json.remove(with_change({"app": {"status": "retired"}}), ["app/name"])
	token.deny == {"the app is retired; no tokens are issued to it"} with input as doc
}
