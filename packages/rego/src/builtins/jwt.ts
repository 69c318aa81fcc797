/**
 * Built-ins of the tokens category: JSON Web Tokens (JWS compact serialisation) — decoding,
 * signature verification (HS/RS/PS/ES/EdDSA with secrets, PEM certificates, PEM public keys
 * or JWK/JWKS), `io.jwt.decode_verify` with OPA's constraints (`cert`/`secret`, `alg`, `iss`,
 * `aud`, `time`) and signing. All cryptography is node:crypto. The checks, their order and
 * the error texts follow OPA's implementation (tokens.go).
 */
import { createHmac, createPrivateKey, createPublicKey, createSecretKey, sign as cryptoSign, verify as cryptoVerify, constants, timingSafeEqual, X509Certificate, type KeyObject, type JsonWebKey } from 'node:crypto';
import { isArray, isNumber, isObject, ObjectValue, type Value } from '../value.ts';
import { arg, expectObject, expectString } from './args.ts';
import { t, type BuiltinContext, type BuiltinDecl } from './decl.ts';
import { builtinError, operandTypeError } from './errors.ts';
import { Base64Error, decodeBase64, encodeBase64, restoreBase64urlPadding } from './support/base64.ts';
import { isValidJSON, JSONSyntaxError, marshalJSON, parseJSON } from './support/json.ts';
import { decodePEM } from './support/pem.ts';

/** An error OPA reports with the built-in's name prefixed (`io.jwt.decode: …`). */
class JWTError extends Error {}

interface Token {
  header: string;
  payload: string;
  signature: string;
}

