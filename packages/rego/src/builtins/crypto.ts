/**
 * Built-ins of the crypto category: digests and HMACs (hex output over the UTF-8 bytes),
 * X.509 certificate, CSR and key parsing in the JSON form OPA returns (Go's x509 structs as
 * encoding/json renders them), and chain verification. Inputs may be PEM, base64 of PEM, or
 * base64 DER, as OPA accepts; error texts follow Go's.
 */
import { createHash, createHmac, createPrivateKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { fromJSON, isArray, isNumber, isSet, makeObject, normInt, type Value } from '../value.ts';
import { expectObject, expectString } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';
import { Base64Error, decodeBase64 } from './support/base64.ts';
import { decodeAllPEM, decodePEM } from './support/pem.ts';
import { parseCertificateRequest, parseCertificates, verifyChain, X509Error, type GoJSON, type ParsedCert } from './support/x509.ts';

/** Go JSON (with bigints) to a Rego value. */
function goValue(x: GoJSON): Value {
  if (typeof x === 'bigint') return normInt(x);
  if (Array.isArray(x)) return x.map(goValue);
  if (x !== null && typeof x === 'object') {
    const o: Record<string, Value> = {};
    for (const [k, v] of Object.entries(x)) o[k] = goValue(v);
    return makeObject(o);
  }
  return x;
}

function b64(s: string): Buffer {
  try {
    return decodeBase64(s);
  } catch (e) {
    if (e instanceof Base64Error) throw new X509Error(e.message);
    throw e;
  }
}

/** OPA's getX509CertsFromString: PEM, base64 of PEM, or base64 of DER. */
function certsFromString(s: string): ParsedCert[] {
  const fromPEM = (text: string): ParsedCert[] => {
    const blocks = decodeAllPEM(text);
    for (const b of blocks) if (b.type !== 'CERTIFICATE') throw new X509Error(`PEM block type is '${b.type}', expected CERTIFICATE`);
    return parseCertificates(Buffer.concat(blocks.map((b) => b.bytes)));
  };
  if (s.startsWith('-----BEGIN')) return fromPEM(s);
  const der = b64(s);
  if (der.subarray(0, 10).toString('latin1') === '-----BEGIN') return fromPEM(der.toString('utf8'));
  return parseCertificates(der);
}

function certsValue(certs: ParsedCert[]): Value {
  return certs.map((c) => goValue(c.json));
}

/** Go's JSON for a private key (rsa.PrivateKey, ecdsa.PrivateKey, ed25519.PrivateKey). */
function privateKeyJSON(key: KeyObject): GoJSON {
  const jwk = key.export({ format: 'jwk' });
  const big = (s: string | undefined): GoJSON => (s === undefined ? null : ((b) => (b >= -(2n ** 53n) && b <= 2n ** 53n ? Number(b) : b))(BigInt('0x' + (Buffer.from(s, 'base64url').toString('hex') || '0'))));
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return {
        PublicKey: { N: big(jwk.n), E: Number(big(jwk.e)) },
        D: big(jwk.d),
        Primes: [big(jwk.p), big(jwk.q)],
        Precomputed: { Dp: big(jwk.dp), Dq: big(jwk.dq), Qinv: big(jwk.qi), CRTValues: [] },
      };
    case 'ec':
      return { PublicKey: { Curve: {}, X: big(jwk.x), Y: big(jwk.y) }, D: big(jwk.d) };
    case 'ed25519':
      return Buffer.concat([Buffer.from(jwk.d ?? '', 'base64url'), Buffer.from(jwk.x ?? '', 'base64url')]).toString('base64');
    default:
      return null;
  }
}

