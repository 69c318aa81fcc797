/**
 * Built-ins that stand alone: `providers.aws.sign_req` (AWS Signature Version 4 over an
 * http.send-style request object, as OPA's internal/providers/aws signer computes it),
 * `strings.render_template` (Go text/template subset), `opa.runtime` and `trace`.
 */
import { createHash, createHmac } from 'node:crypto';
import { isNumber, isObject, makeObject, makeSet, ObjectValue, toJSON, toRegoText, type Value } from '../value.ts';
import { arg, expectObject, expectString, operandError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';
import { renderTemplate, TemplateError, type TData } from './support/gotemplate.ts';
import { marshalJSON } from './support/json.ts';
import { GoTimeError, parseDuration } from './support/gotime.ts';
import { escapedPath, parseURL, type ParsedURL } from './support/url.ts';

const AWS_REQUIRED = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];

/** The request keys http.send accepts (sign_req validates against the same list). */
const HTTP_KEYS = new Set([
  'method',
  'url',
  'body',
  'enable_redirect',
  'force_json_decode',
  'force_yaml_decode',
  'headers',
  'raw_body',
  'tls_use_system_certs',
  'tls_ca_cert',
  'tls_ca_cert_file',
  'tls_ca_cert_env_variable',
  'tls_client_cert',
  'tls_client_cert_file',
  'tls_client_cert_env_variable',
  'tls_client_key',
  'tls_client_key_file',
  'tls_client_key_env_variable',
  'tls_insecure_skip_verify',
  'tls_server_name',
  'timeout',
  'cache',
  'force_cache',
  'force_cache_duration_seconds',
  'raise_error',
  'caching_mode',
  'max_retry_attempts',
  'cache_ignored_headers',
]);

/** OPA's validateHTTPRequestOperand: unknown keys first, then the required method and url. */
function validateHTTPRequest(fn: string, req: ObjectValue): void {
  const keys = [...req.keys()];
  const unknown = keys.filter((k) => typeof k !== 'string' || !HTTP_KEYS.has(k));
  if (unknown.length) throw operandError(fn, 0, `invalid request parameters(s): ${toRegoText(makeSet(unknown))}`);
  const missing = ['method', 'url'].filter((k) => !req.has(k));
  if (missing.length) throw operandError(fn, 0, `missing required request parameters(s): ${setText(missing)}`);
}

const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id', 'expect']);

const setText = (names: string[]): string => toRegoText(makeSet(names));
const sha256Hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function signV4(headers: Map<string, string>, method: string, url: ParsedURL, body: Buffer, service: string, creds: Record<string, string>, when: Date, unsignedPayload: boolean): { auth: string; amz: Map<string, string> } {
  const contentSha = unsignedPayload ? 'UNSIGNED-PAYLOAD' : sha256Hex(body);
  const date = `${when.getUTCFullYear()}${pad2(when.getUTCMonth() + 1)}${pad2(when.getUTCDate())}`;
  const stamp = `${date}T${pad2(when.getUTCHours())}${pad2(when.getUTCMinutes())}${pad2(when.getUTCSeconds())}Z`;
  const amz = new Map<string, string>([
    ['host', url.host],
    ['x-amz-date', stamp],
  ]);
  // S3 and Glacier require the payload hash header; other services do not.
  if (service === 's3' || service === 'glacier') amz.set('x-amz-content-sha256', contentSha);
  if (creds.aws_session_token) amz.set('x-amz-security-token', creds.aws_session_token);
  const toSign = new Map<string, string>(amz);
  for (const [k, v] of headers) {
    const lower = k.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, v);
  }
  const keys = [...toSign.keys()].sort();
  let canonical = `${method}\n${escapedPath(url)}\n${url.rawQuery}\n`;
  for (const k of keys) canonical += `${k}:${toSign.get(k)}\n`;
  canonical += '\n';
  const headerList = keys.join(';');
  canonical += headerList + '\n' + contentSha;
  const region = creds.aws_region!;
  const scope = `${date}/${region}/${service}/aws4_request`;
  const strToSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac('AWS4' + creds.aws_secret_access_key, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const signature = hmac(key, strToSign).toString('hex');
  const auth = `AWS4-HMAC-SHA256 Credential=${creds.aws_access_key}/${scope},SignedHeaders=${headerList},Signature=${signature}`;
  return { auth, amz };
}