function splitJWT(fn: string, v: Value): Token {
  if (typeof v !== 'string') throw operandTypeError(fn, 1, 'string', v);
  if (!v.includes('.')) throw new JWTError('encoded JWT had no period separators');
  const parts = v.split('.');
  if (parts.length !== 3) throw new JWTError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

/** base64url.decode's semantics (padding restored) returning bytes; Go's error text. */
function b64url(s: string): Buffer {
  const padded = restoreBase64urlPadding(s);
  if (padded === undefined) throw new JWTError(`illegal base64url string: ${s}`);
  try {
    return decodeBase64(padded, { url: true, padded: true });
  } catch (e) {
    if (e instanceof Base64Error) throw new JWTError(e.message);
    throw e;
  }
}

function extractJSONObject(s: string): ObjectValue {
  let v: Value;
  try {
    v = parseJSON(s);
  } catch (e) {
    if (e instanceof JSONSyntaxError) throw new JWTError(`invalid JSON: ${e.message}`);
    throw e;
  }
  if (!isObject(v)) throw new JWTError('decoded JSON type was not an Object');
  return v;
}

function decodeHeader(tok: Token): ObjectValue {
  let text: string;
  try {
    text = b64url(tok.header).toString('utf8');
  } catch (e) {
    throw new JWTError(`JWT header had invalid encoding: ${(e as Error).message}`);
  }
  let header: ObjectValue;
  try {
    header = extractJSONObject(text);
  } catch (e) {
    throw new JWTError(`bad JWT header: ${(e as Error).message}`);
  }
  if (header.has('enc')) throw new JWTError('JWT is a JWE object, which is not supported');
  return header;
}

function decodePayload(tok: Token): string {
  try {
    return b64url(tok.payload).toString('utf8');
  } catch (e) {
    throw new JWTError(`JWT payload had invalid encoding: ${(e as Error).message}`);
  }
}

function decodeSignature(tok: Token): Buffer {
  return b64url(tok.signature);
}

function decodeJWT(fn: string, v: Value): Value {
  const tok = splitJWT(fn, v);
  const header = decodeHeader(tok);
  const p = decodePayload(tok);
  const cty = header.get('cty');
  if (cty === 'JWT') {
    // A nested token: jwt.io quotes the inner token, so strip quotes before recursing.
    return decodeJWT(fn, p.replace(/^["']+|["']+$/g, ''));
  }
  const payload = extractJSONObject(p);
  let sig: Buffer;
  try {
    sig = b64url(tok.signature);
  } catch (e) {
    throw new JWTError(`JWT signature had invalid encoding: ${(e as Error).message}`);
  }
  return [header, payload, sig.toString('hex')];
}

/** A verification key; `alg`/`kid` come from a JWKS entry when present. */
interface VerificationKey {
  key: KeyObject;
  alg: string;
  kid: string;
}

const tokenAlgorithms = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'EdDSA']);

function jwkToKey(jwk: Record<string, unknown>, priv: boolean): KeyObject {
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new Error('invalid oct key');
    return createSecretKey(decodeBase64(jwk.k, { url: true, padded: false }));
  }
  const key = jwk as JsonWebKey;
  return priv ? createPrivateKey({ key, format: 'jwk' }) : createPublicKey({ key, format: 'jwk' });
}

/** Go's getKeysFromCertOrJWK: a PEM certificate or public key, or a JWK / JWK set. */
function keysFromCertOrJWK(text: string): VerificationKey[] {
  const pem = decodePEM(text);
  if (pem) {
    if (pem.rest.length > 0) throw new JWTError('extra data after a PEM certificate block');
    if (pem.block.type === 'CERTIFICATE') {
      try {
        return [{ key: new X509Certificate(pem.block.bytes).publicKey, alg: '', kid: '' }];
      } catch (e) {
        throw new JWTError(`failed to parse a PEM certificate: x509: ${(e as Error).message}`);
      }
    }
    if (pem.block.type === 'PUBLIC KEY') {
      try {
        return [{ key: createPublicKey({ key: pem.block.bytes, format: 'der', type: 'spki' }), alg: '', kid: '' }];
      } catch (e) {
        throw new JWTError(`failed to parse a PEM public key: ${(e as Error).message}`);
      }
    }
    throw new JWTError('failed to extract a Key from the PEM certificate');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new JWTError(`failed to parse a JWK key (set): ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new JWTError('failed to parse a JWK key (set): invalid JWK');
  const obj = parsed as Record<string, unknown>;
  const list = Array.isArray(obj.keys) ? (obj.keys as unknown[]) : [obj];
  const out: VerificationKey[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) throw new JWTError('failed to parse a JWK key (set): invalid key');
    const jwk = entry as Record<string, unknown>;
    let key: KeyObject;
    try {
      key = jwkToKey(jwk, false);
    } catch (e) {
      throw new JWTError(`failed to parse a JWK key (set): ${(e as Error).message}`);
    }
    const alg = typeof jwk.alg === 'string' ? jwk.alg : '';
    if (alg !== '' && !tokenAlgorithms.has(alg)) continue; // unsupported algorithms are skipped
    out.push({ key, alg, kid: typeof jwk.kid === 'string' ? jwk.kid : '' });
  }
  return out;
}

const hashOf = (alg: string): string => ({ '256': 'sha256', '384': 'sha384', '512': 'sha512' })[alg.slice(2)] ?? 'sha256';

/** jwsbb.Verify: whether `sig` is a valid `alg` signature of `data` under `key`. */
function verifySignature(key: KeyObject | Buffer, alg: string, data: Buffer, sig: Buffer): boolean {
  try {
    const family = alg.slice(0, 2);
    if (family === 'HS') {
      const secret = Buffer.isBuffer(key) ? key : key.type === 'secret' ? key.export() : undefined;
      if (!secret) return false;
      const mac = createHmac(hashOf(alg), secret).update(data).digest();
      return mac.length === sig.length && timingSafeEqual(mac, sig);
    }
    if (Buffer.isBuffer(key) || key.type === 'secret') return false;
    switch (family) {
      case 'RS':
        return key.asymmetricKeyType === 'rsa' && cryptoVerify(hashOf(alg), data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
      case 'PS':
        return (
          (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') &&
          cryptoVerify(hashOf(alg), data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig)
        );
      case 'ES':
        return key.asymmetricKeyType === 'ec' && cryptoVerify(hashOf(alg), data, { key, dsaEncoding: 'ieee-p1363' }, sig);
      case 'Ed':
        return alg === 'EdDSA' && key.asymmetricKeyType === 'ed25519' && cryptoVerify(null, data, key, sig);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** The `io.jwt.verify_*` family over certificates/keys (OPA's builtinJWTVerify). */
function verifyWithKeys(fn: string, alg: string, args: Value[]): boolean {
  const tok = splitJWT(fn, arg(args, 0));
  const keys = keysFromCertOrJWK(expectString(fn, args, 1));
  const sig = decodeSignature(tok);
  const header = decodeHeader(tok);
  const h = parseTokenHeader(header);
  const data = Buffer.from(tok.header + '.' + tok.payload);
  if (h.kid !== '') {
    const k = keys.find((x) => x.kid === h.kid);
    if (k) return verifySignature(k.key, alg, data, sig);
  }
  for (const k of keys) {
    if (k.alg !== '' && h.alg !== k.alg) continue;
    if (verifySignature(k.key, alg, data, sig)) return true;
  }
  return false;
}

interface TokenHeader {
  alg: string;
  kid: string;
  typ: string;
  cty: string;
  crit?: Set<string>;
  unknown: string[];
}

function parseTokenHeader(header: ObjectValue): TokenHeader {
  const h: TokenHeader = { alg: '', kid: '', typ: '', cty: '', unknown: [] };
  for (const [k, v] of header.sortedEntries()) {
    const name = k as string;
    switch (name) {
      case 'alg':
      case 'kid':
      case 'typ':
      case 'cty':
        if (typeof v !== 'string') throw new JWTError(`${name}: must be a string`);
        h[name] = v;
        break;
      case 'crit': {
        if (!isArray(v)) throw new JWTError('crit: must be a list');
        h.crit = new Set(v.filter((x): x is string => typeof x === 'string'));
        if (h.crit.size === 0) throw new JWTError('crit: must be a nonempty list');
        break;
      }
      default:
        h.unknown.push(name);
    }
  }
  return h;
}

function headerValid(h: TokenHeader): boolean {
  if (h.alg === '') return false;
  return !h.unknown.some((u) => h.crit?.has(u));
}

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys?: VerificationKey[];
  time: number;
}

function timeFromValue(v: Value): number {
  if (!isNumber(v)) throw new JWTError('token time constraint: must be a number');
  const n = Number(v);
  if (n < 0) throw new JWTError('token time constraint: must not be negative');
  return n;
}

function parseConstraints(o: ObjectValue, nowNs: bigint): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', time: -1 };
  for (const [k, v] of o.sortedEntries()) {
    const name = typeof k === 'string' ? k : marshalJSON(k);
    switch (name) {
      case 'cert':
        if (typeof v !== 'string') throw new JWTError('cert constraint: must be a string');
        c.keys = keysFromCertOrJWK(v);
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        if (typeof v !== 'string') throw new JWTError(`${name} constraint: must be a string`);
        c[name] = v;
        break;
      case 'time':
        c.time = timeFromValue(v);
        break;
      default:
        throw new JWTError(`unknown token validation constraint: ${name}`);
    }
  }
  if (c.time === -1) c.time = Number(nowNs);
  const keys = (c.keys ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (keys > 1) throw new JWTError('duplicate key constraints');
  if (keys < 1) throw new JWTError('no key constraint');
  return c;
}

function constraintsVerify(c: Constraints, h: TokenHeader, tok: Token, sig: Buffer): boolean {
  const data = Buffer.from(tok.header + '.' + tok.payload);
  if (c.keys) {
    if (h.kid !== '') {
      const k = c.keys.find((x) => x.kid === h.kid);
      if (k) return verifySignature(k.key, h.alg, data, sig);
    }
    for (const k of c.keys) {
      if (k.alg !== '' && h.alg !== k.alg) continue;
      if (verifySignature(k.key, h.alg, data, sig)) return true;
    }
    return false;
  }
  return verifySignature(Buffer.from(c.secret), h.alg, data, sig);
}

function validAudience(c: Constraints, aud: Value): boolean {
  if (typeof aud === 'string') return aud === c.aud;
  if (!isArray(aud)) return false;
  return aud.some((x) => typeof x === 'string' && x === c.aud);
}

function decodeVerify(args: Value[], ctx: BuiltinContext): Value {
  const fn = 'io.jwt.decode_verify';
  const unverified: Value = [false, new ObjectValue(), new ObjectValue()];
  const c = parseConstraints(expectObject(fn, args, 1), ctx.nowNs);
  let a: Value = arg(args, 0);
  let tok: Token;
  let header: ObjectValue;
  let p: string;
  while (true) {
    tok = splitJWT(fn, a);
    header = decodeHeader(tok);
    const h = parseTokenHeader(header);
    if (!headerValid(h)) return unverified;
    if (c.alg !== '' && c.alg !== h.alg) return unverified;
    const sig = decodeSignature(tok);
    if (!constraintsVerify(c, h, tok, sig)) return unverified;
    p = decodePayload(tok);
    if (h.cty.toUpperCase() === 'JWT') {
      a = p; // nested token: verify the inner one too
      continue;
    }
    break;
  }
  const payload = extractJSONObject(p);
  if (c.iss !== '') {
    const iss = payload.get('iss');
    if (iss === undefined || iss !== c.iss) return unverified;
  }
  const aud = payload.get('aud');
  if (aud !== undefined) {
    if (!validAudience(c, aud)) return unverified;
  } else if (c.aud !== '') return unverified;
  const nowSec = c.time / 1e9;
  const exp = payload.get('exp');
  if (exp !== undefined) {
    if (!isNumber(exp)) throw new JWTError('exp value must be a number');
    if (!(nowSec < Number(exp))) return unverified;
  }
  const nbf = payload.get('nbf');
  if (nbf !== undefined) {
    if (!isNumber(nbf)) throw new JWTError('nbf value must be a number');
    if (nowSec < Number(nbf)) return unverified;
  }
  return [true, header, payload];
}

/** jwsbb's header lookup for signing: `alg` must be present as a string. */
function headerString(raw: string, name: string): string {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('{')) throw new JWTError(`jwsbb: header "${name}" not found`);
  let v: Value;
  try {
    v = parseJSON(trimmed);
  } catch {
    throw new JWTError('cannot parse JSON');
  }
  const x = isObject(v) ? v.get(name) : undefined;
  if (x === undefined) throw new JWTError(`jwsbb: header "${name}" not found`);
  if (typeof x !== 'string') throw new JWTError(`jwsbb: header "${name}" is not a string`);
  return x;
}

function signWith(key: KeyObject, alg: string, data: Buffer): Buffer {
  const family = alg.slice(0, 2);
  switch (family) {
    case 'HS':
      if (key.type !== 'secret') throw new JWTError(`invalid key type for ${alg}`);
      return createHmac(hashOf(alg), key.export()).update(data).digest();
    case 'RS':
      return cryptoSign(hashOf(alg), data, { key, padding: constants.RSA_PKCS1_PADDING });
    case 'PS':
      return cryptoSign(hashOf(alg), data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    case 'ES':
      return cryptoSign(hashOf(alg), data, { key, dsaEncoding: 'ieee-p1363' });
    default:
      return cryptoSign(null, data, key);
  }
}

function encodeSign(headerText: string, payloadText: string, jwkText: string): string {
  let jwk: unknown;
  try {
    jwk = JSON.parse(jwkText);
  } catch (e) {
    throw new JWTError(`failed to parse JWK: ${(e as Error).message}`);
  }
  if (typeof jwk !== 'object' || jwk === null) throw new JWTError('failed to parse JWK');
  const obj = jwk as Record<string, unknown>;
  const first = Array.isArray(obj.keys) ? (obj.keys[0] as Record<string, unknown> | undefined) : obj;
  if (!first) throw new JWTError('no keys found in JWK set');
  let alg: string;
  try {
    alg = headerString(headerText, 'alg');
  } catch (e) {
    throw new JWTError(`missing or invalid 'alg' header: ${(e as Error).message}`);
  }
  if (!tokenAlgorithms.has(alg)) throw new JWTError(`unknown JWS algorithm: ${alg}`);
  let typ: string | undefined;
  try {
    typ = headerString(headerText, 'typ');
  } catch {
    typ = undefined;
  }
  if ((typ === undefined || typ === 'JWT') && !isValidJSON(payloadText)) throw new JWTError('type is JWT but payload is not JSON');
  const signingInput = encodeBase64(Buffer.from(headerText), { url: true, padded: false }) + '.' + encodeBase64(Buffer.from(payloadText), { url: true, padded: false });
  let key: KeyObject;
  try {
    key = jwkToKey(first, true);
  } catch (e) {
    throw new JWTError(`failed to import JWK: ${(e as Error).message}`);
  }
  let sig: Buffer;
  try {
    sig = signWith(key, alg, Buffer.from(signingInput));
  } catch (e) {
    if (e instanceof JWTError) throw e;
    throw new JWTError(`failed to sign payload: ${(e as Error).message}`);
  }
  return signingInput + '.' + encodeBase64(sig, { url: true, padded: false });
}

/** Run `f`, reporting JWT errors as `fn: message` built-in errors. */
function guard<T>(fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JWTError) throw builtinError(fn, e.message);
    throw e;
  }
}

const jwtArg = { name: 'jwt', type: t.string, description: 'JWT token whose signature is to be verified' };
const certArg = { name: 'certificate', type: t.string, description: 'PEM encoded certificate, PEM encoded public key, or the JWK key (set) used to verify the signature' };

function verifyDecl(alg: string): BuiltinDecl {
  const name = `io.jwt.verify_${alg.toLowerCase()}`;
  if (alg.startsWith('HS')) {
    return {
      name,
      category: 'tokens',
      args: [jwtArg, { name: 'secret', type: t.string, description: 'plain text secret used to verify the signature' }],
      result: t.boolean,
      description: `Verifies if a ${alg} JWT signature is valid.`,
      impl: (args) =>
        guard(name, () => {
          const jwt = expectString(name, args, 0);
          const secret = expectString(name, args, 1);
          const tok = splitJWT(name, jwt);
          const mac = createHmac(hashOf(alg), Buffer.from(secret)).update(tok.header + '.' + tok.payload).digest();
          const sig = decodeSignature(tok);
          return mac.length === sig.length && timingSafeEqual(mac, sig);
        }),
    };
  }
  return {
    name,
    category: 'tokens',
    args: [jwtArg, certArg],
    result: t.boolean,
    description: `Verifies if a ${alg} JWT signature is valid.`,
    impl: (args) => guard(name, () => verifyWithKeys(name, alg, args)),
  };
}

export const jwtBuiltins: BuiltinDecl[] = [
  {
    name: 'io.jwt.decode',
    category: 'tokens',
    args: [{ name: 'jwt', type: t.string, description: 'JWT token to decode' }],
    result: t.array(t.any),
    description: 'Decodes a JSON Web Token and outputs it as an object: [header, payload, signature (hex)].',
    impl: (args) => guard('io.jwt.decode', () => decodeJWT('io.jwt.decode', arg(args, 0))),
  },
  ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512'].map(verifyDecl),
  {
    name: 'io.jwt.verify_eddsa',
    category: 'tokens',
    args: [jwtArg, certArg],
    result: t.boolean,
    description: 'Verifies if an EdDSA JWT signature is valid.',
    impl: (args) => guard('io.jwt.verify_eddsa', () => verifyWithKeys('io.jwt.verify_eddsa', 'EdDSA', args)),
  },
  {
    name: 'io.jwt.decode_verify',
    category: 'tokens',
    args: [
      { name: 'jwt', type: t.string, description: 'JWT token whose signature is to be verified and whose claims are to be checked' },
      { name: 'constraints', type: t.object(t.string, t.any), description: 'cert or secret, and optionally alg, iss, aud, time (ns)' },
    ],
    result: t.array(t.any),
    description:
      'Verifies a JWT signature under parameterized constraints and decodes the claims if it is valid: [valid, header, payload] ([false, {}, {}] when not valid).',
    impl: (args, ctx) => guard('io.jwt.decode_verify', () => decodeVerify(args, ctx)),
  },
  {
    name: 'io.jwt.encode_sign',
    category: 'tokens',
    args: [
      { name: 'headers', type: t.object(t.string, t.any), description: 'JWS Protected Header' },
      { name: 'payload', type: t.object(t.string, t.any), description: 'JWS Payload' },
      { name: 'key', type: t.object(t.string, t.any), description: 'JSON Web Key (RFC7517)' },
    ],
    result: t.string,
    description: 'Encodes and optionally signs a JSON Web Token. Inputs are taken as objects, not encoded strings.',
    nondeterministic: true,
    impl: (args) => guard('io.jwt.encode_sign', () => encodeSign(marshalJSON(arg(args, 0)), marshalJSON(arg(args, 1)), marshalJSON(arg(args, 2)))),
  },
  {
    name: 'io.jwt.encode_sign_raw',
    category: 'tokens',
    args: [
      { name: 'headers', type: t.string, description: 'JWS Protected Header' },
      { name: 'payload', type: t.string, description: 'JWS Payload' },
      { name: 'key', type: t.string, description: 'JSON Web Key (RFC7517)' },
    ],
    result: t.string,
    description: 'Encodes and optionally signs a JSON Web Token.',
    nondeterministic: true,
    impl: (args) => {
      const fn = 'io.jwt.encode_sign_raw';
      const key = expectString(fn, args, 2);
      const h = expectString(fn, args, 0);
      const p = expectString(fn, args, 1);
      return guard(fn, () => encodeSign(h, p, key));
    },
  },
];
