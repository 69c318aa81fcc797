# data.trellis.gateway: the pack's rules for each call an app makes through /gw/v1.
# The input is one call (docs/governance.md): the app, the subject on whose behalf it acts,
# the connector, operation, resource, the fields asked for and their tags, time and client IP.
# The gateway already enforces the approved manifest (fields, access, row filters); these
# rules add what the manifest cannot say. Decisions run on every call, so rules stay cheap.
package trellis.gateway

import rego.v1
import data.trellis.lib

default app_label := "the app"

app_label := sprintf("app %s", [input.app.name]) if is_string(input.app.name)

# "read of hr.employees"; a call that lacks a part still gets a message (and its deny).
call_label := sprintf("%v of %v.%v", [
	object.get(input, "operation", "call"),
	object.get(input, "connector", "(no connector)"),
	object.get(input, "resource", "(no resource)"),
])

# --- apps switched off -------------------------------------------------------------------

# The gateway checks the app's status itself; this rule keeps a suspended or retired app
# blocked even when a call reaches policy with a stale status elsewhere.
deny contains msg if {
	input.app.status in {"suspended", "retired"}
	msg := sprintf("%s is %s; its calls are blocked", [app_label, input.app.status])
}

# --- data that no app reads --------------------------------------------------------------

deny contains msg if {
	input.operation == "read"
	tags := lib.matching_tags(object.get(input, "tags", []), lib.setting(["gateway", "denied_read_tags"], []))
	count(tags) > 0
	msg := sprintf("%s touches data tagged %s, which apps may not read", [call_label, concat(", ", sort(tags))])
}

# --- writes to restricted data are made on behalf of a person ----------------------------

deny contains msg if {
	input.operation == "write"
	input.app.classification == "restricted"
	lib.setting(["gateway", "restricted_writes_need_subject"], true) == true
	not is_object(input.subject)
	msg := sprintf("%s by %s has no signed-in person; writes to restricted data must be made on behalf of one (token exchange)", [call_label, app_label])
}

# --- allowed hours -----------------------------------------------------------------------

# data.config.gateway.hours: {"start": "07:00", "end": "20:00", "timezone": "Europe/Berlin",
# "days": ["Monday", …]}; null (the default) allows every hour. A start after the end is a
# window across midnight ("22:00"–"06:00"); timezone defaults to UTC, days to every day.
hours := h if {
	h := lib.setting(["gateway", "hours"], null)
	is_object(h)
}

minutes_of(hhmm) := (to_number(parts[0]) * 60) + to_number(parts[1]) if parts := split(hhmm, ":")

start_minute := minutes_of(hours.start)

end_minute := minutes_of(hours.end)

timezone := object.get(hours, "timezone", "UTC")

# Decisions evaluate the whole package, so the time is parsed only when hours are set.
call_ns := time.parse_rfc3339_ns(input.time) if hours

call_clock := time.clock([call_ns, timezone])

call_minute := (call_clock[0] * 60) + call_clock[1]

call_day := time.weekday([call_ns, timezone])

day_allowed if not hours.days

day_allowed if call_day in hours.days

in_window if {
	start_minute < end_minute
	call_minute >= start_minute
	call_minute < end_minute
}

in_window if {
	start_minute > end_minute
	call_minute >= start_minute
}

in_window if {
	start_minute > end_minute
	call_minute < end_minute
}

within_hours if {
	day_allowed
	in_window
}

days_text := concat(", ", hours.days) if hours.days
else := "every day"

deny contains msg if {
	hours
	not is_string(input.time)
	msg := sprintf("%s has no time, so the allowed hours cannot be checked", [call_label])
}

deny contains msg if {
	hours
	not within_hours
	msg := sprintf(
		"%s at %02d:%02d on %s (%s) is outside the allowed hours, %s to %s, %s",
		[call_label, call_clock[0], call_clock[1], call_day, timezone, hours.start, hours.end, days_text],
	)
}

# --- what the caller sees of each field --------------------------------------------------

# data.trellis.gateway.transform: field name -> "allow" | "mask" | "redact" | "hash" |
# "tokenize" | "drop", for the gateway's response DLP (docs/exports.md). A field's action comes
# from its tags (input.field_tags) through data.config.gateway.masking.tags, the most specific
# pattern first (exact tag, then the longest "prefix.*"); with several tags the strictest action
# wins. "tag:<pattern>" keys give the same table to findings in free-text fields, and "tag:*"
# the action for a finding whose tag no pattern matches.
masking := lib.setting(["gateway", "masking"], {})

masking_tags := object.get(masking, "tags", {})

# Strictest last: a field with tags of several actions gets the one that shows least.
strictness := {"allow": 0, "mask": 1, "tokenize": 2, "hash": 3, "redact": 4, "drop": 5}

tier_rank := {t: i | some i, t in lib.tiers}

rank_of(tier) := tier_rank[tier]

# An unknown or missing tier ranks lowest (fails closed).
default rank_of(_) := 0

# The caller's clearance: the person's, capped by the app's classification (an app classified
# confidential shows no restricted data in clear whoever uses it); without a person, the app's.
app_rank := rank_of(object.get(input, ["app", "classification"], ""))

# A person's clearance is their directory attribute `clearance`, or the highest one a group of
# theirs is granted in data.config.gateway.clearance_groups (groups come from the IdP by SCIM,
# so clearance follows the directory without an attribute of its own).
clearance_groups := lib.setting(["gateway", "clearance_groups"], {})

person_rank := max({rank_of(object.get(input.subject, "clearance", ""))} | {rank_of(clearance_groups[g]) | some g in object.get(input.subject, "groups", [])})

caller_rank := min({app_rank, person_rank}) if {
	is_object(input.subject)
} else := app_rank

# The masking entry for a tag: its own, else the longest prefix pattern that matches it.
masking_entry(tag) := entry if {
	entry := masking_tags[tag]
} else := masking_tags[pattern] if {
	prefixes := {p | some p, _ in masking_tags; endswith(p, ".*"); lib.tag_matches(tag, p)}
	longest := max({count(p) | some p in prefixes})
	some pattern in prefixes
	count(pattern) == longest
}

# An entry's action for this caller: `clear_from` names the lowest clearance that sees the value as stored.
entry_action(entry) := "allow" if {
	is_string(entry.clear_from)
	caller_rank >= rank_of(entry.clear_from)
} else := entry.operator

tag_action(tag) := action if {
	action := entry_action(masking_entry(tag))
} else := object.get(masking, "unlisted", "allow")

field_action(tags) := "allow" if {
	count(tags) == 0
} else := action if {
	actions := {tag_action(t) | some t in tags}
	worst := max({strictness[a] | some a in actions})
	some action in actions
	strictness[action] == worst
}

field_tags := object.get(input, "field_tags", {})

transform_fields := {f: field_action(object.get(field_tags, f, [])) | some f in object.get(input, "fields", [])}

transform_findings := {sprintf("tag:%s", [p]): entry_action(entry) | some p, entry in masking_tags}

transform := object.union(object.union(transform_findings, {"tag:*": object.get(masking, "findings_unlisted", "redact")}), transform_fields)
