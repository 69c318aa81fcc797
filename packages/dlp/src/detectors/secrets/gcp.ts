/**
 * Google Cloud and Google API credentials: API keys (`AIza` + 35 URL-safe base64 characters),
 * OAuth client secrets (`GOCSPX-` + 28), OAuth access tokens (`ya29.`), refresh tokens (`1//0`),
 * Firebase Cloud Messaging server keys (`AAAA…:APA91b…`) and the `private_key_id` of a service
 * account key file (its `private_key` PEM block is caught by the private-key rule).
 */
import type { PatternDetector } from '../../types.ts';
import { keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.gcp';

export const gcpDetectors: PatternDetector[] = [
  prefixedToken({
    id: 'gcp-api-key', tag: TAG, keywords: ['aiza'], token: 'AIza[0-9A-Za-z_-]{35}', boundary: 'delim', fixedPrefix: 4,
    minEntropy: 3.5, description: 'Google API key',
  }),
  prefixedToken({
    id: 'gcp-oauth-client-secret', tag: TAG, keywords: ['gocspx-'], token: 'GOCSPX-[0-9A-Za-z_-]{28}', boundary: 'delim',
    fixedPrefix: 7, minEntropy: 3.5, description: 'Google OAuth client secret',
  }),
  prefixedToken({
    id: 'gcp-oauth-access-token', tag: TAG, keywords: ['ya29.'], token: String.raw`ya29\.[0-9A-Za-z_-]{30,1000}`, boundary: 'delim',
    fixedPrefix: 5, minEntropy: 4, description: 'Google OAuth 2.0 access token',
  }),
  prefixedToken({
    id: 'gcp-oauth-refresh-token', tag: TAG, keywords: ['1//0'], token: '1//0[0-9A-Za-z_-]{40,512}', boundary: 'delim',
    fixedPrefix: 4, minEntropy: 4, baseConfidence: 0.8, description: 'Google OAuth 2.0 refresh token',
  }),
  prefixedToken({
    id: 'firebase-fcm-server-key', tag: TAG, keywords: ['apa91b'], token: 'AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}',
    boundary: 'delim', fixedPrefix: 4, minEntropy: 4, description: 'Firebase Cloud Messaging legacy server key',
  }),
  keyedSecret({
    id: 'gcp-service-account-key-id', tag: TAG, keywords: ['private_key_id'], names: 'private_key_id',
    value: '[a-f0-9]{40}', minEntropy: 3, baseConfidence: 0.8, context: ['service_account', 'client_email'],
    description: 'private_key_id of a Google service account key file',
  }),
];
