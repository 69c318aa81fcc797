# Tests of data.trellis.gateway: a read by the golden path's app, then one change per test.
package trellis.gateway_test

import rego.v1
import data.trellis.gateway

call := {
	"app": {"name": "leave-requests", "owner": "user:ana.hr@example.com", "classification": "restricted", "status": "approved"},
	"subject": null,
	"connector": "hr",
	"operation": "read",
	"resource": "employees",
	"fields": ["id", "name", "email", "leave_balance"],
	"tags": ["internal", "pii.name", "pii.email", "confidential"],
	"time": "2026-12-07T09:30:00.000Z",
	"client_ip": "10.0.0.1",
}

with_change(patch) := object.union(call, patch)

office_hours := object.union(data.config, {"gateway": {"hours": {
	"start": "07:00",
	"end": "20:00",
	"timezone": "Europe/Berlin",
	"days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
}}})

night_shift := object.union(data.config, {"gateway": {"hours": {"start": "22:00", "end": "06:00"}}})

test_golden_path_read_is_allowed if {
	count(gateway.deny) == 0 with input as call
}

# --- apps switched off -------------------------------------------------------------------

test_suspended_app_is_blocked if {
	gateway.deny == {"app leave-requests is suspended; its calls are blocked"} with input as with_change({"app": {"status": "suspended"}})
}

test_retired_app_is_blocked if {
	gateway.deny == {"app leave-requests is retired; its calls are blocked"} with input as with_change({"app": {"status": "retired"}})
}

test_app_in_review_keeps_its_approved_version_running if {
	count(gateway.deny) == 0 with input as with_change({"app": {"status": "pending_review"}})
}

# --- data that no app reads --------------------------------------------------------------

test_read_of_a_secret_field_is_denied if {
	doc := with_change({"resource": "service_accounts", "fields": ["login", "api_key"], "tags": ["internal", "secret"]})
	gateway.deny == {"read of hr.service_accounts touches data tagged secret, which apps may not read"} with input as doc
}

test_write_of_a_secret_field_is_not_this_rules_business if {
	doc := with_change({"operation": "write", "app": {"classification": "confidential"}, "fields": ["api_key"], "tags": ["secret"]})
	count(gateway.deny) == 0 with input as doc
}

test_denied_read_tags_come_from_the_settings if {
	settings := object.union(data.config, {"gateway": {"denied_read_tags": ["pii.*"]}})
	gateway.deny == {"read of hr.employees touches data tagged pii.email, pii.name, which apps may not read"} with input as call with data.config as settings
}

# --- writes to restricted data -----------------------------------------------------------

restricted_write := with_change({"operation": "write", "resource": "leave_requests", "fields": ["status"], "tags": ["internal"]})

test_restricted_write_without_a_person_is_denied if {
	gateway.deny == {"write of hr.leave_requests by app leave-requests has no signed-in person; writes to restricted data must be made on behalf of one (token exchange)"} with input as restricted_write
}

test_restricted_write_on_behalf_of_a_person_is_allowed if {
	doc := object.union(restricted_write, {"subject": {"id": "usr_1", "name": "Ana", "role": "builder", "subject": "user:ana.hr@example.com"}})
	count(gateway.deny) == 0 with input as doc
}

test_confidential_write_without_a_person_is_allowed if {
	count(gateway.deny) == 0 with input as object.union(restricted_write, {"app": {"classification": "confidential"}})
}

test_restricted_write_rule_can_be_switched_off if {
	settings := object.union(data.config, {"gateway": {"restricted_writes_need_subject": false}})
	count(gateway.deny) == 0 with input as restricted_write with data.config as settings
}

# --- allowed hours -----------------------------------------------------------------------

test_no_hours_configured_allows_any_time if {
	count(gateway.deny) == 0 with input as with_change({"time": "2026-12-06T03:00:00Z"})
}

test_call_within_office_hours_is_allowed if {
	# 09:30 UTC is 10:30 in Berlin on a Monday.
	count(gateway.deny) == 0 with input as call with data.config as office_hours
}

test_call_after_office_hours_is_denied if {
	doc := with_change({"time": "2026-12-07T19:14:00Z"})
	gateway.deny == {"read of hr.employees at 20:14 on Monday (Europe/Berlin) is outside the allowed hours, 07:00 to 20:00, Monday, Tuesday, Wednesday, Thursday, Friday"} with input as doc with data.config as office_hours
}

test_call_on_a_weekend_is_denied if {
	doc := with_change({"time": "2026-12-05T10:00:00Z"})
	gateway.deny == {"read of hr.employees at 11:00 on Saturday (Europe/Berlin) is outside the allowed hours, 07:00 to 20:00, Monday, Tuesday, Wednesday, Thursday, Friday"} with input as doc with data.config as office_hours
}

test_window_across_midnight_allows_both_sides if {
	count(gateway.deny) == 0 with input as with_change({"time": "2026-12-05T23:30:00Z"}) with data.config as night_shift
	count(gateway.deny) == 0 with input as with_change({"time": "2026-12-06T05:59:00Z"}) with data.config as night_shift
}

