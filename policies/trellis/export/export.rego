# data.trellis.export: the pack's rules for data leaving through one of an app's declared
# exports. The input (docs/governance.md) is the export as it happens: destination, target,
# the fields sent with their tags (DLP may have added tags for what it found in the payload),
# whether the payload is PII and whether DLP inspected it. Admission gives the same messages
# for what an app declares (trellis/lib), so nothing here surprises a builder at run time.
package trellis.export

import rego.v1
import data.trellis.lib

deny contains msg if {
	msg := lib.pii_destination_message(input)
}

deny contains msg if {
	msg := lib.blocked_export_message(input)
}

# `inspected` here is what `inspect` is in the manifest: whether DLP looked at this payload.
warn contains msg if {
	lib.carries_pii(input)
	not input.inspected == true
	msg := lib.uninspected_pii_message(input)
}

# data.trellis.export.review: messages for data an export may carry only after a reviewer has
# looked at it. An export that nothing denies but that has a review message is quarantined
# (docs/exports.md): held, sealed, until someone with exports:review releases or discards it.
# A tag that is both blocked and held for review is blocked.
review contains msg if {
	fields := object.get(input, "fields", [])
	patterns := lib.setting(["export", "review_tags"], [])
	names := lib.fields_tagged(fields, patterns)
	count(names) > 0
	msg := sprintf(
		"%s includes fields tagged %s (%s), which leave only after review",
		[lib.export_label(input), concat(", ", lib.tags_of_fields(fields, patterns)), concat(", ", names)],
	)
}
