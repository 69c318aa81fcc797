# Admission policy for a catalog app: which connectors may read a dataset, for how long,
# and under which export controls.
package admission

max_token_seconds := 3600

deny contains "connector not allowed for classification" if {
	not input.connector.name in data.allowlist[input.dataset.classification]
}

deny contains "token lifetime exceeds cap" if {
	input.token.lifetime_seconds > max_token_seconds
}

deny contains "PII export requires DLP" if {
	input.dataset.pii
	input.export
	not input.dlp
}

deny contains "owner required" if {
	not input.dataset.owner
}

deny contains "owner required" if {
	input.dataset.owner == ""
}

allow if count(deny) == 0
