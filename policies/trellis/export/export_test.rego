# Tests of data.trellis.export: the golden path's Slack export as it runs, then one change per test.
package trellis.export_test

import rego.v1
import data.trellis.export

slack_export := {
	"app": {"name": "leave-requests", "owner": "user:ana.hr@example.com", "classification": "restricted", "status": "approved"},
	"destination": "slack",
	"target": "#hr-leave",
	"fields": [{"name": "name", "tags": ["pii.name"]}, {"name": "leave_balance", "tags": ["confidential"]}],
	"pii": true,
	"inspected": false,
}

with_change(patch) := object.union(slack_export, patch)

test_uninspected_pii_export_is_warned_not_denied if {
	count(export.deny) == 0 with input as slack_export
	export.warn == {"export to slack #hr-leave carries PII (name) without DLP inspection; set inspect: true on the export"} with input as slack_export
}

test_inspected_pii_export_passes if {
	doc := with_change({"inspected": true})
	count(export.deny) == 0 with input as doc
	count(export.warn) == 0 with input as doc
}

test_export_without_pii_passes if {
	doc := with_change({"fields": [{"name": "leave_balance", "tags": ["confidential"]}], "pii": false})
	count(export.deny) == 0 with input as doc
	count(export.warn) == 0 with input as doc
}

test_pii_found_by_dlp_in_the_payload_is_warned if {
	# DLP found an e-mail address in a free-text field and tagged it.
	doc := with_change({"fields": [{"name": "comment", "tags": ["pii.email"]}], "pii": false})
	export.warn == {"export to slack #hr-leave carries PII (comment) without DLP inspection; set inspect: true on the export"} with input as doc
}

test_pii_export_to_a_webhook_is_denied if {
	doc := with_change({"destination": "webhook", "target": "https://hooks.example.com/leave", "inspected": true})
	export.deny == {"export to webhook https://hooks.example.com/leave carries PII (name), and webhook is not a destination allowed for PII (allowed: email, file, slack, teams)"} with input as doc
}

test_pii_destinations_come_from_the_settings if {
	settings := object.union(data.config, {"export": {"pii_destinations": ["email"]}})
	export.deny == {"export to slack #hr-leave carries PII (name), and slack is not a destination allowed for PII (allowed: email)"} with input as slack_export with data.config as settings
}

test_ssn_in_a_slack_export_is_blocked if {
	# The golden path: DLP finds an SSN in the payload, and the export is refused.
	doc := with_change({"fields": [{"name": "name", "tags": ["pii.name"]}, {"name": "comment", "tags": ["pii.ssn"]}], "inspected": true})
	export.deny == {"export to slack #hr-leave includes fields tagged pii.ssn (comment), which never leave through an export"} with input as doc
}

test_secrets_never_leave if {
	doc := with_change({"destination": "file", "target": "/exports/keys.csv", "fields": [{"name": "api_key", "tags": ["secret"]}], "pii": false})
	export.deny == {"export to file /exports/keys.csv includes fields tagged secret (api_key), which never leave through an export"} with input as doc
}

test_export_without_fields_passes if {
	doc := json.remove(with_change({"pii": false}), ["fields"])
	count(export.deny) == 0 with input as doc
	count(export.warn) == 0 with input as doc
}

test_export_without_a_destination_is_denied_when_it_carries_pii if {
	doc := object.remove(slack_export, ["destination", "target"])
	"export to (no destination) (no target) carries PII (name), and (no destination) is not a destination allowed for PII (allowed: email, file, slack, teams)" in export.deny with input as doc
}

# --- held for review ---------------------------------------------------------------------

test_date_of_birth_is_held_for_review if {
	doc := with_change({"fields": [{"name": "name", "tags": ["pii.name"]}, {"name": "text", "tags": ["pii.dob"]}], "inspected": true})
	count(export.deny) == 0 with input as doc
	export.review == {"export to slack #hr-leave includes fields tagged pii.dob (text), which leave only after review"} with input as doc
}

test_golden_path_export_needs_no_review if {
	count(export.review) == 0 with input as with_change({"inspected": true})
}

test_blocked_tag_is_denied_even_when_also_held_for_review if {
	doc := with_change({"fields": [{"name": "text", "tags": ["pii.ssn", "phi.nhs"]}], "inspected": true})
	export.deny == {"export to slack #hr-leave includes fields tagged pii.ssn (text), which never leave through an export"} with input as doc
	export.review == {"export to slack #hr-leave includes fields tagged phi.nhs (text), which leave only after review"} with input as doc
}

test_review_tags_come_from_the_settings if {
	settings := object.union(data.config, {"export": {"review_tags": ["pii.name"]}})
	export.review == {"export to slack #hr-leave includes fields tagged pii.name (name), which leave only after review"} with input as with_change({"inspected": true}) with data.config as settings
	count(export.review) == 0 with input as with_change({"inspected": true}) with data.config as object.remove(data.config, ["export"])
}
