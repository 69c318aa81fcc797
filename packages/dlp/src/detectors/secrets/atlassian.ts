/**
 * Atlassian credentials. Since 2023 Atlassian API tokens start `ATATT3` (192 characters; admin
 * keys `ATCTT3`), Bitbucket app passwords `ATBB`; older Jira/Confluence tokens are 24 random
 * characters recognised by the product name beside them. Bitbucket OAuth consumer keys and
 * secrets have no prefix either.
 *
 * Variant detectors of one rule are named `<rule>--<variant>`; reports fold them into `<rule>`.
 */
import type { PatternDetector } from '../../types.ts';
import { keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.atlassian';

export const atlassianDetectors: PatternDetector[] = [
  prefixedToken({
    id: 'atlassian-api-token', tag: TAG, keywords: ['atatt3'], token: 'ATATT3[A-Za-z0-9_=-]{186}', boundary: 'delim',
    fixedPrefix: 6, minEntropy: 3.5, description: 'Atlassian API token',
  }),
  keyedSecret({
    id: 'atlassian-api-token--legacy', tag: TAG, keywords: ['atlassian', 'confluence', 'jira'], names: '[Aa]tlassian|ATLASSIAN|[Cc]onfluence|CONFLUENCE|[Jj]ira|JIRA', caseSensitive: true,
    value: '[a-zA-Z0-9]{20}[a-fA-F0-9]{4}', minEntropy: 3.5, description: 'Atlassian (Jira/Confluence) legacy API token',
  }),
  prefixedToken({
    id: 'atlassian-admin-api-key', tag: TAG, keywords: ['atctt3'], token: 'ATCTT3[A-Za-z0-9_=-]{100,300}', boundary: 'delim',
    fixedPrefix: 6, minEntropy: 3.5, description: 'Atlassian organisation admin API key',
  }),
  prefixedToken({
    id: 'bitbucket-app-password', tag: TAG, keywords: ['atbb'], token: 'ATBB[A-Za-z0-9_=.-]{32}', boundary: 'delim',
    fixedPrefix: 4, minEntropy: 3.5, description: 'Bitbucket app password',
  }),
  keyedSecret({ id: 'bitbucket-client-id', tag: TAG, keywords: ['bitbucket'], names: 'bitbucket', value: '[a-z0-9]{32}', minEntropy: 3, description: 'Bitbucket OAuth client id' }),
  keyedSecret({ id: 'bitbucket-client-secret', tag: TAG, keywords: ['bitbucket'], names: 'bitbucket', value: '[a-z0-9=_-]{64}', minEntropy: 3, description: 'Bitbucket OAuth client secret' }),
];
