/**
 * Credentials on curl command lines: `-H "Authorization: Bearer …"` / `-H 'X-Api-Key: …'`
 * headers and `-u user:password` basic auth. The keyword `curl` gates both rules; the patterns
 * themselves match the option, so a wrapped (`\`-continued) command line is still found.
 */
import type { PatternDetector } from '../../types.ts';
import { isPlaceholder } from './util.ts';

const TAG = 'secret.generic';

/** Placeholder passwords in `-u user:pass` examples. */
function curlUserPlaceholder(value: string): boolean {
  const bare = value.replace(/["']/g, '');
  const i = bare.indexOf(':');
  const user = bare.slice(0, i);
  const pass = bare.slice(i + 1);
  if (isPlaceholder(value) || /^<[^>]*>$/.test(value)) return true;
  if (pass.length === 0) return user.length < 8 || isPlaceholder(user);
  if (/^(?:change(?:it|me)|pass(?:word)?|pwd|test|token|secret|\*+|x+)$/i.test(pass)) return true;
  if (/^\$|^<.*>$|^\[.*\]$|^\{\{/.test(pass) || /^\$|^<.*>$/.test(user)) return true;
  return isPlaceholder(pass);
}

export const curlDetectors: PatternDetector[] = [
  {
    id: 'curl-auth-header', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['curl'],
    pattern: /(?:^|\s)(?:-H|--header)(?:=|[ \t]{1,5})["'](?:Authorization:[ \t]{0,5}(?:(?:Basic|Bearer|Token|Api-Token|Bot)[ \t]{1,3})?|(?:X-(?:[A-Za-z]{1,20}-)?)?(?:Api-?)?(?:Key|Token):[ \t]{0,5})([\w=~@.+/-]{8,500})["']/gi,
    group: 1, baseConfidence: 0.8, minEntropy: 2.75, isTestValue: isPlaceholder,
    description: 'Authorization or API-key header on a curl command line',
  },
  {
    id: 'curl-auth-user', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['curl'],
    // `user:pass`, `:pass`, `user:` (curl then prompts) and `"user":"pass"` quoted separately.
    pattern: /(?:^|\s)(?:-u|--user)(?:=|[ \t]{1,5})("[^\s":]{0,100}:[^\s"]{0,200}"|'[^\s':]{0,100}:[^\s']{0,200}'|(?:"[^\s"':]{0,100}"|'[^\s"':]{0,100}'|[^\s"':]{0,100}):(?:"[^\s"']{0,200}"|'[^\s"']{0,200}'|[^\s"']{0,200}))(?:\s|$)/g,
    group: 1, baseConfidence: 0.8, minEntropy: 2, isTestValue: curlUserPlaceholder,
    description: 'user:password passed to curl -u',
  },
];
