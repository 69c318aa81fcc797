# Tests of the shared helpers, and of the shipped settings' shape: a malformed setting would
# otherwise turn into an evaluation error at a decision point, and every such error denies.
package trellis.lib_test

import rego.v1
import data.trellis.lib

export_destinations := {"slack", "email", "webhook", "file", "teams"}

client_types := {"confidential", "public"}

test_tag_matches_exact_and_prefix_patterns if {
	lib.tag_matches("secret", "secret")
	lib.tag_matches("pii.email", "pii.*")
	not lib.tag_matches("pii", "pii.*")
	not lib.tag_matches("piix.email", "pii.*")
	not lib.tag_matches("pii.email", "pii")
}

test_fields_tagged_is_sorted_and_ignores_fields_without_tags if {
	lib.fields_tagged([{"name": "z", "tags": ["pii.name"]}, {"name": "a", "tags": ["pii.email"]}, {"name": "n"}], ["pii.*"]) == ["a", "z"]
}

test_has_text if {
	lib.has_text("why")
	not lib.has_text(" \t")
	not lib.has_text(null)
}

test_list_or_none if {
	lib.list_or_none(["b", "a"]) == "a, b"
	lib.list_or_none([]) == "none"
}

test_setting_falls_back_when_missing if {
	lib.setting(["admission", "renewal_days"], 7) == 90
	lib.setting(["admission", "no_such_setting"], 7) == 7
	lib.setting(["admission", "renewal_days"], 7) == 7 with data.config as {}
}

# --- the shipped settings ----------------------------------------------------------------

is_tag_pattern(p) if regex.match(`^[a-z0-9]+(\.[a-z0-9_-]+)*(\.\*)?$`, p)

is_hhmm(s) if regex.match(`^([01][0-9]|2[0-3]):[0-5][0-9]$`, s)

test_settings_tag_lists_are_tag_patterns if {
	every list in [data.config.pii_tags, data.config.export.blocked_tags, data.config.export.review_tags, data.config.gateway.denied_read_tags] {
		is_array(list)
		every p in list {
			is_tag_pattern(p)
		}
	}
}

masking_actions := {"allow", "mask", "redact", "hash", "tokenize", "drop"}

test_settings_gateway_masking_is_well_formed if {
	masking := data.config.gateway.masking
	masking.unlisted in masking_actions
	masking.findings_unlisted in masking_actions
	every pattern, entry in masking.tags {
		is_tag_pattern(pattern)
		entry.operator in masking_actions
		object.get(entry, "clear_from", "restricted") in {"public", "internal", "confidential", "restricted"}
	}
}

test_settings_renewal_days_is_a_positive_number if {
	is_number(data.config.admission.renewal_days)
	data.config.admission.renewal_days > 0
}

test_settings_pii_destinations_are_export_destinations if {
	every d in data.config.export.pii_destinations {
		d in export_destinations
	}
}

test_settings_token_caps_cover_every_client_type if {
	every type in client_types {
		is_number(data.config.token.max_lifetime_seconds[type])
		data.config.token.max_lifetime_seconds[type] > 0
	}
}

test_settings_gateway_hours_are_off_or_well_formed if {
	hours := data.config.gateway.hours
	is_boolean(data.config.gateway.restricted_writes_need_subject)
	hours_ok(hours)
}

hours_ok(hours) if hours == null

hours_ok(hours) if {
	is_hhmm(hours.start)
	is_hhmm(hours.end)
	hours.start != hours.end
	is_string(object.get(hours, "timezone", "UTC"))
}

test_hours_check_accepts_a_well_formed_window if {
	hours_ok({"start": "07:00", "end": "20:00", "timezone": "Europe/Berlin"})
	not hours_ok({"start": "7:00", "end": "20:00"})
	not hours_ok({"start": "07:00", "end": "07:00"})
}
