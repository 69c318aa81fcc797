# data.trellis.token: the pack's rules for issuing a token to an app's service identity.
# The input (docs/governance.md) is the token request: the app, the client type, the grant,
# the lifetime asked for, scopes and audience. `max_lifetime_seconds` is a value, not only a
# check: the token issuer reads it to cap what it grants (default lifetime 15 minutes).
package trellis.token

import rego.v1
import data.trellis.lib

default app_label := "the app"

app_label := sprintf("app %s", [input.app.name]) if is_string(input.app.name)

default client_type := "unknown"

client_type := input.client.type if is_string(input.client.type)

# --- token lifetime caps -----------------------------------------------------------------

# Per client type, from data.config.token.max_lifetime_seconds. Undefined for a type without
# a cap, and then every request of that type is denied below.
max_lifetime_seconds := cap if {
	cap := lib.setting(["token", "max_lifetime_seconds", client_type], null)
	is_number(cap)
}

deny contains msg if {
	not max_lifetime_seconds
	msg := sprintf("no token lifetime cap is set for %s clients (data.config.token.max_lifetime_seconds), so no token is issued", [client_type])
}

deny contains msg if {
	input.requested_lifetime_seconds > max_lifetime_seconds
	msg := sprintf(
		"requested token lifetime of %v seconds exceeds the maximum of %v seconds for %s clients",
		[input.requested_lifetime_seconds, max_lifetime_seconds, client_type],
	)
}

# --- grants ------------------------------------------------------------------------------

# RFC 6749 4.4: the client credentials grant is for confidential clients only, since a
# public client cannot keep the credential secret.
deny contains msg if {
	client_type == "public"
	input.grant_type == "client_credentials"
	msg := "public clients cannot use the client_credentials grant (they cannot keep a secret); use token_exchange or register a confidential client"
}

# --- apps switched off -------------------------------------------------------------------

deny contains msg if {
	input.app.status in {"suspended", "retired"}
	msg := sprintf("%s is %s; no tokens are issued to it", [app_label, input.app.status])
}
