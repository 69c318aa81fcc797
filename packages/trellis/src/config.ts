/**
 * Server configuration, resolved in one place with a fixed precedence:
 * command-line flags > TRELLIS_* environment variables > config file > defaults.
 * The config file is YAML or JSON (`--config FILE`, or `trellis.config.yaml` in the working
 * directory when present). Unknown keys are errors, so a typo never silently falls back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isIP } from 'node:net';
import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Booleans from flags, environment or file: exactly true|false|1|0. A looser reading turned
 * `TRELLIS_TRUST_PROXY=no` into true (any non-empty string), so anything else is an error.
 */
const strictBoolean = z.union([
  z.boolean(),
  z.literal(1).transform(() => true),
  z.literal(0).transform(() => false),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
], { error: 'must be true, false, 1 or 0' });

/** One proxy address or CIDR range (`10.0.0.0/8`, `::1`). */
function isAddressOrCidr(s: string): boolean {
  const [addr, bits, ...rest] = s.split('/');
  if (rest.length > 0 || !addr) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

export type TrustProxy = false | number | string[];

const TRUST_PROXY_MESSAGE = 'must be true, false, a hop count (1-16) or a comma-separated list of proxy addresses/CIDRs';

/**
 * Which proxies in front of Trellis to believe about the client address (X-Forwarded-For):
 * false for none; a hop count (true = 1: only the proxy that connects to us, so a client
 * cannot prepend a spoofed address); or a list of proxy addresses/CIDRs. Believing every
 * hop (Fastify's `true`) would let any client choose its address and dodge the limiter.
 */
export function parseTrustProxy(raw: unknown): TrustProxy | undefined {
  if (raw === false || raw === 0 || raw === 'false' || raw === '0') return false;
  if (raw === true || raw === 'true') return 1;
  if (typeof raw === 'number' || (typeof raw === 'string' && /^\d+$/.test(raw))) {
    const hops = Number(raw);
    return Number.isInteger(hops) && hops >= 1 && hops <= 16 ? hops : undefined;
  }
  const list = typeof raw === 'string' ? raw.split(',').map((x) => x.trim()).filter(Boolean) : raw;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.every((x) => typeof x === 'string' && isAddressOrCidr(x)) ? (list as string[]) : undefined;
}

const trustProxySetting = z.unknown().transform((raw, ctx): TrustProxy => {
  const parsed = parseTrustProxy(raw);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: TRUST_PROXY_MESSAGE });
    return z.NEVER;
  }
  return parsed;
});


/** A comma-separated list (environment; `none` for an empty list) or a list (config file) of non-empty strings. */
const stringList = z.union([
  z.array(z.string().trim().min(1)),
  z.string().transform((v) => (v.trim() === 'none' ? [] : v.split(',').map((x) => x.trim()).filter(Boolean))),
]);

/** The roles a person can sign in with, most privileged first (a group mapping picks the first it reaches). */
export const personRoles = ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] as const;
const roleNames = personRoles;

/**
 * IdP group → Trellis role: a mapping in a config file, or `group=role,group=role` in the
 * environment (group names may hold anything but `,` and `=`).
 */
const roleMapSetting = z.union([z.record(z.string().min(1), z.enum(roleNames)), z.string()]).transform((raw, ctx): Record<string, (typeof roleNames)[number]> => {
  if (typeof raw !== 'string') return raw;
  const out: Record<string, (typeof roleNames)[number]> = {};
  for (const pair of raw.split(',').map((x) => x.trim()).filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    const group = pair.slice(0, eq).trim();
    const role = pair.slice(eq + 1).trim();
    if (eq <= 0 || !group || !(roleNames as readonly string[]).includes(role)) {
      ctx.addIssue({ code: 'custom', message: `"${pair}" is not group=role with role one of ${roleNames.join(', ')}` });
      return z.NEVER;
    }
    out[group] = role as (typeof roleNames)[number];
  }
  return out;
});

/** Loopback http is allowed for an IdP on the same machine (development, tests); anything else must be https. */
function isIssuerUrl(v: string): boolean {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return false;
  }
  if (u.search || u.hash || u.username || u.password) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
}

/**
 * Single sign-on for people (sso/): the OIDC identity provider and how its answers become
 * Trellis sessions. Empty issuer = no IdP (development mode only). The client secret is never
 * logged, echoed or put in an error.
 */
