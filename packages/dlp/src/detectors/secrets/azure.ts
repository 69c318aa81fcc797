/**
 * Microsoft Azure credentials. Entra ID (Azure AD) client secrets carry `Q~` at position 5
 * (3 characters, a digit, `Q~`, then 31–34); storage account keys are 64 random bytes in base64
 * (88 characters ending `==`) and appear as `AccountKey=` in connection strings; Service Bus and
 * Event Hubs use `SharedAccessKey=` (32 bytes, 44 characters); SAS URLs end in `sig=`; Azure
 * DevOps PATs are 52 base32 characters (legacy) or 84 characters containing `AZDO`.
 */
import type { PatternDetector } from '../../types.ts';
import { isPlaceholder, keyedSecret } from './util.ts';

const TAG = 'secret.azure';

export const azureDetectors: PatternDetector[] = [
  {
    id: 'azure-ad-client-secret', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['q~'],
    // Starts after a separator (no look-behind in RE2), so the value is capture group 1.
    pattern: /(?:^|[\\'"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'"\x60\s<),])/g,
    group: 1, baseConfidence: 0.85, minEntropy: 3,
    isTestValue: isPlaceholder,
    description: 'Microsoft Entra ID (Azure AD) application client secret',
  },
  {
    id: 'azure-storage-account-key', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['accountkey='],
    // Anchored on the literal `AccountKey=` of a connection string so the scan jumps between hits.
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/gi,
    group: 1, baseConfidence: 0.9, minEntropy: 4.5, isTestValue: isPlaceholder,
    description: 'Azure storage account key (88-character base64) in a connection string',
  },
  keyedSecret({
    id: 'azure-storage-key', tag: TAG, keywords: ['storage', 'accountkey', 'account_key'],
    names: String.raw`(?:azure|storage)[_.-]?(?:account)?[_.-]?(?:access)?[_.-]?key|accountkey`,
    value: '[A-Za-z0-9+/]{86}==', minEntropy: 4.5, baseConfidence: 0.9,
    description: 'Azure storage account key assigned to a storage-key name',
  }),
  keyedSecret({
    id: 'azure-shared-access-key', tag: TAG, keywords: ['sharedaccesskey'], names: 'sharedaccesskey',
    value: '[A-Za-z0-9+/]{42,43}=', minEntropy: 4, baseConfidence: 0.9,
    description: 'Azure Service Bus / Event Hubs / IoT Hub shared access key',
  }),
  {
    id: 'azure-sas-token', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['sig='],
    pattern: /\bsv=20\d\d-\d\d-\d\d&[\w=&%:.,-]{0,300}?\bsig=([A-Za-z0-9%+/]{40,100})/g,
    group: 1, baseConfidence: 0.85, minEntropy: 3.5, isTestValue: isPlaceholder,
    description: 'Azure shared access signature (sig= of a SAS URL or token)',
  },
  keyedSecret({
    id: 'azure-devops-pat', tag: TAG, keywords: ['devops', 'vsts', 'azdo', 'ado_'],
    names: String.raw`azure[_.-]?devops|devops|vsts|azdo|ado_(?:pat|token)`,
    value: '[a-z2-7]{52}|[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}', minEntropy: 3.5,
    description: 'Azure DevOps personal access token',
  }),
  keyedSecret({
    id: 'azure-app-configuration-secret', tag: TAG, keywords: ['azconfig.io'], names: String.raw`azconfig\.io;Id=[\w-]{1,40};Secret`,
    value: '[A-Za-z0-9+/]{40,50}={0,2}', minEntropy: 4, baseConfidence: 0.9,
    description: 'Azure App Configuration connection string secret',
  }),
];
