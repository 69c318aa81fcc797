/**
 * X.509 certificates and certificate requests decoded from DER into the JSON form OPA returns,
 * which is Go's `encoding/json` rendering of `x509.Certificate` / `x509.CertificateRequest`
 * (field names such as `Subject.CommonName`, `DNSNames`, `NotBefore`, byte slices as base64,
 * big integers as numbers, absent lists as null). Signature checks use node:crypto.
 */
import { X509Certificate } from 'node:crypto';
import { parseURL } from './url.ts';

export type GoJSON = null | boolean | number | bigint | string | GoJSON[] | { [k: string]: GoJSON };

export class X509Error extends Error {}

interface TLV {
  tag: number;
  /** Whole element (header + content). */
  raw: Buffer;
  content: Buffer;
  constructed: boolean;
}

function readTLV(buf: Buffer, off: number, err = 'x509: malformed certificate'): [TLV, number] {
  if (off + 2 > buf.length) throw new X509Error(err);
  const tag = buf[off]!;
  let len = buf[off + 1]!;
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || off + 2 + n > buf.length) throw new X509Error(err);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + 2 + i]!;
    hdr += n;
  }
  const end = off + hdr + len;
  if (end > buf.length) throw new X509Error(err);
  return [{ tag, raw: buf.subarray(off, end), content: buf.subarray(off + hdr, end), constructed: (tag & 0x20) !== 0 }, end];
}

function children(t: TLV, err?: string): TLV[] {
  const out: TLV[] = [];
  let off = 0;
  while (off < t.content.length) {
    const [c, next] = readTLV(t.content, off, err);
    out.push(c);
    off = next;
  }
  return out;
}

function oid(content: Buffer): number[] {
  const out: number[] = [];
  let v = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (out.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        out.push(first, v - first * 40);
      } else out.push(v);
      v = 0;
    }
  }
  return out;
}

const bigFrom = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt('0x' + b.toString('hex')));
/** A DER INTEGER (two's complement). */
function integer(content: Buffer): bigint {
  const v = bigFrom(content);
  return content.length > 0 && content[0]! & 0x80 ? v - (1n << BigInt(content.length * 8)) : v;
}
const num = (b: bigint): number | bigint => (b >= -(2n ** 53n) && b <= 2n ** 53n ? Number(b) : b);

function decodeString(t: TLV): string {
  switch (t.tag) {
    case 0x1e: {
      // BMPString: UTF-16BE
      let s = '';
      for (let i = 0; i + 1 < t.content.length; i += 2) s += String.fromCharCode(t.content.readUInt16BE(i));
      return s;
    }
    case 0x1c: {
      let s = '';
      for (let i = 0; i + 3 < t.content.length; i += 4) s += String.fromCodePoint(t.content.readUInt32BE(i));
      return s;
    }
    case 0x14:
    case 0x16:
    case 0x13:
      return t.content.toString('latin1');
    default:
      return t.content.toString('utf8');
  }
}

