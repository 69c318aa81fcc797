/**
 * E-mail, SMS and chat providers. Twilio API key SIDs are `SK` + 32 hex (paired with a secret);
 * SendGrid keys are `SG.` + 22 + `.` + 43; Mailchimp keys are 32 hex + `-us<dc>`; Brevo
 * (Sendinblue) `xkeysib-`/`xsmtpsib-`; Mailgun `key-`/`pubkey-` + 32 hex and webhook signing keys;
 * Telegram bot tokens `<bot id>:<35 characters>`; Discord and Teams webhook URLs; MessageBird,
 * Sendbird, Mattermost, Gitter, Pushbullet and Discord application credentials by name.
 */
import type { PatternDetector } from '../../types.ts';
import { UUID, isPlaceholder, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.messaging';

export const messagingDetectors: PatternDetector[] = [
  prefixedToken({
    id: 'twilio-api-key', tag: 'secret.twilio', keywords: ['sk'], token: 'SK[0-9a-fA-F]{32}', boundary: 'delim', fixedPrefix: 2, minEntropy: 3,
    context: ['twilio', 'api_key', 'apikey'], description: 'Twilio API key SID',
  }),
  keyedSecret({
    id: 'twilio-auth-token', tag: 'secret.twilio', keywords: ['twilio'], names: String.raw`twilio[\w.-]{0,20}(?:auth|token|secret)`,
    value: '[a-f0-9]{32}', minEntropy: 3, baseConfidence: 0.85, description: 'Twilio account auth token',
  }),
  prefixedToken({
    id: 'sendgrid-api-token', tag: TAG, keywords: ['sg.'], token: 'SG\\.[a-zA-Z0-9=_.-]{66}', boundary: 'delim', fixedPrefix: 3,
    minEntropy: 2, description: 'SendGrid API key',
  }),
  prefixedToken({
    id: 'mailchimp-api-key', tag: TAG, keywords: ['-us'], token: '[a-f0-9]{32}-us[0-9]{1,2}', minEntropy: 3,
    isTestValue: (v) => isPlaceholder(v.slice(0, 32)), description: 'Mailchimp API key',
  }),
  prefixedToken({
    id: 'sendinblue-api-token', tag: TAG, keywords: ['xkeysib-', 'xsmtpsib-'], token: 'x(?:keysib|smtpsib)-[a-f0-9]{64}-[a-zA-Z0-9]{16}',
    fixedPrefix: /^x\w+-/, minEntropy: 2, description: 'Brevo (Sendinblue) API or SMTP key',
  }),
  keyedSecret({ id: 'mailgun-private-api-token', tag: TAG, keywords: ['mailgun'], names: 'mailgun', value: 'key-[a-f0-9]{32}', fixedPrefix: 4, minEntropy: 3, description: 'Mailgun private API key' }),
  prefixedToken({ id: 'mailgun-private-api-token--bare', tag: TAG, keywords: ['key-'], token: 'key-[a-f0-9]{32}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3.3, baseConfidence: 0.6, context: ['mailgun', 'api'], description: 'Mailgun private API key (by shape)' }),
  keyedSecret({ id: 'mailgun-pub-key', tag: TAG, keywords: ['mailgun'], names: 'mailgun', value: 'pubkey-[a-f0-9]{32}', fixedPrefix: 7, minEntropy: 3, baseConfidence: 0.6, description: 'Mailgun public validation key' }),
  keyedSecret({ id: 'mailgun-signing-key', tag: TAG, keywords: ['mailgun'], names: 'mailgun', value: '[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}', minEntropy: 3, description: 'Mailgun webhook signing key' }),
  keyedSecret({
    id: 'telegram-bot-api-token', tag: TAG, keywords: ['telegr'], names: String.raw`telegr[\w.-]{0,10}`,
    value: '[0-9]{5,16}:A[a-zA-Z0-9_-]{34}', minEntropy: 3, isTestValue: (v) => isPlaceholder(v.slice(v.indexOf(':') + 1)),
    description: 'Telegram Bot API token',
  }),
  prefixedToken({
    id: 'telegram-bot-api-token--bare', tag: TAG, keywords: [':aa'], token: '[0-9]{8,10}:AA[a-zA-Z0-9_-]{33}', boundary: 'delim',
    minEntropy: 3.5, baseConfidence: 0.8, isTestValue: (v) => isPlaceholder(v.slice(v.indexOf(':') + 3)),
    description: 'Telegram Bot API token (by shape: bot id, colon, AA + 33)',
  }),
  keyedSecret({ id: 'discord-api-token', tag: 'secret.discord', keywords: ['discord'], names: 'discord', value: '[a-f0-9]{64}', minEntropy: 3, description: 'Discord API key' }),
  keyedSecret({ id: 'discord-client-id', tag: 'secret.discord', keywords: ['discord'], names: 'discord', value: '[0-9]{18}', minEntropy: 2, baseConfidence: 0.55, description: 'Discord application client id' }),
  keyedSecret({ id: 'discord-client-secret', tag: 'secret.discord', keywords: ['discord'], names: 'discord', value: '[a-z0-9=_-]{32}', minEntropy: 2, description: 'Discord client secret' }),
  prefixedToken({
    id: 'discord-webhook-url', tag: 'secret.discord', keywords: ['discord'], boundary: 'none', minEntropy: 3,
    token: 'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}',
    isTestValue: (v) => isPlaceholder(v.slice(v.lastIndexOf('/') + 1)), description: 'Discord webhook URL',
  }),
  prefixedToken({
    id: 'microsoft-teams-webhook', tag: TAG, keywords: ['webhook.office.com', 'webhookb2'], boundary: 'none', flags: 'gi',
    token: `https://[a-z0-9-]{1,60}\\.webhook\\.office\\.com/webhookb2/${UUID}@${UUID}/IncomingWebhook/[a-z0-9]{32}/${UUID}`,
    isTestValue: (v) => isPlaceholder(v.slice(v.indexOf('IncomingWebhook/') + 16)), description: 'Microsoft Teams incoming webhook URL',
  }),
  keyedSecret({ id: 'messagebird-api-token', tag: TAG, keywords: ['messagebird', 'message-bird', 'message_bird'], names: 'message[_-]?bird', value: '[a-z0-9]{25}', minEntropy: 3, description: 'MessageBird API key' }),
  keyedSecret({ id: 'messagebird-client-id', tag: TAG, keywords: ['messagebird', 'message-bird', 'message_bird'], names: 'message[_-]?bird', value: UUID, minEntropy: 3, description: 'MessageBird client id' }),
  keyedSecret({ id: 'sendbird-access-id', tag: TAG, keywords: ['sendbird'], names: 'sendbird', value: UUID, minEntropy: 3, description: 'Sendbird application id' }),
  keyedSecret({ id: 'sendbird-access-token', tag: TAG, keywords: ['sendbird'], names: 'sendbird', value: '[a-f0-9]{40}', minEntropy: 3, description: 'Sendbird API token' }),
  keyedSecret({ id: 'mattermost-access-token', tag: TAG, keywords: ['mattermost'], names: 'mattermost', value: '[a-z0-9]{26}', minEntropy: 3, description: 'Mattermost access token' }),
  keyedSecret({ id: 'gitter-access-token', tag: TAG, keywords: ['gitter'], names: 'gitter', value: '[a-z0-9_-]{40}', minEntropy: 3, description: 'Gitter access token' }),
  keyedSecret({ id: 'pushbullet-api-token', tag: TAG, keywords: ['pushbullet'], names: 'pushbullet', value: 'o\\.[a-z0-9]{32}', fixedPrefix: 2, minEntropy: 3, description: 'Pushbullet access token' }),
  keyedSecret({ id: 'vonage-api-secret', tag: TAG, keywords: ['vonage', 'nexmo'], names: String.raw`(?:vonage|nexmo)[\w.-]{0,20}secret`, value: '[a-z0-9]{16}', minEntropy: 3, description: 'Vonage (Nexmo) API secret' }),
  keyedSecret({ id: 'plivo-auth-token', tag: TAG, keywords: ['plivo'], names: 'plivo', value: '[a-z0-9]{40}', minEntropy: 3.5, description: 'Plivo auth token' }),
  keyedSecret({ id: 'postmark-server-token', tag: TAG, keywords: ['postmark'], names: 'postmark', value: UUID, minEntropy: 3, description: 'Postmark server or account token' }),
  keyedSecret({ id: 'mailjet-api-secret', tag: TAG, keywords: ['mailjet'], names: 'mailjet', value: '[a-f0-9]{32}', minEntropy: 3, description: 'Mailjet API key or secret' }),
];
