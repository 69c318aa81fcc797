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
