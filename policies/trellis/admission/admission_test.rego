# Tests of data.trellis.admission. `golden` is the full input governance builds for the golden
# path's app (examples/leave-requests/trellis.yaml); each test changes only what it is about.
package trellis.admission_test

import rego.v1
import data.trellis.admission

golden := {
	"kind": "register",
	"connector": "hr",
	"app": {
		"name": "leave-requests",
		"title": "Leave requests",
		"owner": "user:ana.hr@example.com",
		"team": "hr-analytics",
		"purpose": "Track and approve leave requests without e-mailing spreadsheets.",
		"runtime": "sandbox",
		"template": "hr-readonly",
		"version": 1,
		"status": "draft",
		"approved_at": null,
		"tags": ["hr"],
		"labels": {},
		"retention_days": 365,
	},
	"owner": {"ref": "user:ana.hr@example.com", "kind": "user", "status": "unknown"},
	"classification": {
		"declared": "confidential",
		"detected": "restricted",
		"effective": "restricted",
		"because": [
			{"source": "catalog", "field": "hr.employees.name", "tags": ["pii.name"], "tier": "restricted"},
			{"source": "catalog", "field": "hr.employees.email", "tags": ["pii.email"], "tier": "restricted"},
		],
	},
	"risk": {
		"score": 45,
		"tier": "medium",
		"factors": [
			{"name": "data_tier", "weight": 30, "value": 1, "points": 30, "reason": "restricted data"},
			{"name": "exports", "weight": 15, "value": 1, "points": 15, "reason": "1 export carrying PII"},
		],
	},
	"connectors": [{
		"name": "hr",
		"type": "postgres",
		"known": true,
		"tiers": ["internal", "confidential", "restricted"],
		"resources": [{
			"name": "employees",
			"access": "read",
			"tiers": ["internal", "confidential", "restricted"],
			"fields": [
				{"name": "id", "tags": ["internal"]},
				{"name": "name", "tags": ["pii.name"]},
				{"name": "email", "tags": ["pii.email"]},
				{"name": "leave_balance", "tags": ["confidential"]},
			],
		}],
	}],
	"write": false,
	"writes": [],
	"exports": [{
		"destination": "slack",
		"target": "#hr-leave",
		"inspect": false,
		"fields": [{"name": "name", "tags": ["pii.name"]}, {"name": "leave_balance", "tags": ["confidential"]}],
		"pii": true,
	}],
	"egress": [],
	"users": {"count": 40, "groups": ["hr-managers"], "external": false},
	"change": {"widens": false, "reasons": []},
	"findings": 0,
	"subject": {"id": "tok_01JEXAMPLE", "name": "ana", "role": "builder", "subject": "user:ana.hr@example.com"},
	"manifest": {
		"apiVersion": "trellis.dev/v1",
		"kind": "MicroApp",
		"metadata": {
			"name": "leave-requests",
			"title": "Leave requests",
			"description": "Shows each employee's leave balance and lets managers approve requests.",
			"tags": ["hr"],
		},
		"spec": {
			"owner": "user:ana.hr@example.com",
			"team": "hr-analytics",
			"purpose": "Track and approve leave requests without e-mailing spreadsheets.",
			"classification": "confidential",
			"template": "hr-readonly",
			"runtime": "sandbox",
			"connectors": [{"name": "hr", "resources": [{"name": "employees", "fields": ["id", "name", "email", "leave_balance"], "access": "read"}]}],
			"exports": [{"destination": "slack", "target": "#hr-leave", "fields": ["name", "leave_balance"]}],
			"egress": [],
			"users": {"count": 40, "groups": ["hr-managers"]},
			"retention": {"days": 365},
		},
	},
	"now": "2026-12-06T14:00:00.000Z",
}

slack_warning := "export to slack #hr-leave carries PII (name) without DLP inspection; set inspect: true on the export"

with_change(patch) := object.union(golden, patch)

# --- the golden path ---------------------------------------------------------------------

test_golden_path_is_not_denied if {
	count(admission.deny) == 0 with input as golden
}

test_golden_path_has_exactly_the_slack_warning if {
	admission.warn == {slack_warning} with input as golden
}

