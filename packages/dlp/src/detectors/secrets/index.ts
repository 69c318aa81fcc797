/**
 * The secret detector set: every provider family's detectors in one list, for the scan engine's
 * default detector set. Rule ids follow gitleaks' kebab-case names so findings line up with
 * gitleaks reports; a rule with more than one shape is split into variant detectors named
 * `<rule>--<variant>`, and reports fold a variant into its rule (see `ruleOf`).
 */
import type { PatternDetector } from '../../types.ts';
import { aiDetectors } from './ai.ts';
import { atlassianDetectors } from './atlassian.ts';
import { awsDetectors } from './aws.ts';
import { azureDetectors } from './azure.ts';
import { cloudDetectors } from './cloud.ts';
import { curlDetectors } from './curl.ts';
import { databaseUrlDetectors } from './database-urls.ts';
import { devtoolsDetectors } from './devtools.ts';
import { gcpDetectors } from './gcp.ts';
import { genericDetectors } from './generic.ts';
import { githubDetectors } from './github.ts';
import { gitlabDetectors } from './gitlab.ts';
import { jwtDetectors } from './jwt.ts';
import { kubernetesDetectors } from './kubernetes.ts';
import { messagingDetectors } from './messaging.ts';
import { monitoringDetectors } from './monitoring.ts';
import { paymentsDetectors } from './payments.ts';
import { privateKeyDetectors } from './private-keys.ts';
import { saasDetectors } from './saas.ts';
import { slackDetectors } from './slack.ts';
import { socialDetectors } from './social.ts';

/** All secret detectors, specific formats first and the generic catch-alls last. */
export const secretDetectors: PatternDetector[] = [
  ...githubDetectors,
  ...gitlabDetectors,
  ...awsDetectors,
  ...gcpDetectors,
  ...azureDetectors,
  ...slackDetectors,
  ...paymentsDetectors,
  ...aiDetectors,
  ...atlassianDetectors,
  ...cloudDetectors,
  ...devtoolsDetectors,
  ...messagingDetectors,
  ...monitoringDetectors,
  ...saasDetectors,
  ...socialDetectors,
  ...privateKeyDetectors,
  ...jwtDetectors,
  ...databaseUrlDetectors,
  ...kubernetesDetectors,
  ...curlDetectors,
  ...genericDetectors,
];

/** The rule a detector id reports under: `atlassian-api-token--legacy` → `atlassian-api-token`. */
export function ruleOf(detectorId: string): string {
  const cut = detectorId.indexOf('--');
  return cut < 0 ? detectorId : detectorId.slice(0, cut);
}

/** Distinct rule ids covered by `secretDetectors`. */
export const secretRuleIds: ReadonlySet<string> = new Set(secretDetectors.map((d) => ruleOf(d.id)));
