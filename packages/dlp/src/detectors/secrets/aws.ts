/**
 * Amazon Web Services credentials. Access key ids are 20 characters: a 4-character type prefix
 * (`AKIA` long-term, `ASIA` STS temporary, `ABIA` STS bearer, `ACCA` context credential, and the
 * older `A3T?`) and 16 base32 characters (AWS IAM "Unique identifiers"). Secret access keys are 40
 * base64 characters with no prefix, so they are recognised only next to their usual names.
 * Bedrock API keys are `ABSK` + base64("BedrockAPIKey-…") (long-lived) and `bedrock-api-key-` +
 * base64 of a presigned `bedrock.amazonaws.com` URL (short-lived).
 */
import type { PatternDetector } from '../../types.ts';
import { TAIL_WINDOW, UUID, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.aws';

export const awsDetectors: PatternDetector[] = [
  prefixedToken({
    id: 'aws-access-token', tag: TAG, keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    token: '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}', fixedPrefix: 4, minEntropy: 3,
    context: ['aws', 'access', 'key', 'id'], description: 'AWS access key id',
  }),
  keyedSecret({
    id: 'aws-secret-access-key', tag: TAG,
    keywords: ['secret_access_key', 'secretaccesskey', 'aws_secret', 'secret-access-key', 'awssecret', 'aws_secret_key'],
    names: String.raw`aws[_.-]?secret(?:[_.-]?access)?[_.-]?key|secret[_.-]?access[_.-]?key`,
    value: '[A-Za-z0-9/+]{40}', minEntropy: 4, baseConfidence: 0.9,
    description: 'AWS secret access key next to its conventional name',
  }),
  keyedSecret({
    // every spelling of the names, so the keyword window around them holds every match
    id: 'aws-session-token', tag: TAG, keywords: ['session_token', 'session-token', 'session.token', 'sessiontoken', 'security_token', 'security-token', 'security.token', 'securitytoken'],
    names: String.raw`aws[_.-]?session[_.-]?token|sessiontoken|x-amz-security-token|aws[_.-]?security[_.-]?token`,
    value: '[A-Za-z0-9/+]{100,}={0,2}', minEntropy: 4.5, baseConfidence: 0.85, window: TAIL_WINDOW,
    description: 'AWS STS session token',
  }),
  prefixedToken({
    id: 'aws-mws-key', tag: TAG, keywords: ['amzn.mws.'], token: `amzn\\.mws\\.${UUID}`, fixedPrefix: 9,
    description: 'Amazon Marketplace Web Service auth token',
  }),
  prefixedToken({
    id: 'aws-amazon-bedrock-api-key-long-lived', tag: TAG, keywords: ['absk'],
    token: 'ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{80,300}={0,2}', boundary: 'delim', fixedPrefix: 22, minEntropy: 4,
    description: 'Amazon Bedrock long-lived API key',
  }),
  prefixedToken({
    id: 'aws-amazon-bedrock-api-key-short-lived', tag: TAG, keywords: ['bedrock-api-key-'],
    token: 'bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{40,}={0,2}', boundary: 'delim', fixedPrefix: 44,
    minEntropy: 4, window: TAIL_WINDOW, description: 'Amazon Bedrock short-lived API key (base64 presigned URL)',
  }),
];