test_golden_path_without_input_connector_gives_the_same_decision if {
	doc := object.remove(golden, ["connector"])
	count(admission.deny) == 0 with input as doc
	admission.warn == {slack_warning} with input as doc
}

test_golden_path_update_of_an_approved_app_within_90_days if {
	doc := with_change({"kind": "update", "app": {"status": "approved", "version": 2, "approved_at": "2026-10-01T09:00:00Z"}})
	count(admission.deny) == 0 with input as doc
	admission.warn == {slack_warning} with input as doc
}

# --- classification required -------------------------------------------------------------

no_classification_message := "app leave-requests has no data classification; declare spec.classification (public, internal, confidential or restricted)"

test_null_classification_is_denied if {
	doc := with_change({"classification": {"declared": null, "detected": null, "effective": null, "because": []}})
	admission.deny == {no_classification_message} with input as doc
}

test_missing_classification_is_denied if {
	doc := object.remove(golden, ["classification"])
	admission.deny == {no_classification_message} with input as doc
}

test_classification_outside_the_four_tiers_is_denied if {
	no_classification_message in admission.deny with input as with_change({"classification": {"effective": "secret"}})
}

test_declared_classification_alone_is_enough if {
	doc := with_change({"classification": {"declared": "internal", "detected": null, "effective": "internal", "because": []}})
	count(admission.deny) == 0 with input as doc
}

test_app_without_a_name_is_still_denied if {
	doc := json.remove(with_change({"classification": {"effective": null}}), ["app/name"])
	"the app has no data classification; declare spec.classification (public, internal, confidential or restricted)" in admission.deny with input as doc
}

# --- connectors allowed per tier ---------------------------------------------------------

two_connectors := with_change({"connectors": [
	golden.connectors[0],
	{"name": "crm", "type": "http", "known": true, "tiers": ["confidential", "internal"], "resources": []},
]})

test_connector_that_excludes_the_app_tier_is_denied if {
	admission.deny == {"app leave-requests is restricted, but connector crm allows only internal, confidential apps"} with input as object.union(two_connectors, {"connector": "crm"})
}

# The pack never reads input.connector: every connector is checked whichever one a
# per-connector evaluation names, and the messages are the same with or without it.
test_every_connector_is_checked_whatever_input_connector_names if {
	admission.deny == {"app leave-requests is restricted, but connector crm allows only internal, confidential apps"} with input as two_connectors
}

test_without_input_connector_every_connector_is_checked if {
	doc := object.remove(two_connectors, ["connector"])
	admission.deny == {"app leave-requests is restricted, but connector crm allows only internal, confidential apps"} with input as doc
}

test_connector_with_no_tiers_allows_no_app if {
	doc := with_change({"connectors": [object.union(golden.connectors[0], {"tiers": []})]})
	admission.deny == {"app leave-requests is restricted, but connector hr allows no apps (it has no tiers)"} with input as doc
}

test_connector_tier_check_waits_for_a_classification if {
	doc := with_change({"classification": {"effective": null}, "connectors": [object.union(golden.connectors[0], {"tiers": []})]})
	admission.deny == {no_classification_message} with input as doc
}

test_resource_that_excludes_the_app_tier_is_denied if {
	hr := golden.connectors[0]
	salaries := {"name": "salaries", "access": "read", "tiers": ["internal", "confidential"], "fields": [{"name": "amount", "tags": ["confidential"]}]}
	doc := with_change({"connectors": [object.union(hr, {"resources": array.concat(hr.resources, [salaries])})]})
	admission.deny == {"app leave-requests is restricted, but resource hr.salaries allows only internal, confidential apps"} with input as doc
}

test_resource_check_stays_quiet_when_the_connector_already_refuses if {
	hr := golden.connectors[0]
	narrowed := object.union(hr, {"tiers": ["internal"], "resources": [object.union(hr.resources[0], {"tiers": ["internal"]})]})
	admission.deny == {"app leave-requests is restricted, but connector hr allows only internal apps"} with input as with_change({"connectors": [narrowed]})
}

