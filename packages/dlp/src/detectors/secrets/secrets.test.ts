/**
 * Behaviour of the secret detector set: its shape (≥150 unique rule ids, lower-case keywords,
 * RE2-compatible linear patterns), one constructed token per provider family found under the
 * right rule id, placeholders not reported as live secrets, and hostile inputs that complete.
 * Tokens are built from the documented formats with seeded random characters — never real ones.
 */
import { describe, expect, it } from 'vitest';
import RE2 from 're2';
import type { Finding, PatternDetector } from '../../types.ts';
import { scan } from '../../scan.ts';
import { secretDetectors, secretRuleIds, ruleOf } from './index.ts';
import { shannonEntropy } from '../../validators/entropy.ts';
import { expectLinear, growth, MAX_RATIO_OVERALL } from '../../test-support.ts';
import { base62, crc32, hasValidBase62Crc, isGenericPlaceholder, isPatterned, isPlaceholder } from './util.ts';

// Deterministic PRNG (mulberry32) so failures reproduce.
let seed = 0x5eed;
function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function r(n: number, alphabet = ALNUM): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
}
const uuid = () => `${r(8, HEX)}-${r(4, HEX)}-${r(4, HEX)}-${r(4, HEX)}-${r(12, HEX)}`;
const b64url = (s: string) => Buffer.from(s).toString('base64url');

function live(text: string): Finding[] {
  return scan(text, { detectors: secretDetectors });
}
function rulesIn(text: string): string[] {
  return live(text).map((f) => ruleOf(f.rule ?? f.detector));
}

describe('secret detector set', () => {
  it('has at least 150 rules with unique kebab-case ids', () => {
    const ids = secretDetectors.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(secretRuleIds.size).toBeGreaterThanOrEqual(150);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]+(?:-[0-9a-z]+)*(?:--[0-9a-z-]+)?$/);
  });

  it('declares SECRET findings with a tag and lower-case keywords', () => {
    for (const d of secretDetectors) {
      expect(d.entity).toBe('SECRET');
      expect(d.kind).toBe('secret');
      expect(d.tag).toMatch(/^secret\./);
      expect(d.keywords.length).toBeGreaterThan(0);
      for (const k of d.keywords) expect(k).toBe(k.toLowerCase());
      expect(d.pattern.flags).toContain('g');
    }
  });

  it('uses patterns RE2 accepts (no look-around or back-references) and no quantified quantifiers', () => {
    for (const d of secretDetectors) {
      expect(() => new RE2(d.pattern), d.id).not.toThrow();
      // A group that contains a quantifier must not itself be repeated by + * or {n,m} (m > 1).
      expect(nestedQuantifier(d.pattern.source), d.id).toBe(false);
    }
  });
});

/** True when a parenthesised group containing a quantifier is followed by +, * or {n,m}. */
function nestedQuantifier(source: string): boolean {
  const stack: Array<{ quantified: boolean }> = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') { i++; continue; }
    if (c === '[') { // skip a character class
      i++;
      while (i < source.length && source[i] !== ']') { if (source[i] === '\\') i++; i++; }
      continue;
    }
    if (c === '(') { stack.push({ quantified: false }); continue; }
    if (c === ')') {
      const g = stack.pop();
      const next = source.slice(i + 1);
      const rep = /^(?:[+*]|\{\d+,(?:\d*)\})/.exec(next);
      const bigRep = rep !== null && !/^\{\d+,1\}/.test(rep[0]);
      if (g?.quantified && bigRep) return true;
      if (stack.length > 0 && (g?.quantified || /^[+*?{]/.test(next))) stack[stack.length - 1]!.quantified = true;
      continue;
    }
    if ((c === '+' || c === '*' || c === '{') && stack.length > 0) stack[stack.length - 1]!.quantified = true;
  }
  return false;
}

