/**
 * GitHub tokens. Since April 2021 every GitHub token is `<prefix>_` followed by 30 random base62
 * characters and a 6-character base62 CRC32 of those 30 (github.blog, "Behind GitHub's new
 * authentication token formats"); the prefix names the token type. Fine-grained PATs are
 * `github_pat_` + 22 + `_` + 59 characters. A valid checksum raises confidence; a bad one only
 * lowers it, because hand-made and truncated copies of real tokens still deserve a look.
 */
import type { PatternDetector } from '../../types.ts';
import { hasValidBase62Crc, prefixedToken } from './util.ts';

const TAG = 'secret.github';

/** Confidence from the embedded CRC32: 0.99 when it checks out, 0.8 otherwise. */
function checksumConfidence(value: string): number {
  const body = value.slice(value.indexOf('_') + 1);
  return hasValidBase62Crc(body) ? 0.99 : 0.8;
}

function classic(id: string, prefix: string, what: string): PatternDetector {
  return prefixedToken({
    id, tag: TAG, keywords: [`${prefix}_`], token: `${prefix}_[0-9a-zA-Z]{36}`, fixedPrefix: 4,
    minEntropy: 3, validate: checksumConfidence, description: `GitHub ${what}`,
  });
}

export const githubDetectors: PatternDetector[] = [
  classic('github-pat', 'ghp', 'classic personal access token'),
  classic('github-oauth', 'gho', 'OAuth access token'),
  classic('github-refresh-token', 'ghr', 'refresh token'),
  prefixedToken({
    id: 'github-app-token', tag: TAG, keywords: ['ghu_', 'ghs_'], token: '(?:ghu|ghs)_[0-9a-zA-Z]{36}',
    fixedPrefix: 4, minEntropy: 3, validate: checksumConfidence,
    description: 'GitHub App user-to-server (ghu_) or server-to-server (ghs_) token',
  }),
  prefixedToken({
    id: 'github-fine-grained-pat', tag: TAG, keywords: ['github_pat_'], token: 'github_pat_[0-9a-zA-Z_]{82}',
    fixedPrefix: 11, minEntropy: 3, description: 'GitHub fine-grained personal access token',
  }),
];