test_window_across_midnight_denies_the_day if {
	gateway.deny == {"read of hr.employees at 06:00 on Sunday (UTC) is outside the allowed hours, 22:00 to 06:00, every day"} with input as with_change({"time": "2026-12-06T06:00:00Z"}) with data.config as night_shift
}

test_app_without_a_name_is_named_generically if {
	doc := json.remove(with_change({"app": {"status": "suspended"}}), ["app/name"])
	gateway.deny == {"the app is suspended; its calls are blocked"} with input as doc
}

test_call_without_a_time_is_denied_when_hours_are_set if {
	doc := object.remove(call, ["time"])
	gateway.deny == {"read of hr.employees has no time, so the allowed hours cannot be checked"} with input as doc with data.config as office_hours
	count(gateway.deny) == 0 with input as doc
}

test_call_missing_its_parts_is_still_denied if {
	doc := {"app": {"name": "leave-requests"}, "tags": ["secret"], "operation": "read"}
	gateway.deny == {"read of (no connector).(no resource) touches data tagged secret, which apps may not read"} with input as doc
}

# --- what the caller sees of each field --------------------------------------------------

employees := with_change({
	"fields": ["id", "name", "email", "ssn", "department", "reason", "diagnosis"],
	"field_tags": {"name": ["pii.name"], "email": ["pii.email"], "ssn": ["pii.ssn"], "department": ["internal"], "reason": ["confidential"], "diagnosis": ["phi.diagnosis", "confidential"]},
	"subject": {"id": "usr_2", "subject": "user:jonas.berg@northwind-hr.com", "clearance": "internal"},
})

cleared(clearance) := object.union(employees, {"subject": {"clearance": clearance}})

test_person_without_clearance_sees_pii_masked if {
	t := gateway.transform with input as employees
	t.id == "allow"
	t.name == "mask"
	t.email == "mask"
	t.ssn == "drop"
	t.department == "allow"
	t.reason == "allow"
	t.diagnosis == "redact"
}

test_person_cleared_for_restricted_sees_pii_but_never_the_ssn if {
	t := gateway.transform with input as cleared("restricted")
	t.email == "allow"
	t.name == "allow"
	t.diagnosis == "allow"
	t.ssn == "drop"
	t["tag:pii.*"] == "allow"
	t["tag:pii.ssn"] == "drop"
}

test_app_classification_caps_the_persons_clearance if {
	doc := object.union(cleared("restricted"), {"app": {"classification": "confidential"}})
	t := gateway.transform with input as doc
	t.email == "mask"
	t["tag:pii.*"] == "mask"
}

test_call_without_a_person_has_the_apps_classification if {
	t := gateway.transform with input as object.union(employees, {"subject": null})
	t.email == "allow"
	t2 := gateway.transform with input as object.union(employees, {"subject": null, "app": {"classification": "internal"}})
	t2.email == "mask"
}

test_person_without_a_clearance_ranks_lowest if {
	doc := json.remove(cleared("restricted"), ["subject/clearance"])
	t := gateway.transform with input as doc
	t.email == "mask"
}

test_findings_have_the_same_table_and_a_fallback if {
	t := gateway.transform with input as employees
	t["tag:pii.*"] == "mask"
	t["tag:secret.*"] == "drop"
	t["tag:*"] == "redact"
}

test_most_specific_masking_pattern_wins if {
	settings := object.union(data.config, {"gateway": {"masking": {"tags": {"pii.*": {"operator": "mask"}, "pii.email": {"operator": "hash"}, "pii.name.*": {"operator": "tokenize"}}}}})
	doc := object.union(employees, {"field_tags": {"name": ["pii.name.family"]}})
	t := gateway.transform with input as doc with data.config as settings
	t.email == "hash"
	t.name == "tokenize"
	t.ssn == "drop"
	t.diagnosis == "redact"
}

test_strictest_action_of_a_fields_tags_wins if {
	doc := object.union(employees, {"field_tags": {"email": ["pii.email", "secret"]}})
	t := gateway.transform with input as doc
	t.email == "drop"
}

test_without_masking_settings_tagged_fields_are_allowed_and_findings_redacted if {
	t := gateway.transform with input as employees with data.config as object.remove(data.config, ["gateway"])
	t.email == "allow"
	t["tag:*"] == "redact"
}

test_a_group_grants_clearance_from_the_settings if {
	doc := object.union(employees, {"subject": {"subject": "user:marta.okafor@northwind-hr.com", "groups": ["hr-managers"]}})
	t := gateway.transform with input as doc
	t.name == "allow"
	t.email == "mask"
	t.ssn == "drop"
}

test_the_higher_of_attribute_and_group_clearance_counts if {
	doc := object.union(employees, {"subject": {"clearance": "restricted", "groups": ["hr-managers"]}})
	t := gateway.transform with input as doc
	t.email == "allow"
	t2 := gateway.transform with input as object.union(employees, {"subject": {"groups": ["unknown-group"]}})
	t2.name == "mask"
}