function time(t: TLV): string {
  const s = t.content.toString('latin1');
  let iso: string;
  if (t.tag === 0x17) {
    const yy = Number(s.slice(0, 2));
    iso = `${yy >= 50 ? 1900 + yy : 2000 + yy}-${s.slice(2, 4)}-${s.slice(4, 6)}T${s.slice(6, 8)}:${s.slice(8, 10)}:${s.slice(10, 12)}Z`;
  } else {
    iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}Z`;
  }
  return iso;
}

const nameFields: Record<string, string> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

/** pkix.Name as Go marshals it. */
function pkixName(t: TLV): { [k: string]: GoJSON } {
  const name: { [k: string]: GoJSON } = {
    Country: null,
    Organization: null,
    OrganizationalUnit: null,
    Locality: null,
    Province: null,
    StreetAddress: null,
    PostalCode: null,
    SerialNumber: '',
    CommonName: '',
    Names: [] as GoJSON[],
    ExtraNames: null,
  };
  for (const rdn of children(t)) {
    for (const atv of children(rdn)) {
      const [typ, val] = children(atv);
      if (!typ || !val) continue;
      const o = oid(typ.content);
      const key = o.join('.');
      const value = decodeString(val);
      (name.Names as GoJSON[]).push({ Type: o, Value: value });
      if (key === '2.5.4.3') name.CommonName = value;
      else if (key === '2.5.4.5') name.SerialNumber = value;
      else if (nameFields[key]) {
        const f = nameFields[key]!;
        name[f] = [...((name[f] as GoJSON[] | null) ?? []), value];
      }
    }
  }
  if ((name.Names as GoJSON[]).length === 0) name.Names = null;
  return name;
}

const sigAlgs: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.3.101.112': 16,
};

function signatureAlgorithm(algId: TLV): number {
  const [o, params] = children(algId);
  const key = oid(o!.content).join('.');
  if (key === '1.2.840.113549.1.1.10' && params) {
    // RSASSA-PSS: the hash comes from the parameters.
    const hashOid = pssHash(params);
    return { '2.16.840.1.101.3.4.2.1': 13, '2.16.840.1.101.3.4.2.2': 14, '2.16.840.1.101.3.4.2.3': 15 }[hashOid] ?? 0;
  }
  return sigAlgs[key] ?? 0;
}

function pssHash(params: TLV): string {
  try {
    const first = children(params)[0];
    if (!first || first.tag !== 0xa0) return '2.16.840.1.101.3.4.2.1';
    const alg = children(first)[0]!;
    return oid(children(alg)[0]!.content).join('.');
  } catch {
    return '';
  }
}

/** The public key algorithm and Go's JSON for the key of a SubjectPublicKeyInfo. */
function publicKey(spki: TLV): [number, GoJSON] {
  const [algId, bits] = children(spki);
  const algOid = oid(children(algId!)[0]!.content).join('.');
  const keyBytes = bits!.content.subarray(1);
  if (algOid === '1.2.840.113549.1.1.1' || algOid === '1.2.840.113549.1.1.10') {
    const [n, e] = children(readTLV(keyBytes, 0)[0]);
    return [1, { N: num(integer(n!.content)), E: Number(integer(e!.content)) }];
  }
  if (algOid === '1.2.840.10045.2.1') {
    const half = (keyBytes.length - 1) / 2;
    return [3, { Curve: {}, X: num(bigFrom(keyBytes.subarray(1, 1 + half))), Y: num(bigFrom(keyBytes.subarray(1 + half))) }];
  }
  if (algOid === '1.3.101.112') return [4, keyBytes.toString('base64')];
  if (algOid === '1.2.840.10040.4.1') return [2, {}];
  return [0, null];
}

const extKeyUsages: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** A url.URL as Go's encoding/json renders it. */
function goURL(s: string): GoJSON {
  try {
    const u = parseURL(s);
    const user = u.user ? {} : null;
    return {
      Scheme: u.scheme,
      Opaque: u.opaque,
      User: user,
      Host: u.host,
      Path: u.path,
      RawPath: u.rawPath,
      OmitHost: false,
      ForceQuery: false,
      RawQuery: u.rawQuery,
      Fragment: u.fragment,
      RawFragment: u.rawFragment,
    };
  } catch {
    return null;
  }
}

interface SANs {
  DNSNames: GoJSON;
  EmailAddresses: GoJSON;
  IPAddresses: GoJSON;
  URIs: GoJSON;
  uriStrings: string[] | null;
}

function subjectAltNames(value: Buffer): SANs {
  const seq = readTLV(value, 0)[0];
  const dns: string[] = [];
  const emails: string[] = [];
  const ips: string[] = [];
  const uris: string[] = [];
  for (const gn of children(seq)) {
    switch (gn.tag & 0x1f) {
      case 1:
        emails.push(gn.content.toString('latin1'));
        break;
      case 2:
        dns.push(gn.content.toString('latin1'));
        break;
      case 6:
        uris.push(gn.content.toString('latin1'));
        break;
      case 7:
        ips.push(ipText(gn.content));
        break;
    }
  }
  const orNull = <T extends GoJSON>(xs: T[]): GoJSON => (xs.length ? xs : null);
  return {
    DNSNames: orNull(dns),
    EmailAddresses: orNull(emails),
    IPAddresses: orNull(ips),
    URIs: uris.length ? uris.map(goURL) : null,
    uriStrings: uris.length ? uris : null,
  };
}

/** Apply the extensions Go interprets to the certificate JSON. */
function applyExtensions(cert: { [k: string]: GoJSON }, exts: TLV[]): string[] | null {
  let uriStrings: string[] | null = null;
  const list: GoJSON[] = [];
  for (const ext of exts) {
    const parts = children(ext);
    const id = oid(parts[0]!.content);
    let critical = false;
    let valueTLV = parts[1]!;
    if (valueTLV.tag === 0x01) {
      critical = valueTLV.content[0] !== 0;
      valueTLV = parts[2]!;
    }
    const value = valueTLV.content;
    list.push({ Id: id, Critical: critical, Value: value.toString('base64') });
    try {
      switch (id.join('.')) {
        case '2.5.29.15': {
          const bs = readTLV(value, 0)[0].content;
          let usage = 0;
          for (let i = 0; i < 9; i++) {
            const byte = bs[1 + (i >> 3)];
            if (byte !== undefined && byte & (0x80 >> (i & 7))) usage |= 1 << i;
          }
          cert.KeyUsage = usage;
          break;
        }
        case '2.5.29.19': {
          const seq = children(readTLV(value, 0)[0]);
          cert.BasicConstraintsValid = true;
          let i = 0;
          if (seq[i]?.tag === 0x01) {
            cert.IsCA = seq[i]!.content[0] !== 0;
            i++;
          }
          if (seq[i]?.tag === 0x02) {
            const n = Number(integer(seq[i]!.content));
            cert.MaxPathLen = n;
            cert.MaxPathLenZero = n === 0;
          } else cert.MaxPathLen = -1;
          break;
        }
        case '2.5.29.17': {
          const sans = subjectAltNames(value);
          cert.DNSNames = sans.DNSNames;
          cert.EmailAddresses = sans.EmailAddresses;
          cert.IPAddresses = sans.IPAddresses;
          cert.URIs = sans.URIs;
          uriStrings = sans.uriStrings;
          break;
        }
        case '2.5.29.37': {
          const known: number[] = [];
          const unknown: GoJSON[] = [];
          for (const o of children(readTLV(value, 0)[0])) {
            const k = oid(o.content);
            const u = extKeyUsages[k.join('.')];
            if (u === undefined) unknown.push(k);
            else known.push(u);
          }
          cert.ExtKeyUsage = known.length ? known : null;
          cert.UnknownExtKeyUsage = unknown.length ? unknown : null;
          break;
        }
        case '2.5.29.14':
          cert.SubjectKeyId = readTLV(value, 0)[0].content.toString('base64');
          break;
        case '2.5.29.35': {
          for (const c of children(readTLV(value, 0)[0])) if (c.tag === 0x80) cert.AuthorityKeyId = c.content.toString('base64');
          break;
        }
        case '1.3.6.1.5.5.7.1.1': {
          const ocsp: string[] = [];
          const issuers: string[] = [];
          for (const ad of children(readTLV(value, 0)[0])) {
            const [m, loc] = children(ad);
            if (!m || !loc || (loc.tag & 0x1f) !== 6) continue;
            const method = oid(m.content).join('.');
            if (method === '1.3.6.1.5.5.7.48.1') ocsp.push(loc.content.toString('latin1'));
            if (method === '1.3.6.1.5.5.7.48.2') issuers.push(loc.content.toString('latin1'));
          }
          cert.OCSPServer = ocsp.length ? ocsp : null;
          cert.IssuingCertificateURL = issuers.length ? issuers : null;
          break;
        }
        case '2.5.29.31': {
          const points: string[] = [];
          const walk = (t: TLV): void => {
            if ((t.tag & 0x1f) === 6 && t.tag & 0x80 && !t.constructed) points.push(t.content.toString('latin1'));
            else if (t.constructed) for (const c of children(t)) walk(c);
          };
          walk(readTLV(value, 0)[0]);
          cert.CRLDistributionPoints = points.length ? points : null;
          break;
        }
        case '2.5.29.32': {
          const ids: GoJSON[] = [];
          for (const pi of children(readTLV(value, 0)[0])) ids.push(oid(children(pi)[0]!.content));
          cert.PolicyIdentifiers = ids.length ? ids : null;
          cert.Policies = ids.length ? ids.map((i) => (i as number[]).join('.')) : null;
          break;
        }
      }
    } catch {
      // A malformed extension keeps its raw form only.
    }
  }
  cert.Extensions = list.length ? list : null;
  return uriStrings;
}

export interface ParsedCert {
  json: { [k: string]: GoJSON };
  der: Buffer;
  node: X509Certificate;
}

/** Parse one DER certificate into Go's JSON form (plus OPA's URIStrings). */
export function parseCertificate(der: Buffer): ParsedCert {
  let node: X509Certificate;
  try {
    node = new X509Certificate(der);
  } catch {
    throw new X509Error('x509: malformed certificate');
  }
  const [certTLV] = readTLV(der, 0);
  const [tbs, sigAlg, sigBits] = children(certTLV);
  if (!tbs || !sigAlg || !sigBits) throw new X509Error('x509: malformed certificate');
  const f = children(tbs);
  let i = 0;
  let version = 1;
  if (f[0]!.tag === 0xa0) {
    version = Number(integer(children(f[0]!)[0]!.content)) + 1;
    i++;
  }
  const serial = integer(f[i++]!.content);
  i++; // inner signature algorithm
  const issuer = f[i++]!;
  const validity = children(f[i++]!);
  const subject = f[i++]!;
  const spki = f[i++]!;
  let exts: TLV[] = [];
  for (; i < f.length; i++) if (f[i]!.tag === 0xa3) exts = children(children(f[i]!)[0]!);
  const [pkAlg, pk] = publicKey(spki);
  const cert: { [k: string]: GoJSON } = {
    Raw: der.toString('base64'),
    RawTBSCertificate: tbs.raw.toString('base64'),
    RawSubjectPublicKeyInfo: spki.raw.toString('base64'),
    RawSubject: subject.raw.toString('base64'),
    RawIssuer: issuer.raw.toString('base64'),
    Signature: sigBits.content.subarray(1).toString('base64'),
    SignatureAlgorithm: signatureAlgorithm(sigAlg),
    PublicKeyAlgorithm: pkAlg,
    PublicKey: pk,
    Version: version,
    SerialNumber: num(serial),
    Issuer: pkixName(issuer),
    Subject: pkixName(subject),
    NotBefore: time(validity[0]!),
    NotAfter: time(validity[1]!),
    KeyUsage: 0,
    Extensions: null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: null,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
    Policies: null,
    InhibitAnyPolicy: 0,
    InhibitAnyPolicyZero: false,
    InhibitPolicyMapping: 0,
    InhibitPolicyMappingZero: false,
    RequireExplicitPolicy: 0,
    RequireExplicitPolicyZero: false,
    PolicyMappings: null,
  };
  const uris = applyExtensions(cert, exts);
  cert.URIStrings = uris;
  return { json: cert, der, node };
}

/** Go's x509.ParseCertificates: concatenated DER certificates. */
export function parseCertificates(der: Buffer): ParsedCert[] {
  const out: ParsedCert[] = [];
  let off = 0;
  if (der.length === 0) throw new X509Error('x509: malformed certificate');
  while (off < der.length) {
    const [t, next] = readTLV(der, off);
    out.push(parseCertificate(Buffer.from(t.raw)));
    off = next;
  }
  return out;
}

/** Go's x509.ParseCertificateRequest in JSON form. */
export function parseCertificateRequest(der: Buffer): { [k: string]: GoJSON } {
  const err = 'asn1: structure error: tags don\'t match';
  let csr: TLV;
  try {
    csr = readTLV(der, 0, err)[0];
    if (csr.tag !== 0x30) throw new X509Error(err);
  } catch {
    throw new X509Error(err);
  }
  const [info, sigAlg, sigBits] = children(csr, err);
  if (!info || !sigAlg || !sigBits) throw new X509Error(err);
  const f = children(info, err);
  const version = Number(integer(f[0]!.content));
  const subject = f[1]!;
  const spki = f[2]!;
  const [pkAlg, pk] = publicKey(spki);
  const out: { [k: string]: GoJSON } = {
    Raw: der.toString('base64'),
    RawTBSCertificateRequest: info.raw.toString('base64'),
    RawSubjectPublicKeyInfo: spki.raw.toString('base64'),
    RawSubject: subject.raw.toString('base64'),
    Version: version,
    Signature: sigBits.content.subarray(1).toString('base64'),
    SignatureAlgorithm: signatureAlgorithm(sigAlg),
    PublicKeyAlgorithm: pkAlg,
    PublicKey: pk,
    Subject: pkixName(subject),
    Attributes: null,
    Extensions: null,
    ExtraExtensions: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
  };
  // Requested extensions (PKCS#9 extensionRequest) carry the SANs.
  const attrs = f[3];
  if (attrs && attrs.tag === 0xa0) {
    for (const attr of children(attrs)) {
      const [typ, set] = children(attr);
      if (!typ || !set || oid(typ.content).join('.') !== '1.2.840.113549.1.9.14') continue;
      const exts = children(children(set)[0]!);
      const tmp: { [k: string]: GoJSON } = {};
      applyExtensions(tmp, exts);
      out.Extensions = tmp.Extensions ?? null;
      for (const k of ['DNSNames', 'EmailAddresses', 'IPAddresses', 'URIs']) if (tmp[k] !== undefined) out[k] = tmp[k]!;
    }
  }
  return out;
}

/**
 * Go's Certificate.Verify for OPA's chain check: certs[0] is the root, the last is the leaf,
 * the rest are intermediates. Returns the chain leaf-first, or throws.
 */
export function verifyChain(certs: ParsedCert[], opts: { nowMs: number; dnsName?: string; keyUsages?: number[] }): ParsedCert[] {
  if (certs.length < 2) throw new X509Error('must supply at least two certificates to be able to verify');
  const root = certs[0]!;
  const leaf = certs[certs.length - 1]!;
  const intermediates = certs.slice(1, -1);
  const validAt = (c: ParsedCert): boolean => {
    const nb = Date.parse(c.json.NotBefore as string);
    const na = Date.parse(c.json.NotAfter as string);
    return opts.nowMs >= nb && opts.nowMs <= na;
  };
  const issues = (parent: ParsedCert, child: ParsedCert): boolean => {
    try {
      return child.node.checkIssued(parent.node) && child.node.verify(parent.node.publicKey);
    } catch {
      return false;
    }
  };
  const isCA = (c: ParsedCert): boolean => c.json.BasicConstraintsValid === true && c.json.IsCA === true;
  const wanted = opts.keyUsages && opts.keyUsages.length > 0 ? opts.keyUsages : [1];
  const ekuOK = (c: ParsedCert): boolean => {
    const eku = c.json.ExtKeyUsage as number[] | null;
    if (!eku || wanted.includes(0)) return true;
    return eku.includes(0) || eku.some((u) => wanted.includes(u));
  };
  if (!validAt(leaf)) throw new X509Error('x509: certificate has expired or is not yet valid');
  if (opts.dnsName) {
    const names = (leaf.json.DNSNames as string[] | null) ?? [];
    const match = names.some((n) => n.toLowerCase() === opts.dnsName!.toLowerCase() || (n.startsWith('*.') && opts.dnsName!.toLowerCase().endsWith(n.slice(1).toLowerCase()) && opts.dnsName!.split('.').length === n.split('.').length));
    if (!match) throw new X509Error(`x509: certificate is valid for ${names.join(', ')}, not ${opts.dnsName}`);
  }
  // Depth-first search from the leaf to the root through the intermediates.
  const search = (cur: ParsedCert, chain: ParsedCert[], used: Set<ParsedCert>): ParsedCert[] | undefined => {
    if (cur.der.equals(root.der)) return chain;
    // Roots are trust anchors: Go does not require the CA flag on them.
    if (issues(root, cur) && validAt(root) && ekuOK(root)) return [...chain, root];
    for (const im of intermediates) {
      if (used.has(im) || !issues(im, cur) || !isCA(im) || !validAt(im) || !ekuOK(im)) continue;
      const r = search(im, [...chain, im], new Set([...used, im]));
      if (r) return r;
    }
    return undefined;
  };
  if (!ekuOK(leaf)) throw new X509Error('x509: certificate specifies an incompatible key usage');
  const chain = search(leaf, [leaf], new Set());
  if (!chain) throw new X509Error('x509: certificate signed by unknown authority');
  return chain;
}
