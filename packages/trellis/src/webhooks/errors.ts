/** The webhooks module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const webhookErrors = defineErrors({
  webhook_url_refused: { status: 400, title: 'The webhook URL is not allowed' },
  webhook_limit_reached: { status: 409, title: 'Too many webhook subscriptions' },
});