export const oidcSchema = z
  .strictObject({
    /** The IdP's issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`. */
    issuer: z
      .string()
      .trim()
      .default('')
      .refine((v) => v === '' || isIssuerUrl(v), { message: 'must be an https URL (http only on loopback) without query or fragment' })
      .transform((v) => v.replace(/\/$/, '')),
    clientId: z.string().trim().default(''),
    clientSecret: z.string().default(''),
    /** Space-separated scopes asked for at sign-in; must include openid. */
    scopes: z
      .string()
      .default('openid email profile')
      .refine((v) => v.split(/\s+/).includes('openid'), { message: 'must include openid' }),
    /** The ID token / userinfo claim that lists the person's groups. */
    groupsClaim: z.string().trim().min(1).default('groups'),
    roleMap: roleMapSetting.default({}),
    /** The role of a person none of whose groups is mapped; empty: such a person is refused. */
    defaultRole: z.union([z.enum(roleNames), z.literal('')]).default(''),
    /** Roles that need multi-factor sign-in (an accepted acr or amr in the ID token). */
    mfaRoles: stringList.pipe(z.array(z.enum(roleNames))).default(['admin', 'reviewer']),
    /** acr values that prove MFA; when set they are also requested at sign-in (acr_values). */
    acrValues: stringList.default([]),
    /** amr values (RFC 8176) of which one proves MFA. */
    amrValues: stringList.default(['mfa']),
    /** A session unused this long ends (minutes). */
    sessionIdleMinutes: z.coerce.number().int().min(1).max(24 * 60).default(30),
    /** A session ends this long after sign-in whatever its use (hours, at most 24). */
    sessionMaxHours: z.coerce.number().min(0.1).max(24).default(12),
  })
  .refine((o) => o.issuer === '' || o.clientId !== '', { message: 'clientId is required with an issuer', path: ['clientId'] })
  .refine((o) => o.mfaRoles.length === 0 || o.acrValues.length > 0 || o.amrValues.length > 0, {
    message: 'roles need MFA but no acr or amr value can prove it: set acrValues or amrValues, or mfaRoles to none',
    path: ['mfaRoles'],
  });

export type OidcConfig = z.infer<typeof oidcSchema>;

