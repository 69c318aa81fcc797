/**
 * Cloud and hosting platforms: DigitalOcean (`dop_v1_`, `doo_v1_`, `dor_v1_` + 64 hex), Heroku
 * (`HRKU-AA` + 58, or a UUID next to "heroku"), Fly.io (`fo1_`, `fm1a_`/`fm1r_`, `fm2_`),
 * Cloudflare (API tokens and 37-hex global keys by name, Origin CA keys `v1.0-…`), Alibaba
 * (`LTAI` ids), Yandex Cloud (`t1.`, `AQVN`, `YC`), Scalingo (`tk-us-`), OpenShift (`sha256~`),
 * PlanetScale (`pscale_tkn_`/`pscale_oauth_`/`pscale_pw_`), Databricks (`dapi` + 32 hex),
 * ClickHouse Cloud (`4b1d`), Supabase (`sbp_`), Render (`rnd_`), Netlify, Fastly, Linode, Vercel.
 */
import type { PatternDetector } from '../../types.ts';
import { TAIL_WINDOW, UUID, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.cloud';

export const cloudDetectors: PatternDetector[] = [
  prefixedToken({ id: 'digitalocean-pat', tag: 'secret.digitalocean', keywords: ['dop_v1_'], token: 'dop_v1_[a-f0-9]{64}', fixedPrefix: 7, minEntropy: 3, description: 'DigitalOcean personal access token' }),
  prefixedToken({ id: 'digitalocean-access-token', tag: 'secret.digitalocean', keywords: ['doo_v1_'], token: 'doo_v1_[a-f0-9]{64}', fixedPrefix: 7, minEntropy: 3, description: 'DigitalOcean OAuth access token' }),
  prefixedToken({ id: 'digitalocean-refresh-token', tag: 'secret.digitalocean', keywords: ['dor_v1_'], token: 'dor_v1_[a-f0-9]{64}', fixedPrefix: 7, minEntropy: 3, flags: 'gi', description: 'DigitalOcean OAuth refresh token' }),
  keyedSecret({ id: 'heroku-api-key', tag: 'secret.heroku', keywords: ['heroku'], names: 'heroku', value: UUID, minEntropy: 3, description: 'Heroku API key (UUID)' }),
  prefixedToken({ id: 'heroku-api-key-v2', tag: 'secret.heroku', keywords: ['hrku-aa'], token: 'HRKU-AA[0-9a-zA-Z_-]{58}', boundary: 'delim', fixedPrefix: 7, minEntropy: 4, description: 'Heroku API key (HRKU- format)' }),
  prefixedToken({
    id: 'flyio-access-token', tag: TAG, keywords: ['fo1_', 'fm1', 'fm2_'], boundary: 'delim', minEntropy: 4,
    token: '(?:fo1_[\\w-]{43}|fm1[ar]_[a-zA-Z0-9+/]{100,}={0,3}|fm2_[a-zA-Z0-9+/]{100,}={0,3})',
    fixedPrefix: /^(?:fo1|fm1[ar]|fm2)_/, window: TAIL_WINDOW, description: 'Fly.io API or macaroon token',
  }),
  keyedSecret({ id: 'netlify-access-token', tag: TAG, keywords: ['netlify'], names: 'netlify', value: '[a-z0-9=_-]{40,46}', minEntropy: 3, description: 'Netlify access token' }),
  keyedSecret({ id: 'cloudflare-api-key', tag: 'secret.cloudflare', keywords: ['cloudflare'], names: 'cloudflare', value: '[a-z0-9_-]{40}', minEntropy: 3, description: 'Cloudflare API token' }),
  keyedSecret({ id: 'cloudflare-global-api-key', tag: 'secret.cloudflare', keywords: ['cloudflare'], names: 'cloudflare', value: '[a-f0-9]{37}', minEntropy: 3, description: 'Cloudflare global API key' }),
  prefixedToken({
    id: 'cloudflare-origin-ca-key', tag: 'secret.cloudflare', keywords: ['v1.0-'], token: String.raw`v1\.0-[a-f0-9]{24}-[a-f0-9]{146}`,
    boundary: 'delim', fixedPrefix: 5, minEntropy: 3, description: 'Cloudflare Origin CA key',
  }),
  prefixedToken({ id: 'alibaba-access-key-id', tag: 'secret.alibaba', keywords: ['ltai'], token: 'LTAI[a-zA-Z0-9]{20}', fixedPrefix: 4, minEntropy: 3, description: 'Alibaba Cloud AccessKey id' }),
  keyedSecret({ id: 'alibaba-secret-key', tag: 'secret.alibaba', keywords: ['alibaba', 'aliyun'], names: 'alibaba|aliyun', value: '[a-z0-9]{30}', minEntropy: 3, description: 'Alibaba Cloud AccessKey secret' }),
  keyedSecret({
    id: 'yandex-access-token', tag: 'secret.yandex', keywords: ['yandex'], names: 'yandex', value: String.raw`t1\.[a-z0-9_-]{10,100}={0,2}\.[a-z0-9_-]{86}={0,2}`,
    minEntropy: 3.5, description: 'Yandex IAM token',
  }),
  keyedSecret({ id: 'yandex-api-key', tag: 'secret.yandex', keywords: ['yandex'], names: 'yandex', value: 'AQVN[a-z0-9_-]{35,38}', fixedPrefix: 4, minEntropy: 3.5, description: 'Yandex Cloud API key' }),
  keyedSecret({ id: 'yandex-aws-access-token', tag: 'secret.yandex', keywords: ['yandex'], names: 'yandex', value: 'YC[a-z0-9_-]{38}', fixedPrefix: 2, minEntropy: 3.5, description: 'Yandex Cloud static access key' }),
  prefixedToken({ id: 'scalingo-api-token', tag: TAG, keywords: ['tk-us-'], token: 'tk-us-[\\w-]{48}', boundary: 'delim', fixedPrefix: 6, minEntropy: 3, description: 'Scalingo API token' }),
  prefixedToken({ id: 'openshift-user-token', tag: TAG, keywords: ['sha256~'], token: 'sha256~[\\w-]{43}', boundary: 'delim', fixedPrefix: 7, minEntropy: 3.5, description: 'OpenShift user token' }),
  prefixedToken({ id: 'planetscale-api-token', tag: 'secret.planetscale', keywords: ['pscale_tkn_'], token: 'pscale_tkn_[\\w=.-]{32,64}', boundary: 'delim', fixedPrefix: 11, minEntropy: 3, flags: 'gi', description: 'PlanetScale service token' }),
  prefixedToken({ id: 'planetscale-oauth-token', tag: 'secret.planetscale', keywords: ['pscale_oauth_'], token: 'pscale_oauth_[\\w=.-]{32,64}', boundary: 'delim', fixedPrefix: 13, minEntropy: 3, description: 'PlanetScale OAuth token' }),
  prefixedToken({ id: 'planetscale-password', tag: 'secret.planetscale', keywords: ['pscale_pw_'], token: 'pscale_pw_[\\w=.-]{32,64}', boundary: 'delim', fixedPrefix: 10, minEntropy: 3, flags: 'gi', description: 'PlanetScale database password' }),
  prefixedToken({ id: 'databricks-api-token', tag: TAG, keywords: ['dapi'], token: 'dapi[a-f0-9]{32}(?:-\\d)?', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, description: 'Databricks personal access token' }),
  prefixedToken({ id: 'clickhouse-cloud-api-secret-key', tag: TAG, keywords: ['4b1d'], token: '4b1d[A-Za-z0-9]{38}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, description: 'ClickHouse Cloud API secret key' }),
  prefixedToken({ id: 'supabase-service-key', tag: TAG, keywords: ['sbp_'], token: 'sbp_[a-f0-9]{40}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3, description: 'Supabase personal access token' }),
  prefixedToken({ id: 'render-api-key', tag: TAG, keywords: ['rnd_'], token: 'rnd_[A-Za-z0-9]{32}', boundary: 'delim', fixedPrefix: 4, minEntropy: 3.5, description: 'Render API key' }),
  keyedSecret({ id: 'fastly-api-token', tag: TAG, keywords: ['fastly'], names: 'fastly', value: '[a-z0-9=_-]{32}', minEntropy: 3, description: 'Fastly API token' }),
  keyedSecret({ id: 'linode-api-token', tag: TAG, keywords: ['linode'], names: 'linode', value: '[a-f0-9]{64}', minEntropy: 3, description: 'Linode (Akamai) API token' }),
  keyedSecret({ id: 'vercel-api-token', tag: TAG, keywords: ['vercel'], names: 'vercel', value: '[a-z0-9]{24}', minEntropy: 3.5, description: 'Vercel access token' }),
  keyedSecret({ id: 'hetzner-api-token', tag: TAG, keywords: ['hetzner', 'hcloud'], names: 'hetzner|hcloud', value: '[a-z0-9]{64}', minEntropy: 4, description: 'Hetzner Cloud API token' }),
  keyedSecret({ id: 'ibm-cloud-api-key', tag: TAG, keywords: ['ibm'], names: 'ibm[_.-]?(?:cloud)?', value: '[a-z0-9_-]{44}', minEntropy: 4, description: 'IBM Cloud API key' }),
  keyedSecret({ id: 'vultr-api-key', tag: TAG, keywords: ['vultr'], names: 'vultr', value: '[A-Z0-9]{36}', minEntropy: 3.5, description: 'Vultr API key' }),
];
