/**
 * Observability and incident tooling. New Relic prefixes its keys (`NRAK-` user API keys,
 * `NRII-` insert keys, `NRJS-` browser keys, license keys ending `NRAL`); Sentry org tokens are
 * `sntrys_` + base64 JSON with `iat` and `region_url` + `_` + 43, user tokens `sntryu_` + 64 hex;
 * Grafana API keys are base64 JSON starting `{"k":"` (`eyJrIjoi`), Cloud tokens `glc_`, service
 * accounts `glsa_` + 32 + `_` + 8 hex; Dynatrace `dt0c01.` + 24 + `.` + 64. Datadog, Sumo Logic,
 * Rollbar, Bugsnag, Honeycomb, Splunk HEC, Opsgenie and PagerDuty keys are bare and go by name.
 */
import type { PatternDetector } from '../../types.ts';
import { UUID, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.monitoring';
const NEW_RELIC = 'new[_-]?relic';

export const monitoringDetectors: PatternDetector[] = [
  keyedSecret({ id: 'datadog-access-token', tag: 'secret.datadog', keywords: ['datadog'], names: 'datadog', value: '[a-z0-9]{40}', minEntropy: 3, description: 'Datadog application key' }),
  keyedSecret({ id: 'datadog-api-key', tag: 'secret.datadog', keywords: ['datadog', 'dd_api_key', 'dd-api-key', 'ddapikey'], names: 'datadog|dd[_-]?api[_-]?key', value: '[a-f0-9]{32}', minEntropy: 3, description: 'Datadog API key' }),
  prefixedToken({ id: 'new-relic-user-api-key', tag: 'secret.newrelic', keywords: ['nrak-'], token: 'NRAK-[A-Z0-9]{27}', flags: 'gi', fixedPrefix: 5, minEntropy: 3, description: 'New Relic user API key' }),
  prefixedToken({ id: 'new-relic-insert-key', tag: 'secret.newrelic', keywords: ['nrii-'], token: 'NRII-[a-zA-Z0-9_-]{32}', boundary: 'delim', fixedPrefix: 5, minEntropy: 3, description: 'New Relic Insights insert key' }),
  prefixedToken({ id: 'new-relic-browser-api-token', tag: 'secret.newrelic', keywords: ['nrjs-'], token: 'NRJS-[a-f0-9]{19}', fixedPrefix: 5, minEntropy: 3, description: 'New Relic browser ingest key' }),
  prefixedToken({ id: 'new-relic-license-key', tag: 'secret.newrelic', keywords: ['nral'], token: '[a-f0-9]{36}NRAL', minEntropy: 3, description: 'New Relic ingest license key' }),
  keyedSecret({ id: 'new-relic-user-api-id', tag: 'secret.newrelic', keywords: ['new-relic', 'newrelic', 'new_relic'], names: NEW_RELIC, value: '[a-z0-9]{64}', minEntropy: 3, description: 'New Relic user API id' }),
  keyedSecret({ id: 'sentry-access-token', tag: 'secret.sentry', keywords: ['sentry'], names: 'sentry', value: '[a-f0-9]{64}', minEntropy: 3, description: 'Sentry auth token (legacy format)' }),
  prefixedToken({
    id: 'sentry-org-token', tag: 'secret.sentry', keywords: ['sntrys_eyjpyxqio'], boundary: 'none', minEntropy: 4.5, fixedPrefix: 7,
    token: 'sntrys_eyJpYXQiO[a-zA-Z0-9+/]{10,200}(?:LCJyZWdpb25fdXJs|InJlZ2lvbl91cmwi|cmVnaW9uX3VybCI6)[a-zA-Z0-9+/]{10,200}={0,2}_[a-zA-Z0-9+/]{43}',
    description: 'Sentry organisation auth token',
  }),
  prefixedToken({ id: 'sentry-user-token', tag: 'secret.sentry', keywords: ['sntryu_'], token: 'sntryu_[a-f0-9]{64}', fixedPrefix: 7, minEntropy: 3.5, description: 'Sentry user auth token' }),
  prefixedToken({ id: 'grafana-api-key', tag: 'secret.grafana', keywords: ['eyjrijoi'], token: 'eyJrIjoi[A-Za-z0-9]{70,400}={0,3}', boundary: 'delim', fixedPrefix: 8, minEntropy: 3, description: 'Grafana API key (legacy)' }),
  prefixedToken({ id: 'grafana-cloud-api-token', tag: 'secret.grafana', keywords: ['glc_'], token: 'glc_[A-Za-z0-9+/]{32,400}={0,3}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, description: 'Grafana Cloud access policy token' }),
  prefixedToken({ id: 'grafana-service-account-token', tag: 'secret.grafana', keywords: ['glsa_'], token: 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}', fixedPrefix: 5, minEntropy: 3, description: 'Grafana service account token' }),
  prefixedToken({ id: 'dynatrace-api-token', tag: TAG, keywords: ['dt0c01.'], token: 'dt0c01\\.[a-zA-Z0-9]{24}\\.[a-zA-Z0-9]{64}', fixedPrefix: 7, minEntropy: 4, description: 'Dynatrace API token' }),
  keyedSecret({ id: 'sumologic-access-id', tag: TAG, keywords: ['sumo'], names: '[Ss]umo|SUMO', caseSensitive: true, value: 'su[a-zA-Z0-9]{12}', minEntropy: 3, description: 'Sumo Logic access id' }),
  keyedSecret({ id: 'sumologic-access-token', tag: TAG, keywords: ['sumo'], names: '[Ss]umo|SUMO', caseSensitive: true, value: '[a-zA-Z0-9]{64}', minEntropy: 3, description: 'Sumo Logic access key' }),
  keyedSecret({ id: 'rollbar-access-token', tag: TAG, keywords: ['rollbar'], names: 'rollbar', value: '[a-f0-9]{32}', minEntropy: 3, description: 'Rollbar access token' }),
  keyedSecret({ id: 'bugsnag-api-key', tag: TAG, keywords: ['bugsnag'], names: 'bugsnag', value: '[a-f0-9]{32}', minEntropy: 3, description: 'Bugsnag API key' }),
  keyedSecret({ id: 'honeycomb-api-key', tag: TAG, keywords: ['honeycomb'], names: 'honeycomb', value: '[a-z0-9]{22}|hc[a-z]{2}_[a-z0-9]{58}', minEntropy: 3, description: 'Honeycomb API key' }),
  keyedSecret({ id: 'splunk-hec-token', tag: TAG, keywords: ['splunk'], names: 'splunk[\\w.-]{0,20}token', value: UUID, minEntropy: 3, description: 'Splunk HTTP Event Collector token' }),
  keyedSecret({ id: 'opsgenie-api-key', tag: TAG, keywords: ['opsgenie'], names: 'opsgenie', value: UUID, minEntropy: 3, description: 'Opsgenie API key' }),
  keyedSecret({ id: 'pagerduty-api-key', tag: TAG, keywords: ['pagerduty'], names: 'pagerduty', value: '[a-z0-9_+-]{20}', minEntropy: 3.5, description: 'PagerDuty API key' }),
  keyedSecret({ id: 'logzio-api-token', tag: TAG, keywords: ['logz'], names: 'logz(?:io|\\.io)?', value: UUID, minEntropy: 3, description: 'Logz.io API token' }),
];
