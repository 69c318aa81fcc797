/**
 * GitLab tokens. GitLab prefixes every token type (docs.gitlab.com, "GitLab token overview":
 * `glpat-`, `gldt-`, `glrt-`, `glptt-`, `glcbt-`, …); since 17.x tokens can be "routable", i.e.
 * the random part is followed by `.` and a 2+7 character base36 suffix carrying the cell.
 */
import type { PatternDetector } from '../../types.ts';
import { prefixedToken } from './util.ts';

const TAG = 'secret.gitlab';

function gl(id: string, prefix: string, body: string, description: string, extra: Partial<{ boundary: 'word' | 'delim' | 'none' }> = {}): PatternDetector {
  return prefixedToken({
    id, tag: TAG, keywords: [prefix.toLowerCase()], token: `${prefix}${body}`, fixedPrefix: prefix.length,
    minEntropy: 3, description, ...extra,
  });
}

export const gitlabDetectors: PatternDetector[] = [
  gl('gitlab-pat', 'glpat-', '[0-9a-zA-Z_-]{20}', 'GitLab personal access token', { boundary: 'none' }),
  prefixedToken({
    id: 'gitlab-pat-routable', tag: TAG, keywords: ['glpat-'], token: String.raw`glpat-[0-9a-zA-Z_-]{27,300}\.[0-9a-z]{9}`,
    fixedPrefix: 6, minEntropy: 4, description: 'GitLab personal access token (routable format)',
  }),
  gl('gitlab-ptt', 'glptt-', '[0-9a-f]{40}', 'GitLab pipeline trigger token'),
  prefixedToken({
    id: 'gitlab-rrt', tag: TAG, keywords: ['gr1348941'], token: 'GR1348941[0-9a-zA-Z_-]{20}', fixedPrefix: 9,
    minEntropy: 3, boundary: 'none', description: 'GitLab runner registration token',
  }),
  gl('gitlab-runner-authentication-token', 'glrt-', '[0-9a-zA-Z_-]{20}', 'GitLab runner authentication token', { boundary: 'none' }),
  prefixedToken({
    id: 'gitlab-runner-authentication-token-routable', tag: TAG, keywords: ['glrt-'],
    token: String.raw`glrt-t\d_[0-9a-zA-Z_-]{27,300}\.[0-9a-z]{9}`, fixedPrefix: 8, minEntropy: 4,
    description: 'GitLab runner authentication token (routable format)',
  }),
  gl('gitlab-cicd-job-token', 'glcbt-', '[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}', 'GitLab CI/CD job token', { boundary: 'none' }),
  gl('gitlab-deploy-token', 'gldt-', '[0-9a-zA-Z_-]{20}', 'GitLab deploy token', { boundary: 'none' }),
  gl('gitlab-feature-flag-client-token', 'glffct-', '[0-9a-zA-Z_-]{20}', 'GitLab feature flag client token', { boundary: 'none' }),
  gl('gitlab-feed-token', 'glft-', '[0-9a-zA-Z_-]{20}', 'GitLab feed token', { boundary: 'none' }),
  gl('gitlab-incoming-mail-token', 'glimt-', '[0-9a-zA-Z_-]{25}', 'GitLab incoming mail token', { boundary: 'none' }),
  gl('gitlab-kubernetes-agent-token', 'glagent-', '[0-9a-zA-Z_-]{50}', 'GitLab Kubernetes agent token', { boundary: 'none' }),
  gl('gitlab-oauth-app-secret', 'gloas-', '[0-9a-zA-Z_-]{64}', 'GitLab OAuth application secret', { boundary: 'none' }),
  gl('gitlab-scim-token', 'glsoat-', '[0-9a-zA-Z_-]{20}', 'GitLab SCIM token', { boundary: 'none' }),
  gl('gitlab-session-cookie', '_gitlab_session=', '[0-9a-z]{32}', 'GitLab session cookie'),
];