function signReq(args: Value[]): Value {
  const fn = 'providers.aws.sign_req';
  const req = expectObject(fn, args, 0);
  const cfg = expectObject(fn, args, 1);
  const missing = AWS_REQUIRED.filter((k) => !cfg.has(k));
  if (missing.length) throw operandError(fn, 1, `missing required AWS config parameters(s): ${setText(missing)}`);
  const invalid = AWS_REQUIRED.filter((k) => typeof cfg.get(k) !== 'string');
  if (invalid.length) throw operandError(fn, 1, `invalid values for required AWS config parameters(s): ${setText(invalid)}`);
  const ts = arg(args, 2);
  // A signing time must be a whole number of nanoseconds in int64 range, not before the epoch.
  if (!isNumber(ts) || (typeof ts === 'number' && !Number.isInteger(ts)) || ts < 0 || BigInt(ts) > 2n ** 63n - 1n) {
    throw operandError(fn, 2, 'could not convert time_ns value into a unix timestamp');
  }
  validateHTTPRequest(fn, req);
  let headers = new ObjectValue();
  const h = req.get('headers');
  if (h !== undefined) {
    if (!isObject(h)) throw operandError(fn, -1, `must be object but got ${typeof h}`);
    headers = h;
  }
  const badParams = ['method', 'url'].filter((k) => typeof req.get(k) !== 'string');
  if (badParams.length) throw operandError(fn, 0, `invalid values for required request parameters(s): ${setText(badParams)}`);
  let url: ParsedURL;
  try {
    url = parseURL(req.get('url') as string);
  } catch (e) {
    throw builtinError(fn, (e as Error).message);
  }
  const raw = req.get('raw_body');
  const bodyVal = req.get('body');
  const body = raw !== undefined ? Buffer.from(typeof raw === 'string' ? raw : '') : bodyVal !== undefined ? Buffer.from(marshalJSON(bodyVal)) : Buffer.alloc(0);
  const headerMap = new Map<string, string>();
  for (const [k, v] of headers.entries()) headerMap.set(typeof k === 'string' ? k : '', typeof v === 'string' ? v : '');
  let unsigned = false;
  const dps = cfg.get('disable_payload_signing');
  if (dps !== undefined) {
    if (typeof dps !== 'boolean') throw operandError(fn, 1, "invalid value for 'disable_payload_signing' in AWS config");
    unsigned = dps;
  }
  const creds: Record<string, string> = {};
  for (const k of [...AWS_REQUIRED, 'aws_session_token']) {
    const v = cfg.get(k);
    if (typeof v === 'string') creds[k] = v;
  }
  const when = new Date(Number(BigInt(ts) / 1_000_000n));
  const { auth, amz } = signV4(headerMap, req.get('method') as string, url, body, creds.aws_service!, creds, when, unsigned);
  const outHeaders = new ObjectValue();
  for (const [k, v] of headerMap) outHeaders.set(k, v);
  outHeaders.set('Authorization', auth);
  for (const [k, v] of amz) outHeaders.set(k, v);
  const out = new ObjectValue();
  for (const [k, v] of req.entries()) out.set(k, v);
  out.set('headers', outHeaders);
  return out;
}

export const miscBuiltins: BuiltinDecl[] = [
  {
    name: 'providers.aws.sign_req',
    category: 'providers.aws',
    args: [
      { name: 'request', type: t.object(t.string, t.any), description: 'HTTP request object (as for http.send)' },
      { name: 'aws_config', type: t.object(t.string, t.any), description: 'aws_access_key, aws_secret_access_key, aws_service, aws_region, optional aws_session_token and disable_payload_signing' },
      { name: 'time_ns', type: t.number, description: 'signing time in nanoseconds since the epoch' },
    ],
    result: t.object(t.any, t.any),
    description: 'Signs an HTTP request object for Amazon Web Services (AWS Signature Version 4); returns the request with the signing headers added.',
    impl: (args) => signReq(args),
  },
  {
    name: 'http.send',
    category: 'http',
    args: [{ name: 'request', type: t.object(t.string, t.any), description: 'the HTTP request object' }],
    result: t.object(t.any, t.any),
    description:
      'Returns an HTTP response to the given HTTP request. This engine evaluates without network access: requests are validated as OPA does, then fail (policies mock it with `with http.send as ...`).',
    nondeterministic: true,
    impl: (args) => {
      const fn = 'http.send';
      validateHTTPRequest(fn, expectObject(fn, args, 0));
      throw builtinError(fn, 'network access is not available to this engine');
    },
  },
  {
    name: 'strings.render_template',
    category: 'strings',
    args: [
      { name: 'value', type: t.string, description: 'a template string (Go text/template syntax)' },
      { name: 'vars', type: t.object(t.string, t.any), description: 'the variables to render into the template' },
    ],
    result: t.string,
    description: 'Renders a templated string with given template variables injected; missing keys render as <undefined>.',
    impl: (args, ctx) => {
      const fn = 'strings.render_template';
      const src = expectString(fn, args, 0);
      const vars = expectObject(fn, args, 1);
      try {
        return renderTemplate(src, toJSON(vars) as TData, ctx.charge);
      } catch (e) {
        if (e instanceof TemplateError) throw builtinError(fn, e.message);
        throw e;
      }
    },
  },
  {
    name: 'opa.runtime',
    category: 'opa',
    args: [],
    result: t.object(t.string, t.any),
    description:
      'Returns an object that describes the runtime environment where OPA is deployed. Empty when the engine runs without runtime information, as OPA does outside its server.',
    nondeterministic: true,
    // BuiltinContext carries no runtime description (config, env, version); OPA answers {}
    // in that situation, and exposing process.env by default would leak secrets into policies.
    impl: () => makeObject({}),
  },
  {
    name: 'test.sleep',
    category: 'test',
    args: [{ name: 'duration', type: t.string, description: 'a Go duration string, e.g. "10ms"' }],
    result: t.null,
    description: 'Sleeps for the given duration (for tests of time-dependent built-ins).',
    nondeterministic: true,
    impl: (args) => {
      const fn = 'test.sleep';
      let ns: bigint;
      try {
        ns = parseDuration(expectString(fn, args, 0));
      } catch (e) {
        if (e instanceof GoTimeError) throw builtinError(fn, e.message);
        throw e;
      }
      // Built-ins are synchronous, so block the thread rather than yield.
      const ms = Number(ns / 1_000_000n);
      if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      return null;
    },
  },
  {
    name: 'trace',
    category: 'tracing',
    args: [{ name: 'note', type: t.string, description: 'the string to emit' }],
    result: t.boolean,
    description: 'Emits a note to the query explanation; always true.',
    // OPA sends notes to the explanation tracer, not to print output; this engine has no
    // tracer sink in BuiltinContext yet, so the note is checked and dropped.
    impl: (args) => {
      expectString('trace', args, 0);
      return true;
    },
  },
];