export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Where the embedded SQLite database and key files live. */
    dataDir: z.string().min(1).default('.trellis'),
    /** postgres://… for PostgreSQL; empty for the embedded SQLite database in dataDir. */
    databaseUrl: z.string().default(''),
    /** Development mode: creates and prints a bootstrap admin token on first start. */
    dev: strictBoolean.default(true),
    /** Maximum request body in bytes (413 beyond it). */
    bodyLimit: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Failed authentications allowed per client address per minute before 429. */
    authFailureLimit: z.coerce.number().int().min(1).default(20),
    /** Trust X-Forwarded-* headers from these proxies in front of Trellis (see trustProxySetting). */
    trustProxy: trustProxySetting.default(false),
    /** Seconds to wait for in-flight requests on SIGTERM before closing anyway. */
    shutdownGraceSeconds: z.coerce.number().min(0).default(10),
    /**
     * The URL people and apps reach Trellis at, behind any proxy (no path, query or fragment):
     * the issuer of its tokens and the base of its OIDC redirect URIs. Empty: http://host:port.
     */
    publicUrl: z
      .string()
      .default('')
      .refine((v) => v === '' || /^https?:\/\/[^/?#\s]+$/i.test(v.replace(/\/$/, '')), { message: 'must be an http(s) origin such as https://trellis.example.com' })
      .transform((v) => v.replace(/\/$/, '')),
    /** Gateway quotas per app, unless an app has its own (PUT /api/v1/gateway/quotas/{app}). */
    gatewayRequestsPerMinute: z.coerce.number().int().min(1).default(600),
    gatewayRecordsPerDay: z.coerce.number().int().min(1).default(1_000_000),
    gatewayBytesPerDay: z.coerce.number().int().min(1).default(1024 * 1024 * 1024),
    /** How long one gateway statement may run on a connector's database (milliseconds). */
    gatewayStatementTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /**
     * DNS servers outbound names (http connectors, exports, webhooks) are resolved through,
     * `host` or `host:port`, comma-separated; empty: the system resolver. Every answer is still
     * checked against the egress rules.
     */
    egressDnsServers: z
      .preprocess((v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v), z.array(z.string().max(300).regex(/^(?:\[[0-9a-fA-F:.]+\]|[0-9A-Za-z.:-]+)(?::\d{1,5})?$/, 'must be a DNS server address such as 10.0.0.2 or 127.0.0.1:5353')).max(8))
      .default([]),
    /**
     * A bearer token a Prometheus scraper presents at /metrics (compared in constant time); API
     * tokens with permission observability:metrics are accepted too. Never logged.
     */
    metricsToken: z.string().default(''),
    /**
     * The web console's built files (Vite's output); empty: packages/console/dist beside the
     * server. `npm start` builds them there when missing or stale.
     */
    consoleDir: z.string().trim().default(''),
    /** A separate listener on host that serves only /metrics; 0: none (/metrics on the main port only). */
    metricsPort: z.coerce.number().int().min(0).max(65535).default(0),
    /** OTLP/HTTP collector base URL traces are sent to (`/v1/traces` is appended); empty: tracing off. */
    otelExporterEndpoint: z
      .string()
      .trim()
      .default('')
      .refine((v) => v === '' || /^https?:\/\/[^\s]+$/i.test(v), { message: 'must be an http(s) URL such as http://127.0.0.1:4318' }),
    /**
     * The Ed25519 key that signs audit checkpoints (audit/ledger/signing-key.ts): base64 of its 32-byte
     * seed, or a file holding that or a PKCS #8 PEM key. Required outside development mode, and
     * kept apart from the database: whoever holds it can sign a rewritten history. Never logged.
     */
    auditSigningKey: z.string().trim().default(''),
    auditSigningKeyFile: z.string().trim().default(''),
    /** The audit log's name in its checkpoints (and its key's name); empty: derived from the signing key. */
    auditLogOrigin: z
      .string()
      .trim()
      .default('')
      .refine((v) => v === '' || (v.length <= 255 && !/[\s+]/u.test(v)), { message: "must have no spaces and no '+', e.g. trellis.example.com/audit" }),
    /** Sign a checkpoint once this many events are sealed since the last one … */
    auditCheckpointEvents: z.coerce.number().int().min(1).max(10_000_000).default(1000),
    /** … or this many seconds after the last one, when any event was sealed since. */
    auditCheckpointSeconds: z.coerce.number().min(0.05).max(86_400).default(60),
    /**
     * Where each new checkpoint is pushed so the server alone cannot rewrite history,
     * comma-separated: file:///path (appended), https://witness/… (C2SP tlog-witness add-checkpoint),
     * syslog+tcp://host:port or syslog+tls://host:port.
     */
    auditWitnesses: z
      .preprocess((v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v), z.array(z.string().max(2000).regex(/^(file:\/\/\/|https?:\/\/|syslog\+(tcp|tls):\/\/)\S+$/, 'must be file:///path, http(s)://… or syslog+tcp|tls://host:port')).max(16))
      .default([]),
    /** Single sign-on (see oidcSchema); settable as an `oidc:` mapping or TRELLIS_OIDC_* variables. */
    oidc: oidcSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

const envNames: Record<Exclude<keyof Config, 'oidc'>, string> = {
  host: 'TRELLIS_HOST',
  port: 'TRELLIS_PORT',
  dataDir: 'TRELLIS_DATA_DIR',
  databaseUrl: 'TRELLIS_DATABASE_URL',
  dev: 'TRELLIS_DEV',
  bodyLimit: 'TRELLIS_BODY_LIMIT',
  logLevel: 'TRELLIS_LOG_LEVEL',
  authFailureLimit: 'TRELLIS_AUTH_FAILURE_LIMIT',
  trustProxy: 'TRELLIS_TRUST_PROXY',
  shutdownGraceSeconds: 'TRELLIS_SHUTDOWN_GRACE_SECONDS',
  publicUrl: 'TRELLIS_PUBLIC_URL',
  gatewayRequestsPerMinute: 'TRELLIS_GATEWAY_REQUESTS_PER_MINUTE',
  gatewayRecordsPerDay: 'TRELLIS_GATEWAY_RECORDS_PER_DAY',
  gatewayBytesPerDay: 'TRELLIS_GATEWAY_BYTES_PER_DAY',
  gatewayStatementTimeoutMs: 'TRELLIS_GATEWAY_STATEMENT_TIMEOUT_MS',
  egressDnsServers: 'TRELLIS_EGRESS_DNS_SERVERS',
  auditSigningKey: 'TRELLIS_AUDIT_SIGNING_KEY',
  auditSigningKeyFile: 'TRELLIS_AUDIT_SIGNING_KEY_FILE',
  auditLogOrigin: 'TRELLIS_AUDIT_LOG_ORIGIN',
  auditCheckpointEvents: 'TRELLIS_AUDIT_CHECKPOINT_EVENTS',
  auditCheckpointSeconds: 'TRELLIS_AUDIT_CHECKPOINT_SECONDS',
  auditWitnesses: 'TRELLIS_AUDIT_WITNESSES',
  metricsToken: 'TRELLIS_METRICS_TOKEN',
  metricsPort: 'TRELLIS_METRICS_PORT',
  consoleDir: 'TRELLIS_CONSOLE_DIST',
  otelExporterEndpoint: 'TRELLIS_OTEL_EXPORTER_ENDPOINT',
};

const oidcEnvNames: Record<keyof OidcConfig, string> = {
  issuer: 'TRELLIS_OIDC_ISSUER',
  clientId: 'TRELLIS_OIDC_CLIENT_ID',
  clientSecret: 'TRELLIS_OIDC_CLIENT_SECRET',
  scopes: 'TRELLIS_OIDC_SCOPES',
  groupsClaim: 'TRELLIS_OIDC_GROUPS_CLAIM',
  roleMap: 'TRELLIS_OIDC_ROLE_MAP',
  defaultRole: 'TRELLIS_OIDC_DEFAULT_ROLE',
  mfaRoles: 'TRELLIS_OIDC_MFA_ROLES',
  acrValues: 'TRELLIS_OIDC_ACR_VALUES',
  amrValues: 'TRELLIS_OIDC_AMR_VALUES',
  sessionIdleMinutes: 'TRELLIS_OIDC_SESSION_IDLE_MINUTES',
  sessionMaxHours: 'TRELLIS_OIDC_SESSION_MAX_HOURS',
};

/** Whether single sign-on is configured (an issuer and a client id). */
export function hasIdentityProvider(config: Pick<Config, 'oidc'>): boolean {
  return config.oidc.issuer !== '' && config.oidc.clientId !== '';
}

/** Every setting at its default (tests and tools that build services without a server). */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** The URL Trellis is reached at: the configured public URL, or the address it listens on. */
export function publicUrlOf(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

function readConfigFile(path: string | undefined): Record<string, unknown> {
  const file = path ?? (existsSync('trellis.config.yaml') ? 'trellis.config.yaml' : undefined);
  if (!file) return {};
  const text = readFileSync(resolve(file), 'utf8');
  const parsed: unknown = parseYaml(text);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError('validation_failed', `config file ${file} must hold a mapping of settings`);
  }
  return parsed as Record<string, unknown>;
}

/** Resolve the configuration. `flags` holds only options given on the command line. */
export function loadConfig(flags: Partial<Record<keyof Config, unknown>> = {}, opts: { configFile?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const env = opts.env ?? process.env;
  const merged: Record<string, unknown> = { ...readConfigFile(opts.configFile) };
  for (const [key, name] of Object.entries(envNames)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') merged[key] = raw;
  }
  // OpenTelemetry's own variable, read when Trellis' is not set.
  if (merged.otelExporterEndpoint === undefined && env.OTEL_EXPORTER_OTLP_ENDPOINT) merged.otelExporterEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const fileOidc = merged.oidc;
  const oidc: Record<string, unknown> = fileOidc && typeof fileOidc === 'object' && !Array.isArray(fileOidc) ? { ...(fileOidc as Record<string, unknown>) } : {};
  for (const [key, name] of Object.entries(oidcEnvNames)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') oidc[key] = raw;
  }
  if (fileOidc !== undefined || Object.keys(oidc).length > 0) merged.oidc = fileOidc !== undefined && (typeof fileOidc !== 'object' || Array.isArray(fileOidc)) ? fileOidc : oidc;
  for (const [key, value] of Object.entries(flags)) if (value !== undefined) merged[key] = value;
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new AppError('validation_failed', 'configuration is not valid', {
      errors: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}
