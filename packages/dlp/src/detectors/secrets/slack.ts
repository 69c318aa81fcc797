/**
 * Slack tokens and webhooks (api.slack.com, "Token types"): bot `xoxb-`, user `xoxp-`, app-level
 * `xapp-`, configuration access `xoxe.xoxb-`/`xoxe.xoxp-` and refresh `xoxe-` tokens, the legacy
 * `xoxa-`/`xoxr-`/`xoxo-`/`xoxs-` families, and incoming webhook URLs on `hooks.slack.com`.
 * The numeric segments are team and user ids, not secret; the placeholder test therefore looks
 * at the final, random segment only.
 */
import type { PatternDetector } from '../../types.ts';
import { isPlaceholder, prefixedToken } from './util.ts';

const TAG = 'secret.slack';

/** Placeholder test on the random tail (after the last `-` or `/`). */
function tailPlaceholder(value: string): boolean {
  const cut = Math.max(value.lastIndexOf('-'), value.lastIndexOf('/'));
  const tail = value.slice(cut + 1);
  return isPlaceholder(tail.length >= 6 ? tail : value.slice(5));
}

function slack(id: string, keywords: string[], token: string, description: string, flags = 'g', minEntropy = 2): PatternDetector {
  return prefixedToken({ id, tag: TAG, keywords, token, flags, minEntropy, boundary: 'none', isTestValue: tailPlaceholder, description });
}

export const slackDetectors: PatternDetector[] = [
  slack('slack-bot-token', ['xoxb-'], String.raw`xoxb-[0-9]{10,13}-[0-9]{10,13}-?[a-zA-Z0-9]{0,40}`, 'Slack bot token', 'g', 3),
  slack('slack-user-token', ['xoxp-', 'xoxe-'], String.raw`xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-zA-Z0-9-]{28,34}`, 'Slack user token'),
  slack('slack-app-token', ['xapp-'], String.raw`xapp-\d-[A-Z0-9]{6,20}-\d{6,20}-[a-z0-9]{32,80}`, 'Slack app-level token', 'gi'),
  slack('slack-config-access-token', ['xoxe.xoxb-', 'xoxe.xoxp-'], String.raw`xoxe\.xox[bp]-\d-[A-Z0-9]{163,166}`, 'Slack configuration access token', 'gi'),
  slack('slack-config-refresh-token', ['xoxe-'], String.raw`xoxe-\d-[A-Z0-9]{146}`, 'Slack configuration refresh token', 'gi'),
  slack('slack-legacy-bot-token', ['xoxb-'], String.raw`xoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26}`, 'Slack legacy bot token'),
  slack('slack-legacy-token', ['xoxo-', 'xoxs-'], String.raw`xox[os]-\d{1,20}-\d{1,20}-\d{1,20}-[a-fA-F\d]{8,80}`, 'Slack legacy token'),
  slack('slack-legacy-workspace-token', ['xoxa-', 'xoxr-'], String.raw`xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}(?:-[0-9a-zA-Z]{8,48})?(?:-[0-9a-zA-Z]{8,48})?(?:-[0-9a-zA-Z]{8,48})?`, 'Slack legacy workspace token'),
  prefixedToken({
    id: 'slack-webhook-url', tag: TAG, keywords: ['hooks.slack.com'], boundary: 'none', minEntropy: 3,
    token: String.raw`(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}`,
    isTestValue: (v) => isPlaceholder(v.slice(v.indexOf('.com/') + 5).replace(/^(?:services|workflows|triggers)\//, '').replace(/\//g, '')),
    description: 'Slack incoming webhook or workflow URL',
  }),
];
