/**
 * Generic credentials: a value assigned to a name that *ends* in a secret noun (`API_KEY = …`,
 * `"clientSecret": …`, `authToken := …`, `<key>API_KEY</key><string>…`), gated by entropy and by
 * a shape test that rejects identifiers, paths, URLs and placeholders; passwords with a lower
 * entropy bar; and bearer/basic credentials in HTTP Authorization headers.
 *
 * Requiring the noun at the end of the name is what keeps `key_id`, `token_url`, `keyboard`,
 * `credentialsId` and `api_version` out without look-ahead (which RE2 lacks).
 */
import type { PatternDetector } from '../../types.ts';
import { shannonEntropy } from '../../validators/entropy.ts';
import { TAIL_WINDOW, isGenericPlaceholder } from './util.ts';

const TAG = 'secret.generic';

/** Name tail: the last word of the variable or key names a secret. */
const SECRET_NOUN = String.raw`(?:secret|token|passw(?:or)?d|passphrase|credentials?|creds|api[_.-]?key|apikey|private[_.-]?key|access[_.-]?key|secret[_.-]?key|auth[_.-]?key|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|key|auth)`;
/** Optional qualifiers after the noun: `_VALUE`, `_B64`, `2`. */
const NOUN_SUFFIX = String.raw`(?:[_.-]?(?:value|str|b64|base64|enc|[0-9]{1,4}))?`;
/** Between name and value: closing quote, an optional type word, the operator, an opening quote.
 *  A comma counts only after a quoted name (`setProperty("API_TOKEN", "…")`), not in prose or
 *  option lists (`type=secret,id=…`). */
const OPERATOR = String.raw`(?:['"][ \t]{0,3},|['"]?(?:[ \t]{1,3}(?:string|str|String|const|final))?[ \t]{0,3}(?:=|:=|::=|:::=|:|=>|\?=|\.=|\+=|\|\||>|</key>\s{0,10}<string>))[ \t]{0,3}[\x60'"]?`;
const END = String.raw`(?:[\x60'"\s;,)}\]<>&|]|\\[nrt]|$)`;

/** Dotted member paths (`config.apiToken`, `os.environ.get`) are references, not values. */
const MEMBER_PATH = /^[A-Za-z_$][\w$]{0,40}(?:\.[A-Za-z_$][\w$]{0,40}){1,6}$/;

/**
 * True for a run of letters that reads as generated rather than written. Identifiers in any case
 * style keep capitals to word starts (under 30% of letters in `getUserAccountSettings`,
 * `XMLHttpRequestTarget`) and repeat common letters; random letters are about half capitals with
 * close to log2(52) bits per character. All-capital constants stay identifiers.
 */
export function looksLikeRandomLetters(value: string): boolean {
  if (value.length < 20 || !/^[A-Za-z]+$/.test(value)) return false;
  let upper = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 97) upper++;
  const share = upper / value.length;
  return share >= 0.3 && share <= 0.85 && shannonEntropy(value) >= 4;
}

/** Shape test shared by the generic rules: false for identifiers, paths, URLs, numbers, words. */
export function plausibleSecretValue(value: string): boolean {
  // identifiers and words (gitleaks' allow-list rule), but not letters that read as random
  if (/^[A-Za-z_.-]+$/.test(value) && !looksLikeRandomLetters(value)) return false;
  if (/^[0-9.,:-]+$/.test(value)) return false; // numbers, versions, dates, times
  if (MEMBER_PATH.test(value) && !/[0-9]/.test(value)) return false;
  if (value.includes('://') || /^[./~]/.test(value)) return false; // URLs and file paths
  if (/^(?:true|false|null|none|nil|undefined)$/i.test(value)) return false;
  if (/[-_.@]v?[0-9]{1,4}(?:\.[0-9]{1,4}){1,3}$/.test(value)) return false; // name-1.2.3: package coordinates
  if (/^(?:[A-Za-z]+|[0-9]{1,3})(?:[_.-](?:[A-Za-z]+|[0-9]{1,3})){1,8}$/.test(value)) return false; // DOC_Vector_5_32: words and small numbers
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) && /id|uuid/i.test(value)) return false;
  return true;
}

export const genericDetectors: PatternDetector[] = [
  {
    id: 'generic-api-key', entity: 'SECRET', kind: 'secret', tag: TAG,
    keywords: ['secret', 'token', 'passw', 'passphrase', 'credential', 'creds', 'key', 'auth'],
    pattern: new RegExp(`${SECRET_NOUN}${NOUN_SUFFIX}${OPERATOR}([\\w.=+/~@!$%*#?^-]{10,150})${END}`, 'gi'),
    group: 1, baseConfidence: 0.7, minEntropy: 3.5,
    validate: (v) => plausibleSecretValue(v) && (/[0-9]/.test(v) || /[^A-Za-z0-9]/.test(v.replace(/[_-]/g, '')) || (v.length >= 16 && /[a-z]/.test(v) && /[A-Z]/.test(v))),
    isTestValue: isGenericPlaceholder,
    description: 'High-entropy value assigned to a key, token, secret or password',
  },
  {
    id: 'generic-password', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['passw', 'pwd', 'passphrase'],
    pattern: new RegExp(String.raw`(?:passw(?:or)?d|pwd|passphrase)${NOUN_SUFFIX}${OPERATOR}([^\s'"\x60;,<>(){}\[\]]{6,128})${END}`, 'gi'),
    group: 1, baseConfidence: 0.65, minEntropy: 2.5,
    // A password mixes character classes; a single class is a word, a number or a reference.
    validate: (v) => {
      if (!plausibleSecretValue(v)) return false;
      const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(v)).length;
      return classes >= 2 && shannonEntropy(v) >= 2.5;
    },
    isTestValue: (v) => isGenericPlaceholder(v) || /^(?:pass(?:word)?|secret|admin|root|test|changeit)[0-9!@#$]*$/i.test(v),
    description: 'Password assigned in source or configuration',
  },
  {
    id: 'http-bearer-token', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['bearer'],
    pattern: /\b[Bb]earer[ \t]{1,3}([A-Za-z0-9._~+/-]{20,}={0,2})(?:[^A-Za-z0-9._~+/=-]|$)/g,
    group: 1, baseConfidence: 0.8, minEntropy: 3.5, window: TAIL_WINDOW,
    validate: (v) => /[0-9]/.test(v) && /[A-Za-z]/.test(v),
    isTestValue: isGenericPlaceholder,
    description: 'Bearer token in an HTTP Authorization header',
  },
  {
    id: 'http-basic-auth', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['basic'],
    pattern: /\bAuthorization["']?[ \t]{0,3}[:=][ \t]{0,3}["']?Basic[ \t]{1,3}([A-Za-z0-9+/]{8,400}={0,2})/gi,
    group: 1, baseConfidence: 0.85, minEntropy: 2.5,
    validate: (v) => {
      const decoded = Buffer.from(v, 'base64').toString('latin1');
      return /^[\x20-\x7e]{1,200}:[\x20-\x7e]{1,200}$/.test(decoded);
    },
    isTestValue: (v) => {
      const [user = '', pass = ''] = Buffer.from(v, 'base64').toString('latin1').split(':');
      return isGenericPlaceholder(pass) || /^(?:pass(?:word)?|secret|user|admin|test)$/i.test(pass) || pass === user;
    },
    description: 'Basic credentials in an HTTP Authorization header',
  },
];