test_unknown_connector_is_denied if {
	doc := with_change({"connectors": [{"name": "hr", "type": "postgres", "known": false, "tiers": [], "resources": []}]})
	admission.deny == {"connector hr is not registered; an admin must define it (kind: Connector) before apps can bind it"} with input as doc
}

# --- owners must be active people --------------------------------------------------------

test_inactive_owner_is_denied if {
	doc := with_change({"owner": {"status": "inactive"}})
	admission.deny == {"owner user:ana.hr@example.com is inactive; name an active person as owner"} with input as doc
}

test_active_and_unknown_owners_pass if {
	count(admission.deny) == 0 with input as with_change({"owner": {"status": "active"}})
	count(admission.deny) == 0 with input as with_change({"owner": {"status": "unknown"}})
	admission.warn == {slack_warning} with input as with_change({"owner": {"status": "active"}})
}

test_group_owner_is_warned if {
	doc := with_change({"app": {"owner": "group:hr-analytics"}, "owner": {"ref": "group:hr-analytics", "kind": "group", "status": "unknown"}})
	count(admission.deny) == 0 with input as doc
	admission.warn == {slack_warning, "owner group:hr-analytics is a group; a group cannot be accountable, name a person as owner"} with input as doc
}

test_owner_without_a_ref_is_named_generically if {
	doc := json.remove(with_change({"owner": {"status": "inactive"}}), ["owner/ref"])
	admission.deny == {"the owner is inactive; name an active person as owner"} with input as doc
}

# --- no write to restricted data without a stated purpose --------------------------------

restricted_write := with_change({
	"write": true,
	"writes": [
		{"connector": "hr", "resource": "leave_requests", "fields": ["status"], "tags": ["internal"], "tier": "internal"},
		{"connector": "hr", "resource": "employees", "fields": ["email"], "tags": ["pii.email"], "tier": "restricted"},
	],
})

no_purpose_message := "app leave-requests writes restricted data (hr.employees) without a stated purpose; set spec.purpose"

test_restricted_write_with_a_purpose_passes if {
	count(admission.deny) == 0 with input as restricted_write
}

test_restricted_write_without_a_purpose_is_denied if {
	doc := json.remove(restricted_write, ["app/purpose"])
	admission.deny == {no_purpose_message} with input as doc
}

test_restricted_write_with_a_blank_purpose_is_denied if {
	admission.deny == {no_purpose_message} with input as object.union(restricted_write, {"app": {"purpose": "  \n "}})
}

test_write_below_restricted_needs_no_purpose if {
	doc := json.remove(with_change({"write": true, "writes": [restricted_write.writes[0]]}), ["app/purpose"])
	count(admission.deny) == 0 with input as doc
}

# --- exports -----------------------------------------------------------------------------

test_inspected_pii_export_is_not_warned if {
	doc := with_change({"exports": [object.union(golden.exports[0], {"inspect": true})]})
	count(admission.warn) == 0 with input as doc
	count(admission.deny) == 0 with input as doc
}

test_export_without_pii_is_not_warned if {
	doc := with_change({"exports": [{"destination": "slack", "target": "#hr-leave", "inspect": false, "fields": [{"name": "leave_balance", "tags": ["confidential"]}], "pii": false}]})
	count(admission.warn) == 0 with input as doc
}

test_pii_flag_without_a_tagged_field_is_still_warned if {
	doc := with_change({"exports": [{"destination": "email", "target": "hr@example.com", "inspect": false, "fields": [{"name": "notes", "tags": []}], "pii": true}]})
	admission.warn == {"export to email hr@example.com carries PII without DLP inspection; set inspect: true on the export"} with input as doc
}

test_pii_tag_without_the_flag_is_warned if {
	doc := with_change({"exports": [{"destination": "teams", "target": "HR", "fields": [{"name": "email", "tags": ["pii.email"]}, {"name": "name", "tags": ["pii.name"]}]}]})
	admission.warn == {"export to teams HR carries PII (email, name) without DLP inspection; set inspect: true on the export"} with input as doc
}