describe('helpers', () => {
  it('computes CRC32 and the GitHub base62 checksum', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    const random = r(30);
    expect(hasValidBase62Crc(random + base62(crc32(random), 6))).toBe(true);
    expect(hasValidBase62Crc(random + 'zzzzzz')).toBe(false);
  });
  it('measures entropy and recognises placeholders by general rules', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    for (const p of ['AKIAIOSFODNN7EXAMPLE', 'your-api-key-here', '${API_KEY}', '{{ secret }}', 'xxxxxxxxxxxxxxxx', '1234567890abcdef', 'aaaaaaaaaaaaaaaaaaaa', '<your-key-here>', 'abababababababab']) {
      expect(isPlaceholder(p), p).toBe(true);
    }
    expect(isPlaceholder(r(40))).toBe(false);
  });
  it('tells patterned values (a run of six consecutive characters) from placeholders', () => {
    const patterned = `${r(10)}345678${r(16)}`;
    expect(isPatterned(patterned)).toBe(true);
    expect(isPlaceholder(patterned)).toBe(false);
    expect(isGenericPlaceholder(patterned)).toBe(true);
    // One walk over half the value is a placeholder outright.
    expect(isPlaceholder(`abcdefghijklmnopqrst${r(12)}`)).toBe(true);
    expect(isPatterned(r(40))).toBe(false);
  });
});