/** OPA's getPrivateKeysFromPEMData (input may be base64 of PEM). */
function privateKeysFromPEM(data: string): KeyObject[] {
  let text = data;
  try {
    text = decodeBase64(data).toString('utf8');
  } catch {
    // not base64: use as is
  }
  const keys: KeyObject[] = [];
  for (const block of decodeAllPEM(text)) {
    const parse = (type: 'pkcs1' | 'pkcs8' | 'sec1'): KeyObject => {
      try {
        return createPrivateKey({ key: block.bytes, format: 'der', type });
      } catch (e) {
        throw new X509Error(`x509: failed to parse private key: ${(e as Error).message}`);
      }
    };
    if (block.type === 'RSA PRIVATE KEY') keys.push(parse('pkcs1'));
    else if (block.type === 'PRIVATE KEY') keys.push(parse('pkcs8'));
    else if (block.type === 'EC PRIVATE KEY') keys.push(parse('sec1'));
  }
  return keys;
}

function guard(fn: string, f: () => Value): Value {
  try {
    return f();
  } catch (e) {
    if (e instanceof X509Error) throw builtinError(fn, e.message);
    throw e;
  }
}

const digest = (name: string, algo: string): BuiltinDecl => ({
  name,
  category: 'crypto',
  args: [{ name: 'x', type: t.string }],
  result: t.string,
  description: `Returns a string representing the input string hashed with the ${algo.toUpperCase()} function.`,
  impl: (args) => createHash(algo).update(expectString(name, args, 0), 'utf8').digest('hex'),
});

const hmac = (name: string, algo: string): BuiltinDecl => ({
  name,
  category: 'crypto',
  args: [
    { name: 'x', type: t.string, description: 'input string' },
    { name: 'key', type: t.string, description: 'key to use' },
  ],
  result: t.string,
  description: `Returns a string representing the ${algo.toUpperCase()} HMAC of the input message using the input key.`,
  impl: (args) => {
    const msg = expectString(name, args, 0);
    const key = expectString(name, args, 1);
    return createHmac(algo, Buffer.from(key, 'utf8')).update(msg, 'utf8').digest('hex');
  },
});

