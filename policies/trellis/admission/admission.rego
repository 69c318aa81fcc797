# data.trellis.admission: the pack's rules for registering, updating and submitting an app.
# The input is the document of docs/governance.md ("data.trellis.admission"). These rules look
# at every connector in input.connectors and never at input.connector, so governance decides
# with one evaluation per app; a team module that reads input.connector makes governance
# evaluate once per connector instead, and the messages are merged as sets, so the pack's
# give the same texts either way.
package trellis.admission

import rego.v1
import data.trellis.lib

# --- what the messages name --------------------------------------------------------------

default app_label := "the app"

app_label := sprintf("app %s", [input.app.name]) if is_string(input.app.name)

default owner_label := "the owner"

owner_label := sprintf("owner %s", [input.owner.ref]) if is_string(input.owner.ref)

# The effective classification, when it is one of the four tiers.
tier := input.classification.effective if input.classification.effective in lib.tiers

# --- classification required before approval ---------------------------------------------

deny contains msg if {
	not tier
	msg := sprintf(
		"%s has no data classification; declare spec.classification (public, internal, confidential or restricted)",
		[app_label],
	)
}

# --- connectors allowed per tier ---------------------------------------------------------

deny contains msg if {
	some c in input.connectors
	c.known == false
	msg := sprintf("connector %s is not registered; an admin must define it (kind: Connector) before apps can bind it", [c.name])
}

deny contains msg if {
	some c in input.connectors
	c.known == true
	tier
	allowed := object.get(c, "tiers", [])
	not tier in allowed
	msg := sprintf("%s is %s, but connector %s allows %s", [app_label, tier, c.name, allowed_tiers_text(allowed)])
}

# A resource may narrow its connector's tiers (a salary table on an HR connector). Checked
# only where the connector allows the tier, so one binding gets one message, not two.
deny contains msg if {
	some c in input.connectors
	c.known == true
	tier in object.get(c, "tiers", [])
	some r in c.resources
	is_array(r.tiers)
	not tier in r.tiers
	msg := sprintf("%s is %s, but resource %s.%s allows %s", [app_label, tier, c.name, r.name, allowed_tiers_text(r.tiers)])
}

# The tiers in their order (public first) rather than as the connector lists them.
allowed_tiers_text(allowed) := sprintf("only %s apps", [concat(", ", ordered)]) if {
	ordered := [t | some t in lib.tiers; t in allowed]
	count(ordered) > 0
} else := "no apps (it has no tiers)"

# --- owners must be active people --------------------------------------------------------

# "unknown" (no directory connected yet, or the person is not in it) passes: the directory,
# not this rule, is the place that knows who has left.
deny contains msg if {
	input.owner.status == "inactive"
	msg := sprintf("%s is inactive; name an active person as owner", [owner_label])
}

warn contains msg if {
	input.owner.kind == "group"
	msg := sprintf("%s is a group; a group cannot be accountable, name a person as owner", [owner_label])
}

# --- no write to restricted data without a stated purpose --------------------------------

restricted_writes := sort({sprintf("%s.%s", [w.connector, w.resource]) |
	some w in input.writes
	w.tier == "restricted"
})

deny contains msg if {
	count(restricted_writes) > 0
	not lib.has_text(input.app.purpose)
	msg := sprintf("%s writes restricted data (%s) without a stated purpose; set spec.purpose", [app_label, concat(", ", restricted_writes)])
}

# --- exports: PII needs DLP inspection; some data never leaves ---------------------------

warn contains msg if {
	some e in input.exports
	lib.carries_pii(e)
	not e.inspect == true
	msg := lib.uninspected_pii_message(e)
}

deny contains msg if {
	some e in input.exports
	msg := lib.pii_destination_message(e)
}

deny contains msg if {
	some e in input.exports
	msg := lib.blocked_export_message(e)
}

# --- renewal every 90 days ---------------------------------------------------------------

nanoseconds_per_day := ((24 * 60) * 60) * 1000000000

approval_age_days := floor((time.parse_rfc3339_ns(input.now) - time.parse_rfc3339_ns(input.app.approved_at)) / nanoseconds_per_day) if {
	is_string(input.app.approved_at)
	is_string(input.now)
}

warn contains msg if {
	days := lib.setting(["admission", "renewal_days"], null)
	is_number(days)
	approval_age_days >= days
	msg := sprintf("approval is %v days old; renew it (every %v days)", [approval_age_days, days])
}

# --- restricted data and egress ----------------------------------------------------------

warn contains msg if {
	tier == "restricted"
	count(input.egress) > 0
	msg := sprintf(
		"%s handles restricted data and can reach hosts outside the gateway (%s); check that none of them receives it",
		[app_label, concat(", ", sort(input.egress))],
	)
}

# --- sample records with findings outside tagged fields ----------------------------------

warn contains msg if {
	input.findings > 0
	msg := sprintf(
		"sample records hold %s outside tagged fields; tag those fields in the connector's catalog or remove the data from the samples",
		[lib.plural(input.findings, "open DLP finding")],
	)
}