/** One constructed, documented-format token per family, and the rule it must be reported as. */
function samples(): Array<[string, string]> {
  const ghBody = r(30);
  const gh = `ghp_${ghBody}${base62(crc32(ghBody), 6)}`;
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${Array.from({ length: 10 }, () => r(64, ALNUM + '+/')).join('\n')}\n-----END RSA PRIVATE KEY-----`;
  const jwt = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: r(12), iat: 1700000000 }))}.${r(43, ALNUM + '-_')}`;
  return [
    ['github-pat', `token: ${gh}`],
    ['github-oauth', `GH=gho_${r(36)}`],
    ['github-app-token', `ghs_${r(36)}`],
    ['github-fine-grained-pat', `github_pat_${r(22)}_${r(59)}`],
    ['gitlab-pat', `GITLAB_TOKEN=glpat-${r(20)}`],
    ['gitlab-ptt', `glptt-${r(40, HEX)}`],
    ['aws-access-token', `aws_access_key_id = AKIA${r(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`],
    ['aws-secret-access-key', `aws_secret_access_key = ${r(40, ALNUM + '/+')}`],
    ['gcp-api-key', `key=AIza${r(35, ALNUM + '-_')}"`],
    ['azure-storage-account-key', `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${r(86, ALNUM + '+/')}==;EndpointSuffix=core.windows.net`],
    ['azure-ad-client-secret', `client_secret="${r(3)}8Q~${r(34, ALNUM + '_~.-')}"`],
    ['slack-bot-token', `SLACK=xoxb-${r(12, '123456789')}-${r(13, '123456789')}-${r(24)}`],
    ['slack-user-token', `xoxp-${r(11, '123456789')}-${r(12, '123456789')}-${r(12, '123456789')}-${r(32, HEX)}`],
    ['slack-app-token', `xapp-1-A${r(10, UPPER_ALNUM)}-${r(13, '123456789')}-${r(64, HEX)}`],
    ['slack-webhook-url', `https://hooks.slack.com/services/T${r(10, UPPER_ALNUM)}/B${r(10, UPPER_ALNUM)}/${r(24)}`],
    ['stripe-access-token', `STRIPE_KEY=sk_live_${r(24)}`],
    ['square-secret', `sq0csp-${r(43, ALNUM + '-_')}`],
    ['openai-api-key', `OPENAI_API_KEY=sk-proj-${r(58)}T3BlbkFJ${r(58)}`],
    ['anthropic-api-key', `sk-ant-api03-${r(93, ALNUM + '_-')}AA`],
    ['huggingface-access-token', `hf_${r(34, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')}`],
    ['atlassian-api-token', `ATATT3${r(186, ALNUM + '_-=')}`],
    ['digitalocean-pat', `dop_v1_${r(64, HEX)}`],
    ['heroku-api-key', `HEROKU_API_KEY=${uuid()}`],
    ['npm-access-token', `//registry.npmjs.org/:_authToken=npm_${r(36)}`],
    ['pypi-upload-token', `password = pypi-AgEIcHlwaS5vcmc${r(70, ALNUM + '-_')}`],
    ['vault-service-token', `VAULT_TOKEN=hvs.${r(95, ALNUM + '_-')}`],
    ['hashicorp-tf-api-token', `token = "${r(14)}.atlasv1.${r(67, ALNUM + '_-')}"`],
    ['doppler-api-token', `dp.pt.${r(43)}`],
    ['twilio-api-key', `TWILIO_API_KEY=SK${r(32, HEX)}`],
    ['sendgrid-api-token', `SG.${r(22, ALNUM + '_-')}.${r(43, ALNUM + '_-')}`],
    ['mailchimp-api-key', `${r(32, HEX)}-us14`],
    ['telegram-bot-api-token', `TELEGRAM_BOT_TOKEN=${r(9, '123456789')}:AA${r(33, ALNUM + '_-')}`],
    ['new-relic-user-api-key', `NRAK-${r(27, UPPER_ALNUM)}`],
    ['sentry-user-token', `sntryu_${r(64, HEX)}`],
    ['grafana-service-account-token', `glsa_${r(32)}_${r(8, HEX)}`],
    ['shopify-access-token', `shpat_${r(32, HEX)}`],
    ['hubspot-private-app-token', `pat-na1-${uuid()}`],
    ['okta-access-token', `OKTA_API_TOKEN=00${r(40, ALNUM + '_-')}`],
    ['facebook-page-access-token', `EAAC${r(150)}`],
    ['private-key', pem],
    ['jwt', `Authorization: Bearer ${jwt}`],
    ['postgres-url-password', `DATABASE_URL=postgres://app:${r(16)}@db.internal:5432/app`],
    ['mongodb-url-password', `mongodb+srv://svc:${r(20)}@cluster0.mongodb.net/db`],
    ['redis-url-password', `REDIS_URL=redis://default:${r(24)}@cache:6379/0`],
    ['amqp-url-password', `amqp://worker:${r(18)}@rabbit/vhost`],
    ['mysql-url-password', `mysql://root:${r(14)}@127.0.0.1:3306/shop`],
    ['generic-api-key', `const clientSecret = "${r(32)}";`],
    ['generic-password', `db_password: "${r(6)}!${r(5, '0123456789')}"`],
    ['kubernetes-secret-yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  token: ${Buffer.from(r(30)).toString('base64')}\n`],
    ['curl-auth-header', `curl -H "Authorization: Bearer ${r(40)}" https://api.example.org/v1`],
  ];
}

describe('constructed tokens are found under the right rule', () => {
  for (const [rule, text] of samples()) {
    it(rule, () => {
      expect(rulesIn(text)).toContain(rule);
    });
  }
});

describe('placeholders and documented examples are not live secrets', () => {
  const cases = [
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'STRIPE_KEY=sk_live_1234567890abcdefghijklmn',
    'api_key = "${API_KEY}"',
    'password: "{{ db_password }}"',
    'token = "<your-token-here>"',
    'SLACK=xoxb-123456789012-123456789012-xxxxxxxxxxxxxxxxxxxxxxxx',
    'DATABASE_URL=postgres://user:password@localhost:5432/db',
    'secret_key = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    '-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----',
  ];
  for (const text of cases) {
    it(text.slice(0, 48), () => {
      expect(live(text)).toEqual([]);
    });
  }
  it('keeps documented examples visible as test values when asked', () => {
    const all = scan('aws_access_key_id = AKIAIOSFODNN7EXAMPLE', { detectors: secretDetectors, includeTestValues: true, minConfidence: 0 });
    expect(all.some((f) => f.rule === 'aws-access-token' && f.testValue === true)).toBe(true);
  });
  it('reports a provider-format value with a typed-looking run, with lowered confidence', () => {
    const random = live(`SNYK_TOKEN=${uuid()}`);
    const patterned = live(`SNYK_TOKEN=${r(8, HEX)}-${r(4, HEX)}-${r(4, HEX)}-abcd-ef0123456789`);
    expect(patterned.map((f) => f.rule)).toEqual(['snyk-api-token']);
    expect(patterned[0]?.confidence).toBeLessThan(random[0]?.confidence ?? 0);
    expect(patterned[0]?.confidence).toBeGreaterThanOrEqual(0.5);
  });
  it('treats a typed-looking run as a placeholder in generic assignments', () => {
    expect(live(`client_secret = "${r(8)}123456${r(8)}"`)).toEqual([]);
    expect(rulesIn(`client_secret = "${r(22)}"`)).toContain('generic-api-key');
  });
  it('judges a Docker registry config by its credentials, not its registry names', () => {
    const secret = (auth: string) => {
      const cfg = Buffer.from(JSON.stringify({ auths: { 'https://registry.example.com/v1/': { auth } } })).toString('base64');
      return `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: |\n    ${cfg}\n`;
    };
    expect(rulesIn(secret(Buffer.from(`deploy:${r(24)}`).toString('base64')))).toContain('kubernetes-secret-yaml');
    expect(live(secret(Buffer.from('deploy:changeme').toString('base64')))).toEqual([]);
  });
  it('finds a base64-encoded JWT whose damaged header is unpadded', () => {
    const header = b64url('{"kid":}'); // 11 characters: cut to 8, it would lose the colon
    const inner = `${header}.${b64url(JSON.stringify({ sub: r(12), exp: 1900000000 }))}.${r(43, ALNUM + '-_')}`;
    expect(header.length % 4).not.toBe(0);
    expect(rulesIn(`blob: ${Buffer.from(inner).toString('base64')}`)).toContain('jwt-base64');
  });
  it('takes a long random run of letters for a secret, but not a camelCase identifier', () => {
    expect(rulesIn(`api_key = "${r(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')}"`)).toContain('generic-api-key');
    expect(live('api_key = "getUserAccountSettingsHandler"')).toEqual([]);
    expect(live('secret = "ThisIsTheDefaultSigningSecretName"')).toEqual([]);
  });
  it('does not take identifiers, paths or URLs for generic secrets', () => {
    for (const text of ['token_url = "https://example.org/oauth/token"', 'secret = config.clientSecret', 'password = getPassword()', 'key_id = "abc"', 'api_version = "2024-01-01"', 'keyboard = "us-intl"']) {
      expect(live(text), text).toEqual([]);
    }
  });
});

describe('hostile inputs take work linear in their length', () => {
  // For each rule: its keyword (or a prefix) repeated with filler that keeps the pattern
  // partially matching — the classic shape that makes backtracking regexes explode.
  const fillers = ['a', '0', '-', 'A1', '=', ' ', '\n', 'ey', '.'];
  const fragments = (d: PatternDetector, size: number): string[] =>
    d.keywords.slice(0, 2).flatMap((kw) => fillers.map((f) => `${kw}${f.repeat(7)}`).map((unit) => unit.repeat(Math.ceil(size / unit.length))));
  const execAll = (d: PatternDetector) => (texts: string[]): void => {
    for (const text of texts) {
      const re = new RegExp(d.pattern.source, d.pattern.flags);
      let n = 0;
      while (re.exec(text) !== null && n < 100_000) n++;
    }
  };
  it('every pattern on repeated keyword fragments, 25 KB to 100 KB', () => {
    // One measure of each rule first; a rule over the bound is measured again properly (least of
    // several runs, the sizes in turn) and that measure decides, so one noisy sample cannot fail
    // the test.
    const sizes = [25_000, 100_000];
    const suspects = secretDetectors.filter((d) => growth(sizes, (n) => fragments(d, n), execAll(d), 1).overall > MAX_RATIO_OVERALL);
    for (const d of suspects) expectLinear(sizes, (n) => fragments(d, n), execAll(d), d.id);
  }, 120_000);
  it('long runs of token alphabet', () => {
    // n = 200,000 is the size the engine must handle
    const text = (n: number) => `${'A'.repeat(n)} ${'eyJ'.repeat(n / 4)}.${'x'.repeat(n / 2)} ${'-----BEGIN RSA PRIVATE KEY-----\n'.repeat(n / 40)}`;
    expectLinear([50_000, 100_000, 200_000], text, (t) => scan(t, { detectors: secretDetectors }));
  });
});