const keyUsageNames: Record<string, number> = {
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

export const cryptoBuiltins: BuiltinDecl[] = [
  digest('crypto.md5', 'md5'),
  digest('crypto.sha1', 'sha1'),
  digest('crypto.sha256', 'sha256'),
  hmac('crypto.hmac.md5', 'md5'),
  hmac('crypto.hmac.sha1', 'sha1'),
  hmac('crypto.hmac.sha256', 'sha256'),
  hmac('crypto.hmac.sha512', 'sha512'),
  {
    name: 'crypto.hmac.equal',
    category: 'crypto',
    args: [
      { name: 'mac1', type: t.string },
      { name: 'mac2', type: t.string },
    ],
    result: t.boolean,
    description: 'Returns a boolean representing the result of comparing two MACs for equality without leaking timing information.',
    impl: (args) => {
      const a = Buffer.from(expectString('crypto.hmac.equal', args, 0), 'utf8');
      const b = Buffer.from(expectString('crypto.hmac.equal', args, 1), 'utf8');
      return a.length === b.length && timingSafeEqual(a, b);
    },
  },
  {
    name: 'crypto.x509.parse_certificates',
    category: 'crypto',
    args: [{ name: 'certs', type: t.string, description: 'base64 encoded DER or PEM data containing one or more certificates or a PEM string of one or more certificates' }],
    result: t.array(t.object(t.string, t.any)),
    description: 'Returns zero or more certificates from the given encoded string containing DER certificate data.',
    impl: (args) => {
      const fn = 'crypto.x509.parse_certificates';
      const s = expectString(fn, args, 0);
      return guard(fn, () => certsValue(certsFromString(s)));
    },
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates',
    category: 'crypto',
    args: [{ name: 'certs', type: t.string, description: 'root CA first, leaf last, intermediates in between' }],
    result: t.array(t.any),
    description: 'Returns [valid, certificates]: verifies the chain (root first, leaf last) and returns the chain leaf-first when valid, else [false, []].',
    impl: (args, ctx) => {
      const s = expectString('crypto.x509.parse_and_verify_certificates', args, 0);
      try {
        const chain = verifyChain(certsFromString(s), { nowMs: Number(ctx.nowNs / 1_000_000n) });
        return [true, certsValue(chain)];
      } catch {
        return [false, []];
      }
    },
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates_with_options',
    category: 'crypto',
    args: [
      { name: 'certs', type: t.string },
      { name: 'options', type: t.object(t.string, t.any), description: 'DNSName, CurrentTime (ns), MaxConstraintComparisons, KeyUsages' },
    ],
    result: t.array(t.any),
    description: 'Like crypto.x509.parse_and_verify_certificates, with verification options.',
    impl: (args, ctx) => {
      const fn = 'crypto.x509.parse_and_verify_certificates_with_options';
      const s = expectString(fn, args, 0);
      const options = expectObject(fn, args, 1);
      let certs: ParsedCert[];
      try {
        certs = certsFromString(s);
      } catch {
        return [false, []];
      }
      const opts: { nowMs: number; dnsName?: string; keyUsages?: number[] } = { nowMs: Number(ctx.nowNs / 1_000_000n) };
      for (const [k, v] of options.sortedEntries()) {
        if (typeof k !== 'string') continue;
        switch (k) {
          case 'DNSName':
            if (typeof v !== 'string') throw builtinError(fn, "'DNSName' should be a string");
            opts.dnsName = v.replace(/^"+|"+$/g, '');
            break;
          case 'CurrentTime':
            if (!isNumber(v)) throw builtinError(fn, "'CurrentTime' should be a number");
            opts.nowMs = Number(BigInt(v) / 1_000_000n);
            break;
          case 'MaxConstraintComparisons':
            if (!isNumber(v)) throw builtinError(fn, "'MaxConstraintComparisons' should be a number");
            break;
          case 'KeyUsages': {
            if (!isArray(v) && !isSet(v)) throw builtinError(fn, "'KeyUsages' should be an Array or Set");
            const invalid: string[] = [];
            opts.keyUsages = [];
            for (const u of isArray(v) ? v : v.sorted()) {
              if (typeof u !== 'string') continue;
              const ku = keyUsageNames[u];
              if (ku === undefined) invalid.push(u);
              else opts.keyUsages.push(ku);
            }
            if (invalid.length) throw builtinError(fn, `invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
            break;
          }
          default:
            throw builtinError(fn, 'invalid key option');
        }
      }
      try {
        return [true, certsValue(verifyChain(certs, opts))];
      } catch {
        return [false, []];
      }
    },
  },
  {
    name: 'crypto.x509.parse_certificate_request',
    category: 'crypto',
    args: [{ name: 'csr', type: t.string, description: 'base64 string containing either a PEM encoded or DER CSR or a string containing a PEM CSR' }],
    result: t.object(t.string, t.any),
    description: 'Returns a PKCS #10 certificate signing request from the given PEM-encoded PKCS#10 certificate signing request.',
    impl: (args) => {
      const fn = 'crypto.x509.parse_certificate_request';
      const s = expectString(fn, args, 0);
      return guard(fn, () => {
        let bytes: Buffer = s.startsWith('-----BEGIN CERTIFICATE REQUEST-----') ? Buffer.from(s, 'utf8') : b64(s);
        const pem = decodePEM(bytes.toString('latin1'));
        if (pem && pem.block.type !== 'CERTIFICATE REQUEST') throw new X509Error('invalid PEM-encoded certificate signing request');
        if (pem) bytes = pem.block.bytes;
        return goValue(parseCertificateRequest(bytes));
      });
    },
  },
  {
    name: 'crypto.x509.parse_keypair',
    category: 'crypto',
    args: [
      { name: 'cert', type: t.string, description: 'string containing PEM or base64 encoded DER certificates' },
      { name: 'pem', type: t.string, description: 'string containing PEM or base64 encoded DER keys' },
    ],
    result: t.object(t.string, t.any),
    description: 'Returns a valid key pair (Go tls.Certificate form: Certificate, PrivateKey, Leaf).',
    impl: (args) => {
      const fn = 'crypto.x509.parse_keypair';
      const certText = expectString(fn, args, 0);
      const keyText = expectString(fn, args, 1);
      return guard(fn, () => {
        const certData = certText.startsWith('-----BEGIN ') ? certText : b64(certText).toString('latin1');
        const keyData = keyText.startsWith('-----BEGIN ') ? keyText : b64(keyText).toString('latin1');
        const certBlocks = certData.startsWith('-----BEGIN ')
          ? decodeAllPEM(certData).filter((b) => b.type === 'CERTIFICATE')
          : [{ type: 'CERTIFICATE', headers: {}, bytes: Buffer.from(certData, 'latin1') }];
        if (certBlocks.length === 0) throw new X509Error('tls: failed to find any PEM data in certificate input');
        const keyBlock = keyData.startsWith('-----BEGIN') ? decodeAllPEM(keyData).find((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY')) : { type: 'PRIVATE KEY', headers: {}, bytes: Buffer.from(keyData, 'latin1') };
        if (!keyBlock) throw new X509Error('tls: failed to find any PEM data in key input');
        const types: Record<string, 'pkcs1' | 'pkcs8' | 'sec1'> = { 'RSA PRIVATE KEY': 'pkcs1', 'PRIVATE KEY': 'pkcs8', 'EC PRIVATE KEY': 'sec1' };
        let key: KeyObject;
        try {
          key = createPrivateKey({ key: keyBlock.bytes, format: 'der', type: types[keyBlock.type] ?? 'pkcs8' });
        } catch {
          throw new X509Error('tls: failed to parse private key');
        }
        const leaf = parseCertificates(certBlocks[0]!.bytes)[0]!;
        if (!leaf.node.checkPrivateKey(key)) throw new X509Error('tls: private key does not match public key');
        return goValue({
          Certificate: certBlocks.map((b) => b.bytes.toString('base64')),
          PrivateKey: privateKeyJSON(key),
          SupportedSignatureAlgorithms: null,
          OCSPStaple: null,
          SignedCertificateTimestamps: null,
          Leaf: leaf.json,
        });
      });
    },
  },
  {
    name: 'crypto.x509.parse_rsa_private_key',
    category: 'crypto',
    args: [{ name: 'pem', type: t.string, description: 'base64 string containing a PEM encoded RSA private key' }],
    result: t.object(t.string, t.any),
    description: 'Returns a JWK for signing a JWT from the given PEM-encoded RSA private key.',
    impl: (args) => {
      const fn = 'crypto.x509.parse_rsa_private_key';
      const s = expectString(fn, args, 0);
      return guard(fn, () => {
        if (s === '') throw new X509Error('input PEM data was empty');
        const text = s.startsWith('-----BEGIN') ? s : b64(s).toString('utf8');
        const keys = privateKeysFromPEM(text);
        if (keys.length === 0) return null;
        return fromJSON(keys[0]!.export({ format: 'jwk' }));
      });
    },
  },
  {
    name: 'crypto.parse_private_keys',
    category: 'crypto',
    args: [{ name: 'keys', type: t.string, description: 'PEM encoded data containing one or more private keys as concatenated blocks. Optionally Base64 encoded.' }],
    result: t.array(t.object(t.string, t.any)),
    description: 'Returns zero or more private keys from the given encoded string containing DER certificate data (null for an empty string).',
    impl: (args) => {
      const fn = 'crypto.parse_private_keys';
      const s = expectString(fn, args, 0);
      if (s === '') return null;
      return guard(fn, () => privateKeysFromPEM(s).map((k) => goValue(privateKeyJSON(k))));
    },
  },
];
