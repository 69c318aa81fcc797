/**
 * Developer tooling: package registries (npm `npm_` with CRC32, PyPI macaroons
 * `pypi-AgEIcHlwaS5vcmc…` = base64 of "pypi.org", RubyGems `rubygems_`, Clojars `CLOJARS_`,
 * NuGet config passwords, JFrog/Artifactory `AKCp`/`cmVmd` and name-labelled keys), CI/CD and
 * code services (SonarQube `sq[apu]_`, Snyk, Codecov, Travis, Drone, CircleCI `CCIPAT_`,
 * Buildkite `bkua_`, Harness `pat.`/`sat.`, Docker Hub `dckr_pat_`, Sourcegraph `sgp_`,
 * Postman `PMAK-`, Prefect `pnu_`, Pulumi `pul-`, ReadMe `rdme_`, Infracost `ico-`, Octopus
 * `API-`), HashiCorp (Terraform `.atlasv1.`, Vault `hvs.`/`hvb.`/`hvr.`), Doppler `dp.*.`,
 * 1Password (`A3-` secret keys, `ops_eyJ` service-account tokens), Linear `lin_api_`, Frame.io
 * `fio-u-`, SettleMint `sm_*_`, Defined Networking `dnkey-`, Authress access keys.
 */
import type { PatternDetector } from '../../types.ts';
import { TAIL_WINDOW, hasValidBase62Crc, isPlaceholder, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.devtools';

export const devtoolsDetectors: PatternDetector[] = [
  prefixedToken({
    id: 'npm-access-token', tag: 'secret.npm', keywords: ['npm_'], token: 'npm_[a-zA-Z0-9]{36}', fixedPrefix: 4, minEntropy: 2,
    validate: (v) => (hasValidBase62Crc(v.slice(4)) ? 0.99 : 0.8), description: 'npm access token',
  }),
  prefixedToken({
    id: 'pypi-upload-token', tag: 'secret.pypi', keywords: ['pypi-ageichlwas5vcmc'], token: 'pypi-AgEIcHlwaS5vcmc[\\w-]{50,1000}',
    boundary: 'delim', fixedPrefix: 19, minEntropy: 3, description: 'PyPI upload token',
  }),
  prefixedToken({ id: 'rubygems-api-token', tag: TAG, keywords: ['rubygems_'], token: 'rubygems_[a-f0-9]{48}', fixedPrefix: 9, minEntropy: 2, description: 'RubyGems API key' }),
  prefixedToken({ id: 'clojars-api-token', tag: TAG, keywords: ['clojars_'], token: 'CLOJARS_[a-z0-9]{60}', flags: 'gi', fixedPrefix: 8, minEntropy: 2, description: 'Clojars deploy token' }),
  {
    id: 'nuget-config-password', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['<add key='],
    pattern: /<add key="(?:ClearText)?Password"\s{0,10}value="([^"\n]{8,200})"\s{0,10}\/>/gi,
    group: 1, baseConfidence: 0.85, minEntropy: 1, isTestValue: (v) => isPlaceholder(v) || /^%\S.*%$/.test(v),
    description: 'Password in a NuGet.config packageSourceCredentials entry',
  },
  prefixedToken({ id: 'artifactory-api-key', tag: 'secret.jfrog', keywords: ['akcp'], token: 'AKCp[A-Za-z0-9]{69}', fixedPrefix: 4, minEntropy: 4.5, description: 'JFrog Artifactory API key' }),
  prefixedToken({ id: 'artifactory-reference-token', tag: 'secret.jfrog', keywords: ['cmvmd'], token: 'cmVmd[A-Za-z0-9]{59}', fixedPrefix: 5, minEntropy: 4.5, description: 'JFrog Artifactory reference token' }),
  keyedSecret({ id: 'jfrog-api-key', tag: 'secret.jfrog', keywords: ['jfrog', 'artifactory', 'bintray', 'xray'], names: 'jfrog|artifactory|bintray|xray', value: '[a-z0-9]{73}', minEntropy: 3.5, description: 'JFrog API key' }),
  keyedSecret({ id: 'jfrog-identity-token', tag: 'secret.jfrog', keywords: ['jfrog', 'artifactory', 'bintray', 'xray'], names: 'jfrog|artifactory|bintray|xray', value: '[a-z0-9]{64}', minEntropy: 3.5, description: 'JFrog identity token' }),
  keyedSecret({ id: 'sonar-api-token', tag: TAG, keywords: ['sonar'], names: 'sonar[_.-]?(?:login|token)', value: '(?:sq[apu]_)?[a-z0-9=_-]{40}', fixedPrefix: /^sq[apu]_/i, minEntropy: 3, description: 'SonarQube / SonarCloud token' }),
  prefixedToken({ id: 'sonarqube-token', tag: TAG, keywords: ['sqp_', 'squ_', 'sqa_'], token: 'sq[apu]_[a-f0-9]{40}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, description: 'SonarQube project, user or analysis token' }),
  keyedSecret({
    id: 'snyk-api-token', tag: TAG, keywords: ['snyk'], names: 'snyk[_.-]?(?:(?:api|oauth)[_.-]?)?(?:key|token)',
    value: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', minEntropy: 2.5, description: 'Snyk API token',
  }),
  keyedSecret({ id: 'codecov-access-token', tag: TAG, keywords: ['codecov'], names: 'codecov', value: '[a-z0-9]{32}', minEntropy: 3, description: 'Codecov upload token' }),
  keyedSecret({ id: 'travisci-access-token', tag: TAG, keywords: ['travis'], names: 'travis', value: '[a-z0-9]{22}', minEntropy: 3, description: 'Travis CI access token' }),
  keyedSecret({ id: 'droneci-access-token', tag: TAG, keywords: ['droneci', 'drone_token', 'drone-token'], names: 'drone[_-]?(?:ci)?', value: '[a-z0-9]{32}', minEntropy: 3, description: 'Drone CI access token' }),
  prefixedToken({ id: 'circleci-personal-token', tag: TAG, keywords: ['ccipat_'], token: 'CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}', fixedPrefix: 7, minEntropy: 3.5, description: 'CircleCI personal API token' }),
  prefixedToken({ id: 'buildkite-api-token', tag: TAG, keywords: ['bkua_'], token: 'bkua_[a-f0-9]{40}', fixedPrefix: 5, minEntropy: 3, description: 'Buildkite user API token' }),
  prefixedToken({ id: 'harness-api-key', tag: TAG, keywords: ['pat.', 'sat.'], token: '(?:pat|sat)\\.[a-zA-Z0-9_-]{22}\\.[a-zA-Z0-9]{24}\\.[a-zA-Z0-9]{20}', fixedPrefix: 4, minEntropy: 3.5, description: 'Harness personal or service account token' }),
  prefixedToken({ id: 'dockerhub-pat', tag: TAG, keywords: ['dckr_pat_', 'dckr_oat_'], token: 'dckr_(?:pat|oat)_[a-zA-Z0-9_-]{27}', boundary: 'delim', fixedPrefix: 9, minEntropy: 3.5, description: 'Docker Hub access token' }),
  prefixedToken({
    id: 'sourcegraph-access-token', tag: TAG, keywords: ['sgp_'], token: 'sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}',
    fixedPrefix: /^sgp_(?:[a-fA-F0-9]{16}_|local_)?/, minEntropy: 3, description: 'Sourcegraph access token',
  }),
  keyedSecret({ id: 'sourcegraph-access-token--keyed', tag: TAG, keywords: ['sourcegraph'], names: 'sourcegraph', value: '[a-f0-9]{40}', minEntropy: 3, description: 'Sourcegraph access token (legacy, by name)' }),
  prefixedToken({ id: 'postman-api-token', tag: TAG, keywords: ['pmak-'], token: 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}', flags: 'gi', fixedPrefix: 5, minEntropy: 3, description: 'Postman API key' }),
  prefixedToken({ id: 'prefect-api-token', tag: TAG, keywords: ['pnu_'], token: 'pnu_[a-zA-Z0-9]{36}', fixedPrefix: 4, minEntropy: 2, description: 'Prefect API key' }),
  prefixedToken({ id: 'pulumi-api-token', tag: TAG, keywords: ['pul-'], token: 'pul-[a-f0-9]{40}', boundary: 'delim', fixedPrefix: 4, minEntropy: 2, description: 'Pulumi access token' }),
  prefixedToken({ id: 'readme-api-token', tag: TAG, keywords: ['rdme_'], token: 'rdme_[a-z0-9]{70}', fixedPrefix: 5, minEntropy: 2, description: 'ReadMe API key' }),
  prefixedToken({ id: 'infracost-api-token', tag: TAG, keywords: ['ico-'], token: 'ico-[a-zA-Z0-9]{32}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, description: 'Infracost API key' }),
  prefixedToken({ id: 'octopus-deploy-api-key', tag: TAG, keywords: ['api-'], token: 'API-[A-Z0-9]{26}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, description: 'Octopus Deploy API key' }),
  prefixedToken({
    id: 'hashicorp-tf-api-token', tag: 'secret.hashicorp', keywords: ['atlasv1'], token: '[a-zA-Z0-9]{14}\\.atlasv1\\.[a-zA-Z0-9_=-]{60,70}',
    boundary: 'delim', minEntropy: 3.5, description: 'Terraform Cloud / Enterprise API token',
  }),
  {
    id: 'hashicorp-tf-password', entity: 'SECRET', kind: 'secret', tag: 'secret.hashicorp', keywords: ['password'],
    // HCL attribute syntax: `administrator_login_password = "…"` (gitleaks limits this rule to .tf/.hcl files).
    pattern: /\b(?:administrator_login_password|admin_password|password)[ \t]{0,30}=[ \t]{0,5}"([a-z0-9=_-]{8,20})"/gi,
    group: 1, baseConfidence: 0.6, minEntropy: 2, isTestValue: isPlaceholder,
    description: 'Password attribute in Terraform / HCL',
  },
  prefixedToken({
    id: 'vault-service-token', tag: 'secret.hashicorp', keywords: ['hvs.', 's.'], token: '(?:hvs\\.[\\w-]{90,120}|s\\.[a-zA-Z0-9]{24})',
    boundary: 'delim', fixedPrefix: /^(?:hvs|s)\./, minEntropy: 3.5, validate: (v) => v.startsWith('hvs.') || (/[0-9]/.test(v) && /[a-z]/.test(v) && /[A-Z]/.test(v)),
    description: 'HashiCorp Vault service token',
  }),
  prefixedToken({ id: 'vault-batch-token', tag: 'secret.hashicorp', keywords: ['hvb.'], token: 'hvb\\.[\\w-]{138,300}', boundary: 'delim', fixedPrefix: 4, minEntropy: 4, description: 'HashiCorp Vault batch token' }),
  prefixedToken({ id: 'vault-recovery-token', tag: 'secret.hashicorp', keywords: ['hvr.'], token: 'hvr\\.[\\w-]{90,120}', boundary: 'delim', fixedPrefix: 4, minEntropy: 4, description: 'HashiCorp Vault recovery token' }),
  prefixedToken({
    id: 'doppler-api-token', tag: TAG, keywords: ['dp.pt.', 'dp.st.', 'dp.ct.', 'dp.sa.', 'dp.scim.', 'dp.audit.'],
    token: 'dp\\.(?:pt|st|ct|sa|scim|audit)\\.[a-zA-Z0-9_]{40,44}', fixedPrefix: /^dp\.\w+\./, minEntropy: 2, flags: 'gi',
    description: 'Doppler personal, service, CLI, service-account, SCIM or audit token',
  }),
  prefixedToken({
    id: '1password-secret-key', tag: 'secret.1password', keywords: ['a3-'], minEntropy: 3.8, fixedPrefix: 3,
    token: 'A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}',
    description: '1Password account secret key',
  }),
  prefixedToken({
    id: '1password-service-account-token', tag: 'secret.1password', keywords: ['ops_'], token: 'ops_eyJ[a-zA-Z0-9+/]{250,}={0,3}',
    boundary: 'delim', fixedPrefix: 4, minEntropy: 4, window: TAIL_WINDOW, description: '1Password service account token',
  }),
  prefixedToken({ id: 'linear-api-key', tag: TAG, keywords: ['lin_api_'], token: 'lin_api_[a-zA-Z0-9]{40}', fixedPrefix: 8, minEntropy: 2, description: 'Linear personal API key' }),
  prefixedToken({ id: 'linear-oauth-token', tag: TAG, keywords: ['lin_oauth_'], token: 'lin_oauth_[a-f0-9]{64}', fixedPrefix: 10, minEntropy: 3, description: 'Linear OAuth access token' }),
  keyedSecret({ id: 'linear-client-secret', tag: TAG, keywords: ['linear'], names: 'linear', value: '[a-f0-9]{32}', minEntropy: 2, description: 'Linear OAuth client secret' }),
  prefixedToken({ id: 'frameio-api-token', tag: TAG, keywords: ['fio-u-'], token: 'fio-u-[a-zA-Z0-9_=-]{64}', boundary: 'delim', fixedPrefix: 6, minEntropy: 3, description: 'Frame.io API token' }),
  prefixedToken({ id: 'settlemint-application-access-token', tag: TAG, keywords: ['sm_aat_'], token: 'sm_aat_[a-zA-Z0-9]{16}', fixedPrefix: 7, minEntropy: 3, description: 'SettleMint application access token' }),
  prefixedToken({ id: 'settlemint-personal-access-token', tag: TAG, keywords: ['sm_pat_'], token: 'sm_pat_[a-zA-Z0-9]{16}', fixedPrefix: 7, minEntropy: 3, description: 'SettleMint personal access token' }),
  prefixedToken({ id: 'settlemint-service-access-token', tag: TAG, keywords: ['sm_sat_'], token: 'sm_sat_[a-zA-Z0-9]{16}', fixedPrefix: 7, minEntropy: 3, description: 'SettleMint service access token' }),
  prefixedToken({
    id: 'defined-networking-api-token', tag: TAG, keywords: ['dnkey-'], token: 'dnkey-[a-zA-Z0-9=_-]{26}-[a-zA-Z0-9=_-]{52}',
    boundary: 'delim', fixedPrefix: 6, minEntropy: 3, description: 'Defined Networking (Nebula) API token',
  }),
  prefixedToken({
    id: 'authress-service-client-access-key', tag: TAG, keywords: ['sc_', 'ext_', 'scauth_', 'authress_'], boundary: 'delim', minEntropy: 2,
    token: '(?:sc|ext|scauth|authress)_[a-zA-Z0-9]{5,30}\\.[a-zA-Z0-9]{4,6}\\.acc[_-][a-zA-Z0-9-]{10,32}\\.[a-zA-Z0-9+/_=-]{30,120}',
    description: 'Authress service client access key',
  }),
  prefixedToken({
    id: 'age-secret-key', tag: TAG, keywords: ['age-secret-key-1'], token: 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
    fixedPrefix: 16, description: 'age encryption secret key (bech32)',
  }),
  prefixedToken({ id: 'contentful-personal-access-token', tag: TAG, keywords: ['cfpat-'], token: 'CFPAT-[a-zA-Z0-9_-]{43}', boundary: 'delim', fixedPrefix: 6, minEntropy: 3.5, description: 'Contentful personal access token' }),
  prefixedToken({ id: 'launchdarkly-api-token', tag: TAG, keywords: ['api-'], token: 'api-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, baseConfidence: 0.7, description: 'LaunchDarkly API access token' }),
  keyedSecret({ id: 'cisco-meraki-api-key', tag: TAG, keywords: ['meraki'], names: '[Mm]eraki|MERAKI', caseSensitive: true, value: '[0-9a-f]{40}', minEntropy: 3, description: 'Cisco Meraki Dashboard API key' }),
  keyedSecret({ id: 'confluent-access-token', tag: TAG, keywords: ['confluent'], names: 'confluent', value: '[a-z0-9]{16}', minEntropy: 3, description: 'Confluent Cloud API key' }),
  keyedSecret({ id: 'confluent-secret-key', tag: TAG, keywords: ['confluent'], names: 'confluent', value: '[a-z0-9]{64}', minEntropy: 3, description: 'Confluent Cloud API secret' }),
  prefixedToken({ id: 'intra42-client-secret', tag: TAG, keywords: ['s-s4t2ud-', 's-s4t2af-'], token: 's-s4t2(?:ud|af)-[a-fA-F0-9]{64}', fixedPrefix: 9, minEntropy: 3, description: '42 School Intra API client secret' }),
  keyedSecret({ id: 'launchdarkly-access-token', tag: TAG, keywords: ['launchdarkly'], names: 'launchdarkly', value: '[a-z0-9=_-]{40}', minEntropy: 3, description: 'LaunchDarkly access token' }),
];
