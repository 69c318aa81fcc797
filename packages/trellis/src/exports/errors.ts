/** The exports module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const exportErrors = defineErrors({
  export_not_declared: { status: 403, title: 'The export is not declared in the app\'s approved manifest' },
  export_app_inactive: { status: 403, title: 'The app is suspended or retired' },
  export_blocked: { status: 403, title: 'The export is blocked by policy' },
  export_destination_not_configured: { status: 409, title: 'No delivery is configured for this export destination' },
  export_destination_exists: { status: 409, title: 'This export destination is already configured' },
  export_too_large: { status: 413, title: 'The export payload is too large' },
  export_delivery_failed: { status: 502, title: 'The export could not be delivered' },
  export_quarantine_closed: { status: 409, title: 'The quarantined export was already released or discarded' },
});
