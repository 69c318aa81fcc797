# Helpers shared by the pack's four decision points: reading the settings, matching tags, and
# the export messages, which admission (what an app declares) and export (what actually
# leaves) both give, so that a builder sees the same sentence at registration and at run time.
package trellis.lib

import rego.v1

# The pack's settings, policies/config/data.json. A bundle may ship without them: every rule
# then reads its fallback through setting(), and each fallback is the safe choice named in
# docs/policies.md (a check switched off, or a deny where the setting is an allowlist).
default config := {}

config := data.config

setting(path, fallback) := object.get(config, path, fallback)

# The classification tiers, lowest first (catalog/vocabulary.ts).
tiers := ["public", "internal", "confidential", "restricted"]

# A tag matches a pattern equal to it, or a prefix pattern: "pii.*" matches "pii.email".
# This is the tag -> tier table's notation (docs/governance.md).
tag_matches(tag, pattern) if tag == pattern

tag_matches(tag, pattern) if {
	endswith(pattern, ".*")
	startswith(tag, trim_suffix(pattern, "*"))
}

# The tags among `tags` that match any of `patterns`, as a set.
matching_tags(tags, patterns) := {tag |
	some tag in tags
	some pattern in patterns
	tag_matches(tag, pattern)
}

# The names of the fields ({name, tags}) with a tag matching any of `patterns`, sorted.
fields_tagged(fields, patterns) := sort({f.name |
	some f in fields
	count(matching_tags(object.get(f, "tags", []), patterns)) > 0
})

# The tags matching `patterns` over all `fields`, sorted.
tags_of_fields(fields, patterns) := sort({tag |
	some f in fields
	some tag in matching_tags(object.get(f, "tags", []), patterns)
})

# True when `s` is a string with something other than white space in it.
has_text(s) if {
	is_string(s)
	trim_space(s) != ""
}

# "a, b, c" sorted, or "none".
list_or_none(xs) := concat(", ", sort(xs)) if count(xs) > 0
else := "none"

# "1 finding", "3 findings".
plural(n, noun) := sprintf("%v %s", [n, noun]) if n == 1
else := sprintf("%v %ss", [n, noun])

# --- exports -----------------------------------------------------------------------------

pii_fields(fields) := fields_tagged(fields, setting(["pii_tags"], []))

# An export carries PII when governance says so (the `pii` flag), or when one of its fields
# has a PII tag; the second keeps the rule working for inputs written by hand (playground, CI).
carries_pii(export) if export.pii == true

carries_pii(export) if count(pii_fields(object.get(export, "fields", []))) > 0

# " (name, email)" after "PII", or nothing when the flag came without a tagged field.
pii_detail(fields) := sprintf(" (%s)", [concat(", ", names)]) if {
	names := pii_fields(fields)
	count(names) > 0
} else := ""

export_label(export) := sprintf("export to %v %v", [
	object.get(export, "destination", "(no destination)"),
	object.get(export, "target", "(no target)"),
])

uninspected_pii_message(export) := sprintf(
	"%s carries PII%s without DLP inspection; set inspect: true on the export",
	[export_label(export), pii_detail(object.get(export, "fields", []))],
)

# The destinations PII may go to; none when the setting is missing (fails closed).
pii_destinations := setting(["export", "pii_destinations"], [])

pii_destination_message(export) := msg if {
	carries_pii(export)
	destination := object.get(export, "destination", "(no destination)")
	not destination in pii_destinations
	allowed := list_or_none(pii_destinations)
	msg := sprintf(
		"%s carries PII%s, and %s is not a destination allowed for PII (allowed: %s)",
		[export_label(export), pii_detail(object.get(export, "fields", [])), destination, allowed],
	)
}

# Tags that never leave through an export, whatever the destination.
blocked_export_message(export) := msg if {
	fields := object.get(export, "fields", [])
	patterns := setting(["export", "blocked_tags"], [])
	names := fields_tagged(fields, patterns)
	count(names) > 0
	msg := sprintf(
		"%s includes fields tagged %s (%s), which never leave through an export",
		[export_label(export), concat(", ", tags_of_fields(fields, patterns)), concat(", ", names)],
	)
}
