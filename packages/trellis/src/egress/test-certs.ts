/**
 * TLS certificates for tests, made in process: a CA and a server certificate for given DNS names,
 * signed by it (ECDSA P-256), valid for a day. Node can sign but not build a certificate, so the
 * few DER structures an X.509 v3 certificate needs are written here (RFC 5280).
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const length: number[] = [];
  for (let n = body.length; n > 0; n >>= 8) length.unshift(n & 0xff);
  const head = body.length < 0x80 ? [body.length] : [0x80 | length.length, ...length];
  return Buffer.concat([Buffer.from([tag, ...head]), body]);
}

const sequence = (...parts: Buffer[]) => der(0x30, ...parts);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const n of rest) {
    const enc = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) enc.unshift((v & 0x7f) | 0x80);
    bytes.push(...enc);
  }
  return der(0x06, Buffer.from(bytes));
}

const name = (cn: string) => sequence(der(0x31, sequence(oid('2.5.4.3'), der(0x0c, Buffer.from(cn)))));
/** UTCTime, YYMMDDHHMMSSZ (dates before 2050). */
const utcTime = (d: Date) => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'));
const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), der(0x04, value));

function certificate(subject: string, key: KeyObject, issuer: string, issuerKey: KeyObject, extensions: Buffer[]): string {
  const serial = randomBytes(8);
  serial[0]! &= 0x7f;
  const now = Date.now();
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, serial),
    ecdsaWithSha256,
    name(issuer),
    sequence(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 86_400_000))),
    name(subject),
    key.export({ type: 'spki', format: 'der' }),
    der(0xa3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuerKey);
  const cert = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export interface TestCertificates {
  /** The CA certificate (PEM): what a client trusts. */
  ca: string;
  /** The server's certificate and private key (PEM). */
  cert: string;
  key: string;
}

export function makeTestCertificates(dnsNames: readonly string[]): TestCertificates {
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serverKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = 'Trellis Test CA';
  const basicConstraintsCa = extension('2.5.29.19', true, sequence(der(0x01, Buffer.from([0xff]))));
  const keyUsageCertSign = extension('2.5.29.15', true, der(0x03, Buffer.from([0x01, 0x06]))); // keyCertSign, cRLSign
  const subjectAltNames = extension('2.5.29.17', false, sequence(...dnsNames.map((n) => der(0x82, Buffer.from(n)))));
  return {
    ca: certificate(caName, caKeys.publicKey, caName, caKeys.privateKey, [basicConstraintsCa, keyUsageCertSign]),
    cert: certificate(dnsNames[0] ?? 'localhost', serverKeys.publicKey, caName, caKeys.privateKey, [subjectAltNames]),
    key: serverKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
