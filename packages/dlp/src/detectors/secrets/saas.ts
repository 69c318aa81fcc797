/**
 * Business SaaS: commerce (Shopify `shpat_`/`shpca_`/`shppa_`/`shpss_` + 32 hex), CRM and
 * marketing (HubSpot private-app `pat-na1-…` tokens and legacy UUID keys), productivity (Notion
 * `ntn_`, Airtable `pat…`, Asana, Typeform `tfp_`, Intercom, Zendesk, Contentful, Squarespace,
 * FreshBooks), storage (Dropbox `sl.` and long-lived tokens), maps and search (Mapbox, Algolia),
 * identity (Okta `00…` API tokens, Adobe `p8e-` secrets), and others (Beamer `b_`, RapidAPI).
 */
import type { PatternDetector } from '../../types.ts';
import { UUID, isPlaceholder, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.saas';

export const saasDetectors: PatternDetector[] = [
  prefixedToken({ id: 'shopify-access-token', tag: 'secret.shopify', keywords: ['shpat_'], token: 'shpat_[a-fA-F0-9]{32}', fixedPrefix: 6, minEntropy: 2, description: 'Shopify Admin API access token' }),
  prefixedToken({ id: 'shopify-custom-access-token', tag: 'secret.shopify', keywords: ['shpca_'], token: 'shpca_[a-fA-F0-9]{32}', fixedPrefix: 6, minEntropy: 2, description: 'Shopify custom app access token' }),
  prefixedToken({ id: 'shopify-private-app-access-token', tag: 'secret.shopify', keywords: ['shppa_'], token: 'shppa_[a-fA-F0-9]{32}', fixedPrefix: 6, minEntropy: 2, description: 'Shopify private app access token' }),
  prefixedToken({ id: 'shopify-shared-secret', tag: 'secret.shopify', keywords: ['shpss_'], token: 'shpss_[a-fA-F0-9]{32}', fixedPrefix: 6, minEntropy: 2, description: 'Shopify app shared secret' }),
  keyedSecret({ id: 'hubspot-api-key', tag: TAG, keywords: ['hubspot'], names: 'hubspot', value: UUID, minEntropy: 3, description: 'HubSpot API key (legacy)' }),
  prefixedToken({ id: 'hubspot-private-app-token', tag: TAG, keywords: ['pat-na1-', 'pat-eu1-', 'pat-na2-', 'pat-ap1-'], token: `pat-(?:na|eu|ap)[12]-${UUID}`, fixedPrefix: 8, minEntropy: 3, description: 'HubSpot private app access token' }),
  prefixedToken({ id: 'notion-api-token', tag: TAG, keywords: ['ntn_'], token: 'ntn_[0-9]{11}[A-Za-z0-9]{35}', fixedPrefix: 4, minEntropy: 4, description: 'Notion integration token' }),
  keyedSecret({ id: 'notion-api-token--legacy', tag: TAG, keywords: ['notion'], names: 'notion', value: 'secret_[a-z0-9]{43}', fixedPrefix: 7, minEntropy: 4, description: 'Notion integration token (legacy secret_ format)' }),
  keyedSecret({ id: 'airtable-api-key', tag: TAG, keywords: ['airtable'], names: 'airtable', value: '[a-z0-9]{17}', minEntropy: 3, description: 'Airtable API key (legacy)' }),
  prefixedToken({ id: 'airtable-personal-access-token', tag: TAG, keywords: ['pat'], token: 'pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}', fixedPrefix: 3, minEntropy: 3.5, description: 'Airtable personal access token' }),
  keyedSecret({ id: 'asana-client-id', tag: TAG, keywords: ['asana'], names: 'asana', value: '[0-9]{16}', minEntropy: 2.5, baseConfidence: 0.6, description: 'Asana client id' }),
  keyedSecret({ id: 'asana-client-secret', tag: TAG, keywords: ['asana'], names: 'asana', value: '[a-z0-9]{32}', minEntropy: 3, description: 'Asana client secret' }),
  prefixedToken({ id: 'typeform-api-token', tag: TAG, keywords: ['tfp_'], token: 'tfp_[a-zA-Z0-9_.=-]{59}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, description: 'Typeform personal access token' }),
  keyedSecret({ id: 'intercom-api-key', tag: TAG, keywords: ['intercom'], names: 'intercom', value: '[a-z0-9=_-]{60}', minEntropy: 3, description: 'Intercom access token' }),
  keyedSecret({ id: 'zendesk-secret-key', tag: TAG, keywords: ['zendesk'], names: 'zendesk', value: '[a-z0-9]{40}', minEntropy: 3, description: 'Zendesk API token' }),
  keyedSecret({ id: 'contentful-delivery-api-token', tag: TAG, keywords: ['contentful'], names: 'contentful', value: '[a-z0-9=_-]{43}', minEntropy: 3, description: 'Contentful delivery API token' }),
  keyedSecret({ id: 'squarespace-access-token', tag: TAG, keywords: ['squarespace'], names: 'squarespace', value: UUID, minEntropy: 3, description: 'Squarespace API key' }),
  keyedSecret({ id: 'freshbooks-access-token', tag: TAG, keywords: ['freshbooks'], names: 'freshbooks', value: '[a-z0-9]{64}', minEntropy: 3, description: 'FreshBooks access token' }),
  keyedSecret({ id: 'dropbox-api-token', tag: TAG, keywords: ['dropbox'], names: 'dropbox', value: '[a-z0-9]{15}', minEntropy: 3, description: 'Dropbox app key or secret' }),
  keyedSecret({
    id: 'dropbox-long-lived-api-token', tag: TAG, keywords: ['dropbox'], names: 'dropbox', value: '[a-z0-9]{11}AAAAAAAAAA[a-z0-9_=-]{43}',
    minEntropy: 3, isTestValue: (v) => isPlaceholder(v.slice(21)), description: 'Dropbox long-lived access token',
  }),
  prefixedToken({
    id: 'dropbox-short-lived-api-token', tag: TAG, keywords: ['sl.'], token: 'sl\\.(?:u\\.)?[A-Za-z0-9_-]{130,1000}={0,2}', boundary: 'delim',
    fixedPrefix: /^sl\.(?:u\.)?/, minEntropy: 4, description: 'Dropbox short-lived access token',
  }),
  keyedSecret({ id: 'mapbox-api-token', tag: TAG, keywords: ['mapbox'], names: 'mapbox', value: '[ps]k\\.[a-z0-9_-]{60,100}\\.[a-z0-9_-]{22}', fixedPrefix: 3, minEntropy: 3, description: 'Mapbox access token' }),
  prefixedToken({ id: 'mapbox-secret-token', tag: TAG, keywords: ['sk.eyj1'], token: 'sk\\.eyJ1[A-Za-z0-9_-]{50,120}\\.[A-Za-z0-9_-]{22}', boundary: 'delim', fixedPrefix: 7, minEntropy: 4, description: 'Mapbox secret access token' }),
  keyedSecret({ id: 'algolia-api-key', tag: TAG, keywords: ['algolia'], names: 'algolia', value: '[a-z0-9]{32}', minEntropy: 3, description: 'Algolia API key' }),
  keyedSecret({ id: 'adobe-client-id', tag: TAG, keywords: ['adobe'], names: 'adobe', value: '[a-f0-9]{32}', minEntropy: 2, baseConfidence: 0.6, description: 'Adobe OAuth client id' }),
  prefixedToken({ id: 'adobe-client-secret', tag: TAG, keywords: ['p8e-'], token: 'p8e-[a-zA-Z0-9]{32}', flags: 'gi', fixedPrefix: 4, minEntropy: 2, description: 'Adobe OAuth client secret' }),
  keyedSecret({ id: 'okta-access-token', tag: 'secret.okta', keywords: ['okta'], names: '[Oo]kta|OKTA', caseSensitive: true, value: '00[\\w=-]{40}', fixedPrefix: 2, minEntropy: 4, description: 'Okta API token' }),
  {
    id: 'okta-access-token--ssws', entity: 'SECRET', kind: 'secret', tag: 'secret.okta', keywords: ['ssws'],
    pattern: /\bSSWS[ \t]{1,3}(00[\w=-]{40})\b/g, group: 1, baseConfidence: 0.9, minEntropy: 4, isTestValue: (v) => isPlaceholder(v.slice(2)),
    description: 'Okta API token in an SSWS Authorization header',
  },
  keyedSecret({ id: 'beamer-api-token', tag: TAG, keywords: ['beamer'], names: 'beamer', value: 'b_[a-z0-9=_-]{44}', fixedPrefix: 2, minEntropy: 3, description: 'Beamer API key' }),
  keyedSecret({ id: 'rapidapi-access-token', tag: TAG, keywords: ['rapidapi'], names: 'rapidapi', value: '[a-z0-9_-]{50}', minEntropy: 3, description: 'RapidAPI key' }),
  keyedSecret({ id: 'freshdesk-api-key', tag: TAG, keywords: ['freshdesk'], names: 'freshdesk', value: '[a-z0-9]{20}', minEntropy: 3, description: 'Freshdesk API key' }),
  keyedSecret({ id: 'pipedrive-api-token', tag: TAG, keywords: ['pipedrive'], names: 'pipedrive', value: '[a-f0-9]{40}', minEntropy: 3, description: 'Pipedrive API token' }),
  keyedSecret({ id: 'trello-api-token', tag: TAG, keywords: ['trello'], names: 'trello', value: '[a-f0-9]{64}|ATTA[a-f0-9]{64}[A-F0-9]{8}', minEntropy: 3, description: 'Trello API token' }),
  keyedSecret({ id: 'monday-api-token', tag: TAG, keywords: ['monday'], names: 'monday', value: 'eyJhbGciOiJIUzI1NiJ9\\.[a-z0-9_-]{40,400}\\.[a-z0-9_-]{40,50}', fixedPrefix: 21, minEntropy: 4, description: 'monday.com API token' }),
  keyedSecret({ id: 'salesforce-access-token', tag: TAG, keywords: ['salesforce', 'sfdc'], names: 'salesforce|sfdc', value: '00D[a-z0-9]{12,15}![a-z0-9._]{80,120}', minEntropy: 4, description: 'Salesforce session / access token' }),
  keyedSecret({ id: 'docusign-integration-key', tag: TAG, keywords: ['docusign'], names: 'docusign', value: UUID, minEntropy: 3, baseConfidence: 0.6, description: 'DocuSign integration key' }),
  keyedSecret({ id: 'zoom-api-secret', tag: TAG, keywords: ['zoom'], names: 'zoom[\\w.-]{0,10}(?:secret|token)', value: '[a-z0-9]{32,40}', minEntropy: 3.5, description: 'Zoom API / SDK secret' }),
  prefixedToken({ id: 'maxmind-license-key', tag: TAG, keywords: ['_mmk'], token: '[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk', boundary: 'delim', minEntropy: 4, isTestValue: (v) => isPlaceholder(v.slice(0, -4)), description: 'MaxMind GeoIP license key' }),
  {
    id: 'freemius-secret-key', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['secret_key'],
    // Freemius SDK config array in PHP: 'secret_key' => 'sk_…' (29 characters after sk_).
    pattern: /["']secret_key["']\s{0,10}=>\s{0,10}["'](sk_[^\s'"]{29})["']/gi,
    group: 1, baseConfidence: 0.85, isTestValue: (v) => isPlaceholder(v.slice(3)),
    description: 'Freemius SDK secret key',
  },
  prefixedToken({ id: 'zapier-webhook-url', tag: TAG, keywords: ['hooks.zapier.com'], token: 'https://hooks\\.zapier\\.com/hooks/catch/[0-9]{5,10}/[a-z0-9]{6,10}/?', boundary: 'none', isTestValue: (v) => isPlaceholder(v.slice(37)), baseConfidence: 0.75, description: 'Zapier catch-hook URL' }),
];