test_pii_export_to_a_webhook_is_denied if {
	doc := with_change({"exports": [{"destination": "webhook", "target": "https://hooks.example.com/leave", "inspect": true, "fields": [{"name": "name", "tags": ["pii.name"]}], "pii": true}]})
	admission.deny == {"export to webhook https://hooks.example.com/leave carries PII (name), and webhook is not a destination allowed for PII (allowed: email, file, slack, teams)"} with input as doc
}

test_export_without_pii_may_go_to_a_webhook if {
	doc := with_change({"exports": [{"destination": "webhook", "target": "https://hooks.example.com/leave", "inspect": false, "fields": [{"name": "leave_balance", "tags": ["confidential"]}], "pii": false}]})
	count(admission.deny) == 0 with input as doc
}

test_pii_destinations_missing_from_the_settings_denies_every_pii_export if {
	settings := json.remove(data.config, ["export/pii_destinations"])
	admission.deny == {"export to slack #hr-leave carries PII (name), and slack is not a destination allowed for PII (allowed: none)"} with input as golden with data.config as settings
}

test_export_of_blocked_tags_is_denied if {
	doc := with_change({"exports": [{
		"destination": "file",
		"target": "/exports/payroll.csv",
		"inspect": true,
		"fields": [{"name": "ssn", "tags": ["pii.ssn"]}, {"name": "card", "tags": ["pci.pan"]}, {"name": "name", "tags": ["pii.name"]}],
		"pii": true,
	}]})
	admission.deny == {"export to file /exports/payroll.csv includes fields tagged pci.pan, pii.ssn (card, ssn), which never leave through an export"} with input as doc
}

# --- renewal every 90 days ---------------------------------------------------------------

approved_at(ts) := with_change({"kind": "update", "app": {"status": "approved", "approved_at": ts}})

test_approval_97_days_old_is_warned if {
	admission.warn == {slack_warning, "approval is 97 days old; renew it (every 90 days)"} with input as approved_at("2026-08-31T13:00:00Z")
}

test_approval_exactly_90_days_old_is_warned if {
	"approval is 90 days old; renew it (every 90 days)" in admission.warn with input as approved_at("2026-09-07T14:00:00Z")
}

test_approval_89_days_old_is_not_warned if {
	admission.warn == {slack_warning} with input as approved_at("2026-09-08T14:00:01Z")
}

test_renewal_period_comes_from_the_settings if {
	settings := object.union(data.config, {"admission": {"renewal_days": 30}})
	"approval is 66 days old; renew it (every 30 days)" in admission.warn with input as approved_at("2026-10-01T09:00:00Z") with data.config as settings
}

test_renewal_check_is_off_without_its_setting if {
	settings := json.remove(data.config, ["admission/renewal_days"])
	admission.warn == {slack_warning} with input as approved_at("2020-01-01T00:00:00Z") with data.config as settings
}

# --- restricted data and egress ----------------------------------------------------------

test_egress_from_a_restricted_app_is_warned if {
	doc := with_change({"egress": ["api.example.com", "*.calendar.example.org"]})
	admission.warn == {slack_warning, "app leave-requests handles restricted data and can reach hosts outside the gateway (*.calendar.example.org, api.example.com); check that none of them receives it"} with input as doc
}

test_egress_from_a_confidential_app_is_not_warned if {
	doc := with_change({"egress": ["api.example.com"], "classification": {"detected": null, "effective": "confidential"}})
	admission.warn == {slack_warning} with input as doc
}

# --- sample findings ---------------------------------------------------------------------

test_one_open_finding_is_warned if {
	"sample records hold 1 open DLP finding outside tagged fields; tag those fields in the connector's catalog or remove the data from the samples" in admission.warn with input as with_change({"findings": 1})
}

test_several_open_findings_are_warned if {
	"sample records hold 3 open DLP findings outside tagged fields; tag those fields in the connector's catalog or remove the data from the samples" in admission.warn with input as with_change({"findings": 3})
}

test_health_data_in_an_export_is_named_as_pii if {
	doc := with_change({"exports": [{"destination": "email", "target": "hr@example.com", "inspect": false, "fields": [{"name": "diagnosis", "tags": ["phi.diagnosis"]}], "pii": true}]})
	admission.warn == {"export to email hr@example.com carries PII (diagnosis) without DLP inspection; set inspect: true on the export"} with input as doc
}
